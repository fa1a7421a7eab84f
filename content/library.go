package content

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// BuiltinID is the ID of the essay compiled into the binary.
const BuiltinID = "essay"

// DefaultMaxFileBytes is the largest file a library reads unless the
// options say otherwise: a long book as EPUB is 10–20 MB with its images.
const DefaultMaxFileBytes = 64 << 20

// Options change how a library is loaded. The zero value loads the built-in
// essay and every supported file with the default limits.
type Options struct {
	// NoBuiltin leaves the built-in essay out of the library.
	NoBuiltin bool
	// MaxFileBytes skips files larger than this (0: DefaultMaxFileBytes). It
	// also bounds each unpacked part of an EPUB.
	MaxFileBytes int64
	// MaxPassageChars splits longer paragraphs (0: DefaultMaxPassageChars).
	MaxPassageChars int
}

func (o Options) maxFileBytes() int64 {
	if o.MaxFileBytes > 0 {
		return o.MaxFileBytes
	}
	return DefaultMaxFileBytes
}

// Skipped is a file of the texts folder that is not in the library, and why.
type Skipped struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// String is the line an operator reads: "notes.docx: unknown extension …".
func (s Skipped) String() string { return s.File + ": " + s.Reason }

// Library is the set of texts the bot answers about.
type Library struct {
	// Texts in a stable order: the built-in essay first, then by ID.
	Texts []*Text
	// Skipped lists the files that were not loaded, by file name.
	Skipped []Skipped
}

// Text returns the text with the given ID (case is ignored).
func (l *Library) Text(id string) (*Text, bool) {
	id = strings.ToLower(strings.TrimSpace(id))
	for _, t := range l.Texts {
		if t.ID == id {
			return t, true
		}
	}
	return nil, false
}

// The reasons a file is not loaded, for errors.Is.
var (
	ErrUnsupported = errors.New("unsupported format")
	ErrEmpty       = errors.New("no text")
	ErrTooLarge    = errors.New("file too large")
	ErrNotUTF8     = errors.New("not UTF-8")
	ErrDRM         = errors.New("DRM-protected")
)

// extensions maps a file extension to its format.
var extensions = map[string]Format{
	".md": FormatMarkdown, ".markdown": FormatMarkdown,
	".txt": FormatText, ".text": FormatText,
	".html": FormatHTML, ".htm": FormatHTML, ".xhtml": FormatHTML,
	".epub": FormatEPUB,
}

// Builtin returns the built-in essay as a text of a library. Its passages
// are the essay parser's and are never split: its labels are cited in
// answers already given and must not move.
func Builtin() *Text {
	return &Text{ID: BuiltinID, Format: FormatBuiltin, Essay: *Load()}
}

// LoadLibrary reads every supported file in dir (not its subfolders) as one
// text whose ID is the file name without extension, lower case. A file that
// cannot be read becomes a line in Skipped and the others still load; the
// error is for a dir that cannot be listed. An empty dir means the built-in
// essay alone. Files whose names start with "." are ignored.
func LoadLibrary(dir string, opts Options) (*Library, error) {
	lib := &Library{}
	if !opts.NoBuiltin {
		lib.Texts = append(lib.Texts, Builtin())
	}
	if dir == "" {
		return lib, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("couldn't list the texts folder: %w", err)
	}
	skip := func(name, reason string) { lib.Skipped = append(lib.Skipped, Skipped{File: name, Reason: reason}) }
	byID := map[string][]string{}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, "."):
		case e.IsDir():
			skip(name, "a folder: subfolders are not read")
		case extensions[strings.ToLower(filepath.Ext(name))] == "" && !strings.EqualFold(filepath.Ext(name), ".pdf"):
			what := fmt.Sprintf("unknown extension %q", filepath.Ext(name))
			if filepath.Ext(name) == "" {
				what = "no extension"
			}
			skip(name, what+": supported are .md, .markdown, .txt, .text, .html, .htm, .xhtml, .epub")
		default:
			id := strings.ToLower(strings.TrimSuffix(name, filepath.Ext(name)))
			byID[id] = append(byID[id], name)
		}
	}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		names := byID[id]
		switch {
		case len(names) > 1:
			// Which one was meant is a guess; neither is loaded, so the
			// operator sees it at once instead of asking the wrong text.
			for _, n := range names {
				skip(n, fmt.Sprintf("duplicate ID %q (%s): rename all but one", id, strings.Join(names, ", ")))
			}
			continue
		case id == BuiltinID && !opts.NoBuiltin:
			skip(names[0], fmt.Sprintf("ID %q is the built-in essay's: rename the file or switch the built-in essay off", id))
			continue
		}
		t, err := LoadFile(filepath.Join(dir, names[0]), opts)
		if err != nil {
			skip(names[0], err.Error())
			continue
		}
		lib.Texts = append(lib.Texts, t)
	}
	slices.SortFunc(lib.Skipped, func(a, b Skipped) int { return strings.Compare(a.File, b.File) })
	return lib, nil
}

