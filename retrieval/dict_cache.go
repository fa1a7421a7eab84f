package retrieval

import (
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// dictCacheVersion changes whenever what a dictionary load keeps changes
// (the parser, the ranking, the analyzer's keys), so that an old cache is
// not read as a new one. The analyzer's keys follow the offline
// embedder's version: both change with the analyzer.
const dictCacheVersion = 1

// dictCache is what is stored of a loaded dictionary: both sides' keys and
// translation lists, from which the lookup maps are rebuilt in
// milliseconds instead of parsing 206,000 lines again (over a second of
// CPU, and over 30 s under the race detector).
type dictCache struct {
	DE, EN cachedSide
	Stats  DictionaryStats
}

type cachedSide struct {
	Keys       []string
	Off, Trans []int32
}

// OpenDictionaryCached is OpenDictionary with a cache in dir: a load keeps
// its result there, keyed by the file's path, size and modification time,
// by the versions of the parser and the analyzer and by the number of
// translations kept, and a later load of
// the same file reads it back. An unusable cache (dir "" or unwritable, a
// corrupt file) only costs the parse; it is never an error.
func OpenDictionaryCached(path, dir string, keyDE, keyEN func(string) string) (*Dictionary, error) {
	fi, err := os.Stat(path)
	if err != nil || dir == "" {
		return OpenDictionary(path, keyDE, keyEN)
	}
	abs, _ := filepath.Abs(path)
	sum := sha256.Sum256([]byte(abs + "\x00" + strconv.FormatInt(fi.Size(), 10) + "\x00" + fi.ModTime().UTC().String() +
		"\x00" + strconv.Itoa(dictCacheVersion) + "\x00" + strconv.Itoa(offlineVersion) + "\x00" + strconv.Itoa(maxTranslations)))
	file := filepath.Join(dir, "dictionary-"+hex.EncodeToString(sum[:8])+".gob")
	if d, err := readDictCache(file); err == nil {
		return d, nil
	}
	d, err := OpenDictionary(path, keyDE, keyEN)
	if err != nil {
		return nil, err
	}
	// Best effort: a cache that cannot be written is only a slower start.
	_ = writeDictCache(file, d)
	return d, nil
}

func readDictCache(file string) (*Dictionary, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var c dictCache
	if err := gob.NewDecoder(f).Decode(&c); err != nil {
		return nil, fmt.Errorf("couldn't read the dictionary cache: %w", err)
	}
	d := &Dictionary{stats: c.Stats}
	for _, side := range []struct {
		dst *dictSide
		src cachedSide
	}{{&d.de, c.DE}, {&d.en, c.EN}} {
		if len(side.src.Off) != len(side.src.Keys)+1 {
			return nil, fmt.Errorf("couldn't read the dictionary cache: %d offsets for %d keys", len(side.src.Off), len(side.src.Keys))
		}
		*side.dst = packSide(side.src.Keys)
		side.dst.off, side.dst.trans = side.src.Off, side.src.Trans
	}
	for _, side := range []*dictSide{&d.de, &d.en} {
		other := &d.en
		if side == &d.en {
			other = &d.de
		}
		for _, t := range side.trans {
			if t < 0 || int(t) >= len(other.keys) {
				return nil, fmt.Errorf("couldn't read the dictionary cache: translation %d out of range", t)
			}
		}
	}
	return d, nil
}

// writeDictCache writes the cache through a temporary file and a rename, so
// that a reader never sees half of it.
func writeDictCache(file string, d *Dictionary) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".dictionary-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	c := dictCache{
		DE:    cachedSide{Keys: d.de.keys, Off: d.de.off, Trans: d.de.trans},
		EN:    cachedSide{Keys: d.en.keys, Off: d.en.off, Trans: d.en.trans},
		Stats: d.stats,
	}
	if err := gob.NewEncoder(tmp).Encode(&c); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}
