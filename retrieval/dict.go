package retrieval

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// DefaultDictionaryPath is where Debian's trans-de-en package (the Ding
// German-English word list) installs its dictionary. The file is
// GPL-2.0-or-later, so it is read at run time and never embedded: the
// binary's licence stays ours.
const DefaultDictionaryPath = "/usr/share/trans/de-en"

// ErrNoDictionary is returned (wrapped, together with os.ErrNotExist) when
// the dictionary file is missing. It is not fatal: without it, English
// questions about a German text rely on cognates alone.
var ErrNoDictionary = errors.New("dictionary not found")

// maxTranslations caps the keys ToGerman and ToEnglish return. A common
// word has dozens of Ding translations ("machen" has over a hundred); past
// the first dozen they are rare senses that add noise to a query, not
// recall. (Twelve, not eight: Ding ranks a word's verb senses before its
// noun's at times, "rules" before »Regeln«; search weighs the later ones
// less. On XQuAD's English questions recall@5 went 0.944 -> 0.948; 16 gave
// 0.949.)
const maxTranslations = 12

// Dictionary maps single words between German and English, as keys: the
// forms the analyzer's key functions make of a word (folded and stemmed),
// so that a query's keys can be looked up and the translations searched
// without further analysis. It is read-only after loading and safe for
// concurrent use.
type Dictionary struct {
	de, en dictSide
	stats  DictionaryStats
}

// dictSide is one language's half: its keys, and for each key the keys of
// the other side it translates to, best first.
type dictSide struct {
	index map[string]int32 // key -> id; the strings share one backing string
	// trans[off[id]:off[id+1]] are the ids, on the other side, that key id
	// translates to.
	off   []int32
	trans []int32
	keys  []string // id -> key
}

// DictionaryStats says what a load kept, for a log line and for tuning.
type DictionaryStats struct {
	Lines      int // non-comment, non-empty lines read
	Malformed  int // lines skipped: not one "::", or sides with different numbers of "|" parts
	Pairs      int // distinct German-English key pairs kept
	GermanKeys int
	// EnglishKeys is the number of English keys with at least one
	// translation.
	EnglishKeys int
}

// OpenDictionary loads the Ding-format dictionary at path (see
// LoadDictionary). A missing file gives an error that matches both
// ErrNoDictionary and os.ErrNotExist.
func OpenDictionary(path string, keyDE, keyEN func(string) string) (*Dictionary, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("couldn't open the dictionary: %w (%w)", ErrNoDictionary, err)
	}
	if err != nil {
		return nil, fmt.Errorf("couldn't open the dictionary: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("couldn't read the dictionary: %w", err)
	}
	d, err := loadDictionary(f, fi.Size(), keyDE, keyEN, runtime.GOMAXPROCS(0))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// LoadDictionary reads a dictionary in Ding's format: one entry a line,
// "German :: English"; "|" separates sub-entries that correspond one to one
// on both sides (the headword, its plural, example phrases); ";" separates
// synonyms; {…} grammar marks, […] usage notes, (…) optional parts, <…>
// inflections, /…/ abbreviations and ~references are ignored; lines
// starting with "#" are comments. Malformed lines are skipped and counted,
// never fatal; only a read error or a line over 1 MB (not a dictionary)
// is.
//
// Only one word to one word counts: a synonym is used when, once the marks
// and the articles and placeholders (der/die/das/sich/etw., to/the/a/sth.)
// are gone, exactly one word remains ("etw. wahrnehmen", "to descry sth.").
// Phrases ("causal dependence", "to look up") are skipped: a word of a
// phrase is not a translation of the other side (letting stopwords fall out
// of phrases was measured: "get" gained "einsteigen" and "aussteigen",
// "Abhängigkeit" gained "take" and "ride"), and German compounds, which the
// analyzer splits, meet their English phrases through the parts' own
// entries.
//
// keyDE and keyEN turn one word into the analyzer's key; they are called
// for each single-word synonym, from several goroutines, so they must be
// safe for concurrent use. A key function returns "" for a word the
// analyzer drops (a stopword): the synonym is then skipped. Keys shorter
// than two letters and keys made of digits only are dropped too.
//
// Pairs are ranked by how many entries hold them, weighted by where: 2 in an
// entry's first sub-entry (the headword) and 1 in later ones (plurals,
// inflections), times 1 plus one for each side on which the word is the
// first synonym; within one entry a pair counts once, at its best weight.
// Ties keep the order in which the words first appear in the file. (In a
// crude BM25 over XQuAD's 120 German dev paragraphs, English questions
// expanded with the first eight translations reached recall@5 0.93, 0.91
// with plain counts, 0.66 with no dictionary.)
func LoadDictionary(r io.Reader, keyDE, keyEN func(string) string) (*Dictionary, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("couldn't read the dictionary: %w", err)
	}
	return loadDictionary(bytes.NewReader(data), int64(len(data)), keyDE, keyEN, runtime.GOMAXPROCS(0))
}

