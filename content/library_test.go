package content

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testLibrary is the folder of small texts, one per format and one per kind
// of bad input.
const testLibrary = "testdata/library"

// testOptions makes gross.txt (6 KB) too large and leaves the others in.
var testOptions = Options{MaxFileBytes: 4096}

func TestLoadLibrary(t *testing.T) {
	lib, err := LoadLibrary(testLibrary, testOptions)
	if err != nil {
		t.Fatal(err)
	}
	// Every file of the folder, and what becomes of it: a text ID, or a
	// piece of the reason it is skipped.
	cases := []struct {
		file, id, reason string
	}{
		{"gut.md", "gut", ""},
		{"notiz.txt", "notiz", ""},
		{"seite.html", "seite", ""},
		{"ebook.epub", "ebook", ""},
		{"schriften.epub", "schriften", ""}, // font obfuscation is not DRM
		{"leer.txt", "", "the file is empty"},
		{"nur-leerzeilen.md", "", "no paragraphs found"},
		{"doppelt.md", "", `duplicate ID "doppelt" (doppelt.md, doppelt.txt)`},
		{"doppelt.txt", "", `duplicate ID "doppelt"`},
		{"latin1.txt", "", "byte 2 is not UTF-8"},
		{"gross.txt", "", "file too large: 5910 bytes, the limit is 4096"},
		{"kaputt.md", "", "no closing --- line"},
		{"defekt.epub", "", "couldn't open the EPUB as a ZIP archive"},
		{"drm.epub", "", "DRM-protected: META-INF/encryption.xml encrypts OEBPS/text/kapitel1.xhtml"},
		{"adobe.epub", "", "DRM-protected: the EPUB has META-INF/rights.xml"},
		{"buch.pdf", "", "pdftotext -layout book.pdf book.txt"},
		{"notizen.docx", "", `unknown extension ".docx"`},
	}
	skipped := map[string]string{}
	for _, s := range lib.Skipped {
		skipped[s.File] = s.Reason
	}
	seen := map[string]bool{}
	for _, c := range cases {
		seen[c.file] = true
		reason, isSkipped := skipped[c.file]
		switch {
		case c.id != "":
			tx, ok := lib.Text(c.id)
			if !ok || isSkipped {
				t.Errorf("%s: not loaded (skipped: %q)", c.file, reason)
				continue
			}
			if tx.File != filepath.Join(testLibrary, c.file) || tx.Hash == "" || len(tx.Passages) == 0 {
				t.Errorf("%s: file %q, hash %q, %d passages", c.file, tx.File, tx.Hash, len(tx.Passages))
			}
		case !isSkipped:
			t.Errorf("%s: not in Skipped, want a reason with %q", c.file, c.reason)
		case !strings.Contains(reason, c.reason):
			t.Errorf("%s: reason %q, want it to contain %q", c.file, reason, c.reason)
		}
	}
	if got, want := lib.Skipped[0].String(), "adobe.epub: DRM-protected: the EPUB has META-INF/rights.xml"; !strings.HasPrefix(got, want) {
		t.Errorf("Skipped[0] = %q, want %q…", got, want)
	}
	for _, s := range lib.Skipped {
		if !seen[s.File] {
			t.Errorf("unexpected skipped file %s: %s", s.File, s.Reason)
		}
	}
	// The essay first, then the files by ID; hidden files are not read.
	var ids []string
	for _, tx := range lib.Texts {
		ids = append(ids, tx.ID)
	}
	if got, want := strings.Join(ids, " "), "essay ebook gut notiz schriften seite"; got != want {
		t.Errorf("texts = %s, want %s", got, want)
	}
	if _, ok := lib.Text("ESSAY"); !ok {
		t.Error("Text(ESSAY): IDs are matched without regard to case")
	}
}