// LoadFile reads one file as a text; its format comes from its extension.
func LoadFile(path string, opts Options) (t *Text, err error) {
	ext := strings.ToLower(filepath.Ext(path))
	format := extensions[ext]
	// PDF: github.com/ledongthuc/pdf, the pure-Go reader tried on the
	// Debian book, returns the glyphs without the spaces between words
	// ("DieDebian-Distributionsetztsich…"), without paragraph breaks and with
	// hyphenation and ligatures left in; no passage would be readable. The
	// converters named here rebuild words and paragraphs from the layout.
	if ext == ".pdf" {
		return nil, fmt.Errorf("%w: PDF: convert it to text or EPUB first, e.g. `pdftotext -layout book.pdf book.txt` (poppler-utils) or `ebook-convert book.pdf book.epub` (Calibre), and check the paragraphs", ErrUnsupported)
	}
	if format == "" {
		return nil, fmt.Errorf("%w: %q", ErrUnsupported, ext)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("couldn't read the file: %w", err)
	}
	if limit := opts.maxFileBytes(); info.Size() > limit {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, info.Size(), limit)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("couldn't read the file: %w", err)
	}
	id := strings.ToLower(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
	t, err = ParseText(id, format, data, opts)
	if err != nil {
		return nil, err
	}
	t.File = path
	return t, nil
}

// ParseText parses data in the given format as the text id. It never
// panics: a parser that does is reported as an error.
func ParseText(id string, format Format, data []byte, opts Options) (t *Text, err error) {
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("couldn't parse the %s file (parser failed: %v)", format, r)
		}
	}()
	if len(data) == 0 {
		return nil, fmt.Errorf("%w: the file is empty", ErrEmpty)
	}
	b := newBuilder(opts.MaxPassageChars)
	var meta Meta
	source := ""
	switch format {
	case FormatMarkdown, FormatText, FormatHTML:
		data = trimBOM(data)
		if !utf8.Valid(data) {
			return nil, fmt.Errorf("%w: byte %d is not UTF-8 text; convert the file, e.g. `iconv -f WINDOWS-1252 -t UTF-8`", ErrNotUTF8, firstInvalid(data))
		}
		source = string(data)
		switch format {
		case FormatMarkdown:
			meta, err = parseMarkdown(data, b)
		case FormatText:
			parsePlainText(source, b)
		case FormatHTML:
			meta, err = parseHTML(data, b)
		}
	case FormatEPUB:
		meta, err = parseEPUB(data, b, opts.maxFileBytes())
	default:
		return nil, fmt.Errorf("%w: %q", ErrUnsupported, format)
	}
	switch {
	case errors.Is(err, ErrDRM):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("couldn't parse the %s file: %w", format, err)
	}
	if len(b.e.Passages) == 0 && len(b.notes) == 0 {
		return nil, fmt.Errorf("%w: no paragraphs found", ErrEmpty)
	}
	if meta.Language == "" {
		meta.Language = DetectLanguage(b.sample())
	}
	e := b.finish(meta.Language)
	e.Meta, e.Source, e.Hash = meta, source, textHash(meta, e.Passages)
	return &Text{ID: id, Format: format, Essay: e}, nil
}

// sample is the start of the text's passages, for language detection.
func (b *builder) sample() string {
	var sb strings.Builder
	for _, p := range b.e.Passages {
		if sb.Len() > detectSample {
			break
		}
		sb.WriteString(p.Text)
		sb.WriteByte('\n')
	}
	for _, p := range b.notes {
		if sb.Len() > detectSample {
			break
		}
		sb.WriteString(p.Text)
		sb.WriteByte('\n')
	}
	return sb.String()
}

func trimBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return b[3:]
	}
	return b
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}