// maxLine bounds a dictionary line; Ding's longest is under 10 kB.
const maxLine = 1 << 20

// loadDictionary parses src in up to workers goroutines (one per
// processor), each reading its own byte range with its own key tables, and
// merges what they found: stemming the words is most of the work, and the
// bot loads the dictionary while it starts. Reading the ranges rather than
// the whole file keeps its 25 MB out of the heap. A line belongs to the
// range its first byte is in. The result does not depend on the number of
// workers.
func loadDictionary(src io.ReaderAt, size int64, keyDE, keyEN func(string) string, workers int) (*Dictionary, error) {
	workers = max(1, workers)
	loaders := make([]*loader, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i := range loaders {
		start, end := size*int64(i)/int64(workers), size*int64(i+1)/int64(workers)
		l := newLoader(keyDE, keyEN, int(end-start))
		loaders[i] = l
		wg.Go(func() { errs[i] = l.lines(src, size, start, end) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("couldn't read the dictionary: %w", err)
	}
	for _, l := range loaders[1:] {
		loaders[0].merge(l)
	}
	return loaders[0].build(), nil
}

// lines parses the lines of src that start in [start, end).
func (l *loader) lines(src io.ReaderAt, size, start, end int64) error {
	off := start
	if start > 0 {
		// Begin at the byte before, so that a line starting exactly at
		// start is seen to (its predecessor's newline is skipped).
		off = start - 1
	}
	sc := bufio.NewScanner(io.NewSectionReader(src, off, size-off))
	sc.Buffer(make([]byte, 0, 64*1024), maxLine)
	sc.Split(splitNewline)
	if start > 0 && sc.Scan() {
		off += int64(len(sc.Bytes())) + 1 // the rest of the line before start
	}
	for off < end && sc.Scan() {
		line := sc.Bytes()
		off += int64(len(line)) + 1
		l.line(line)
	}
	return sc.Err()
}

// splitNewline is bufio.ScanLines without its dropping of "\r", so that
// offsets add up; line trims the "\r".
func splitNewline(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// ToGerman returns the German keys an English key translates to, best
// first, at most eight; nil when the key is unknown.
func (d *Dictionary) ToGerman(enKey string) []string {
	if d == nil {
		return nil
	}
	return d.en.lookup(enKey, &d.de)
}

// ToEnglish returns the English keys a German key translates to, best
// first, at most eight; nil when the key is unknown.
func (d *Dictionary) ToEnglish(deKey string) []string {
	if d == nil {
		return nil
	}
	return d.de.lookup(deKey, &d.en)
}

// Stats reports what the load kept.
func (d *Dictionary) Stats() DictionaryStats {
	if d == nil {
		return DictionaryStats{}
	}
	return d.stats
}

func (s *dictSide) lookup(key string, other *dictSide) []string {
	id, ok := s.index[key]
	if !ok {
		return nil
	}
	ids := s.trans[s.off[id]:s.off[id+1]]
	out := make([]string, len(ids))
	for i, t := range ids {
		out[i] = other.keys[t]
	}
	return out
}

// germanFunctionWord and englishFunctionWord recognize the words a Ding
// entry adds around the word it translates: articles, the reflexive "sich",
// and the placeholders for objects (in both spellings, sentence-initial
// capitals included, so that the hot path needs no lower-casing).
func germanFunctionWord(w []byte) bool {
	switch string(w) {
	case "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines",
		"Der", "Die", "Das", "Den", "Dem", "Des", "Ein", "Eine", "Einen", "Einem", "Einer", "Eines",
		"sich", "etw", "jd", "jdm", "jdn", "jds":
		return true
	}
	return false
}

func englishFunctionWord(w []byte) bool {
	switch string(w) {
	case "to", "the", "a", "an", "To", "The", "A", "An", "sth", "sb", "s", "oneself":
		return true
	}
	return false
}

// keyTable interns one side's keys during loading. Keys get ids in the
// order they are first seen. Raw words are not cached: a map of every word
// (400,000) cost more in lookups than the repeated stemming it saved
// (measured: 1.3 s of CPU per load with it, 1.1 s without), and a small
// cache of recent words saved nothing measurable.
type keyTable struct {
	key      func(string) string
	function func([]byte) bool
	ids      map[string]int32
	keys     []string
}

const noKey = -1

// newKeyTable sizes the map for size bytes of dictionary: Ding has about a
// key per 250 bytes on each side.
func newKeyTable(key func(string) string, function func([]byte) bool, size int) *keyTable {
	return &keyTable{
		key:      key,
		function: function,
		ids:      make(map[string]int32, size/256),
	}
}

func newLoader(keyDE, keyEN func(string) string, size int) *loader {
	return &loader{
		de:    newKeyTable(keyDE, germanFunctionWord, size),
		en:    newKeyTable(keyEN, englishFunctionWord, size),
		pairs: make(map[uint64]uint32, size/100),
	}
}

// intern returns the id of key, adding it if new.
func (t *keyTable) intern(k string) int32 {
	id, ok := t.ids[k]
	if !ok {
		id = int32(len(t.keys))
		t.ids[k] = id
		t.keys = append(t.keys, k)
	}
	return id
}

// merge adds what o found to l. Keys o saw first are added in o's order,
// so that merging the loaders of consecutive runs of lines gives the ids
// one loader would have given.
func (l *loader) merge(o *loader) {
	deIDs := make([]int32, len(o.de.keys))
	for i, k := range o.de.keys {
		deIDs[i] = l.de.intern(k)
	}
	enIDs := make([]int32, len(o.en.keys))
	for i, k := range o.en.keys {
		enIDs[i] = l.en.intern(k)
	}
	for p, w := range o.pairs {
		l.pairs[uint64(deIDs[p>>32])<<32|uint64(enIDs[uint32(p)])] += w
	}
	l.stats.Lines += o.stats.Lines
	l.stats.Malformed += o.stats.Malformed
}

// id returns the key id of a raw word, or noKey.
func (t *keyTable) id(word []byte) int32 {
	if k := t.key(string(word)); usableKey(k) {
		return t.intern(k)
	}
	return noKey
}

// usableKey rejects keys too short to mean anything and bare numbers.
func usableKey(k string) bool {
	if utf8.RuneCountInString(k) < 2 {
		return false
	}
	for _, r := range k {
		if !unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

type loader struct {
	de, en *keyTable
	// pairs maps deID<<32|enID to the pair's accumulated weight.
	pairs map[uint64]uint32
	stats DictionaryStats

	// Scratch space reused from line to line.
	leftSubs, rightSubs, syns [][]byte
	deIDs, enIDs              []int32
	words                     [][]byte
	linePairs                 []linePair
}

func (l *loader) line(line []byte) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 || line[0] == '#' {
		return
	}
	l.stats.Lines++
	left, right, ok := bytes.Cut(line, []byte("::"))
	if !ok || bytes.Contains(right, []byte("::")) {
		l.stats.Malformed++
		return
	}
	l.linePairs = l.linePairs[:0]
	defer l.flushLinePairs()
	l.leftSubs = splitTop(l.leftSubs[:0], left, '|')
	l.rightSubs = splitTop(l.rightSubs[:0], right, '|')
	if len(l.leftSubs) != len(l.rightSubs) {
		l.stats.Malformed++
		return
	}
	for i := range l.leftSubs {
		weight := uint32(1)
		if i == 0 {
			weight = 2
		}
		l.deIDs = l.synonyms(l.deIDs[:0], l.leftSubs[i], l.de)
		if len(l.deIDs) == 0 {
			continue
		}
		l.enIDs = l.synonyms(l.enIDs[:0], l.rightSubs[i], l.en)
		for j, de := range l.deIDs {
			if de == noKey {
				continue
			}
			for k, en := range l.enIDs {
				if en == noKey {
					continue
				}
				w := weight
				if j == 0 {
					w += weight
				}
				if k == 0 {
					w += weight
				}
				l.addLinePair(uint64(de)<<32|uint64(en), w)
			}
		}
	}
}

// addLinePair records a pair found in the current line, keeping its best
// weight: a pair counts once per entry, so that a verb's conjugation table
// ("einweihen | einweihend | eingeweiht :: to inaugurate | inaugurating |
// inaugurated", one English stem) does not outweigh a noun's entry.
func (l *loader) addLinePair(p uint64, w uint32) {
	for i := range l.linePairs {
		if l.linePairs[i].p == p {
			l.linePairs[i].w = max(l.linePairs[i].w, w)
			return
		}
	}
	l.linePairs = append(l.linePairs, linePair{p, w})
}

func (l *loader) flushLinePairs() {
	for _, lp := range l.linePairs {
		l.pairs[lp.p] += lp.w
	}
}

type linePair struct {
	p uint64
	w uint32
}

// synonyms appends, for each ";"-separated synonym of a sub-entry, its
// single word's key id, or noKey when it is a phrase; positions are kept so
// that the first synonym can be told apart. It returns ids unchanged (empty)
// when no synonym is a single word.
func (l *loader) synonyms(ids []int32, sub []byte, t *keyTable) []int32 {
	found := false
	l.syns = splitTop(l.syns[:0], sub, ';')
	for _, syn := range l.syns {
		id := int32(noKey)
		l.words = contentWords(l.words[:0], syn)
		n := 0
		var single []byte
		for _, w := range l.words {
			if !t.function(w) {
				single = w
				n++
			}
		}
		if n == 1 {
			if id = t.id(single); id != noKey {
				found = true
			}
		}
		ids = append(ids, id)
	}
	if !found {
		return ids[:0]
	}
	return ids
}

// splitTop appends to dst the parts of s separated by sep outside brackets.
func splitTop(dst [][]byte, s []byte, sep byte) [][]byte {
	depth, start := 0, 0
	for i, c := range s {
		switch c {
		case '(', '[', '{', '<':
			depth++
		case ')', ']', '}', '>':
			if depth > 0 {
				depth--
			}
		case sep:
			if depth == 0 {
				dst = append(dst, s[start:i])
				start = i + 1
			}
		}
	}
	return append(dst, s[start:])
}

// contentWords appends the words of one synonym, skipping bracketed parts,
// /abbreviations/ and ~references. Words are runs of letters and digits, as
// the analyzer splits text.
func contentWords(dst [][]byte, s []byte) [][]byte {
	depth, start := 0, -1
	flush := func(i int) {
		if start >= 0 {
			dst = append(dst, s[start:i])
			start = -1
		}
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRune(s[i:])
		switch {
		case r == '(' || r == '[' || r == '{' || r == '<':
			flush(i)
			depth++
		case r == ')' || r == ']' || r == '}' || r == '>':
			flush(i)
			if depth > 0 {
				depth--
			}
		case depth > 0:
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
		case r == '~':
			// "~Sprachreise", "~legal aid": a reference to another entry
			// closes the synonym.
			flush(i)
			return dst
		case r == '/' && start < 0:
			// "/AHU/" abbreviates the synonym it follows (a slash inside a
			// word, "sheer/pure", is an alternative and splits it).
			end := bytes.IndexAny(s[i+size:], " /")
			if end < 0 || s[i+size+end] != '/' {
				i += size
				continue
			}
			i += size + end + 1
			continue
		default:
			flush(i)
		}
		i += size
	}
	flush(len(s))
	return dst
}

// build ranks the pairs and packs the keys that have any into one string
// each side, so that the loaded dictionary is a few large allocations.
func (l *loader) build() *Dictionary {
	type pair struct {
		de, en int32
		w      uint32
	}
	ps := make([]pair, 0, len(l.pairs))
	for k, w := range l.pairs {
		ps = append(ps, pair{de: int32(k >> 32), en: int32(uint32(k)), w: w})
	}
	l.pairs = nil
	d := &Dictionary{stats: l.stats}
	d.stats.Pairs = len(ps)

	// German side: group by German id, best English first.
	slices.SortFunc(ps, func(a, b pair) int {
		return cmp.Or(cmp.Compare(a.de, b.de), cmp.Compare(b.w, a.w), cmp.Compare(a.en, b.en))
	})
	deNew := make([]int32, len(l.de.keys)) // old id -> new id, -1 if unused
	enNew := make([]int32, len(l.en.keys))
	for i := range deNew {
		deNew[i] = noKey
	}
	for i := range enNew {
		enNew[i] = noKey
	}
	var deKeys, enKeys []string
	for _, p := range ps {
		if deNew[p.de] == noKey {
			deNew[p.de] = int32(len(deKeys))
			deKeys = append(deKeys, l.de.keys[p.de])
		}
		if enNew[p.en] == noKey {
			enNew[p.en] = int32(len(enKeys))
			enKeys = append(enKeys, l.en.keys[p.en])
		}
	}
	d.de = packSide(deKeys)
	d.en = packSide(enKeys)
	d.stats.GermanKeys, d.stats.EnglishKeys = len(deKeys), len(enKeys)

	// Every key has at least one pair, and ps is sorted by from, so the
	// groups come in id order 0, 1, 2, ...
	adjacency := func(s *dictSide, from func(pair) int32, to func(pair) int32) {
		s.off = make([]int32, len(s.keys)+1)
		s.trans = make([]int32, 0, min(len(ps), maxTranslations*len(s.keys)))
		for i := 0; i < len(ps); {
			id := from(ps[i])
			s.off[id] = int32(len(s.trans))
			j := i
			for ; j < len(ps) && from(ps[j]) == id; j++ {
				if j-i < maxTranslations {
					s.trans = append(s.trans, to(ps[j]))
				}
			}
			i = j
		}
		s.off[len(s.keys)] = int32(len(s.trans))
	}
	for i := range ps {
		ps[i].de, ps[i].en = deNew[ps[i].de], enNew[ps[i].en]
	}
	// New German ids follow the sort order, so ps is already grouped by
	// them in ascending order.
	adjacency(&d.de, func(p pair) int32 { return p.de }, func(p pair) int32 { return p.en })
	slices.SortFunc(ps, func(a, b pair) int {
		return cmp.Or(cmp.Compare(a.en, b.en), cmp.Compare(b.w, a.w), cmp.Compare(a.de, b.de))
	})
	adjacency(&d.en, func(p pair) int32 { return p.en }, func(p pair) int32 { return p.de })
	return d
}

// packSide copies keys into one backing string and indexes them.
func packSide(keys []string) dictSide {
	n := 0
	for _, k := range keys {
		n += len(k)
	}
	var b strings.Builder
	b.Grow(n)
	for _, k := range keys {
		b.WriteString(k)
	}
	all := b.String()
	s := dictSide{index: make(map[string]int32, len(keys)), keys: make([]string, len(keys))}
	pos := 0
	for i, k := range keys {
		s.keys[i] = all[pos : pos+len(k)]
		s.index[s.keys[i]] = int32(i)
		pos += len(k)
	}
	return s
}