func TestLoadLibraryOptions(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Essay.md", "# Eigenes\n\nEin eigener Text mit dem Namen des eingebauten.\n")
	write("LIESMICH", "Eine Datei ohne Endung.\n")
	if err := os.Mkdir(filepath.Join(dir, "unterordner"), 0o755); err != nil {
		t.Fatal(err)
	}

	lib, err := LoadLibrary(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(lib.Texts) != 1 || lib.Texts[0].Format != FormatBuiltin || len(lib.Skipped) != 3 ||
		!strings.Contains(lib.Skipped[0].Reason, "the built-in essay's") ||
		!strings.HasPrefix(lib.Skipped[1].Reason, "no extension") || lib.Skipped[2].File != "unterordner" {
		t.Errorf("with the built-in essay: texts %d, skipped %+v", len(lib.Texts), lib.Skipped)
	}

	lib, err = LoadLibrary(dir, Options{NoBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	if tx, ok := lib.Text("essay"); !ok || tx.Format != FormatMarkdown || len(lib.Texts) != 1 {
		t.Errorf("without the built-in essay: %+v", lib.Texts)
	}

	if lib, err := LoadLibrary("", Options{}); err != nil || len(lib.Texts) != 1 || lib.Texts[0].ID != BuiltinID {
		t.Errorf(`LoadLibrary("") = %+v, %v; want the essay alone`, lib, err)
	}
	if _, err := LoadLibrary(filepath.Join(dir, "fehlt"), Options{}); err == nil {
		t.Error("a missing folder is an error")
	}
}

func TestLoadFileErrors(t *testing.T) {
	cases := []struct {
		file string
		want error
	}{
		{"leer.txt", ErrEmpty},
		{"nur-leerzeilen.md", ErrEmpty},
		{"latin1.txt", ErrNotUTF8},
		{"gross.txt", ErrTooLarge},
		{"drm.epub", ErrDRM},
		{"adobe.epub", ErrDRM},
		{"buch.pdf", ErrUnsupported},
		{"notizen.docx", ErrUnsupported},
	}
	for _, c := range cases {
		if _, err := LoadFile(filepath.Join(testLibrary, c.file), testOptions); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.file, err, c.want)
		}
	}
}

func TestBuiltin(t *testing.T) {
	b := Builtin()
	e := Load()
	if b.ID != BuiltinID || b.Title() != e.Meta.Title || len(b.Passages) != len(e.Passages) || b.Hash != e.Hash {
		t.Errorf("Builtin() = %s %q, %d passages", b.ID, b.Title(), len(b.Passages))
	}
	if p, ok := b.Lookup("¶12"); !ok || p.Kind != KindQuote {
		t.Errorf("Builtin().Lookup(¶12) = %+v, %v", p, ok)
	}
}

// The hash changes with whatever changes the passages, and only then.
func TestTextHash(t *testing.T) {
	data := []byte("# A\n\nErster Satz hier. Zweiter Satz hier.\n")
	hash := func(data []byte, opts Options) string {
		tx, err := ParseText("a", FormatMarkdown, data, opts)
		if err != nil {
			t.Fatal(err)
		}
		return tx.Hash
	}
	base := hash(data, Options{})
	if again := hash(data, Options{}); again != base || len(base) != 64 {
		t.Errorf("hash not stable: %s, %s", base, again)
	}
	if other := hash(data, Options{MaxPassageChars: 20}); other == base {
		t.Error("a smaller passage limit split the paragraph, but the hash stayed")
	}
	if other := hash([]byte("# B\n\nErster Satz hier. Zweiter Satz hier.\n"), Options{}); other == base {
		t.Error("another heading, same hash")
	}
}

// An EPUB is bounded by what it unpacks to, not only by what it weighs:
// each part, and all parts together.
func TestEPUBUnpackLimit(t *testing.T) {
	// Six chapters of 900 bytes each, which a ZIP packs into far less.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, text string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(text)); err != nil {
			t.Fatal(err)
		}
	}
	add("META-INF/container.xml", `<container><rootfiles><rootfile full-path="p.opf"/></rootfiles></container>`)
	var manifest, spine string
	for i := range 6 {
		manifest += fmt.Sprintf(`<item id="c%d" href="c%d.html" media-type="text/html"/>`, i, i)
		spine += fmt.Sprintf(`<itemref idref="c%d"/>`, i)
		add(fmt.Sprintf("c%d.html", i), "<p>"+strings.Repeat("Wort ", 178)+"</p>")
	}
	add("p.opf", "<package><manifest>"+manifest+"</manifest><spine>"+spine+"</spine></package>")
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		limit int64
		want  string
	}{
		{500, "c0.html unpacks to 897 bytes, the limit is 500"},
		{1000, "the EPUB unpacks to more than 4000 bytes"},
		{2000, ""},
	}
	for _, c := range cases {
		tx, err := ParseText("e", FormatEPUB, buf.Bytes(), Options{MaxFileBytes: c.limit})
		switch {
		case c.want == "" && (err != nil || len(tx.Passages) != 6):
			t.Errorf("limit %d: %v", c.limit, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("limit %d: err = %v, want %q", c.limit, err, c.want)
		}
	}
}
