package content

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// want is one expected passage: label, kind, section and the start of its
// text.
type want struct{ label, kind, section, prefix string }

func loadTest(t *testing.T, file string) *Text {
	t.Helper()
	tx, err := LoadFile(filepath.Join(testLibrary, file), testOptions)
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

func checkPassages(t *testing.T, tx *Text, wants []want) {
	t.Helper()
	var got []string
	for _, p := range tx.Passages {
		got = append(got, fmt.Sprintf("%s|%s|%s|%.40s", p.Label, p.Kind, p.Section, p.Text))
	}
	if len(tx.Passages) != len(wants) {
		t.Fatalf("%s: %d passages, want %d:\n%s", tx.ID, len(tx.Passages), len(wants), strings.Join(got, "\n"))
	}
	for i, w := range wants {
		p := tx.Passages[i]
		if p.Label != w.label || string(p.Kind) != w.kind || p.Section != w.section || !strings.HasPrefix(p.Text, w.prefix) || p.Order != i {
			t.Errorf("%s passage %d = %s, want %s|%s|%s|%s…", tx.ID, i, got[i], w.label, w.kind, w.section, w.prefix)
		}
	}
}

// checkVerbatim: every passage is found in the file as written, once line
// breaks and runs of spaces count as one space.
func checkVerbatim(t *testing.T, tx *Text) {
	t.Helper()
	src := collapseSpace(tx.Source)
	for _, p := range tx.Passages {
		if !strings.Contains(src, collapseSpace(p.Text)) {
			t.Errorf("%s %s is not verbatim in the file: %q", tx.ID, p.Label, p.Text)
		}
	}
}

func TestMarkdown(t *testing.T) {
	tx := loadTest(t, "gut.md")
	wantMeta := Meta{Title: "Ein kleines Buch", Author: "Anna Autorin", Translators: "Tom Übersetzer, Uta Übersetzerin",
		Language: "de", Published: "2024", Source: "testdata, made for the tests"}
	if tx.Meta != wantMeta || tx.Format != FormatMarkdown {
		t.Errorf("meta = %+v, format %s", tx.Meta, tx.Format)
	}
	const one, two = "Erstes Kapitel", "Zweites Kapitel"
	checkPassages(t, tx, []want{
		{"¶1", "body", one, "Der erste Absatz ist kurz und steht unter dem ersten Kapitel.[^1] Er hat eine zweite Zeile."},
		{"¶2", "quote", one, "Ein Zitat steht für sich."},
		{"¶3", "body", one, "Ein Listenpunkt ist ein Absatz."},
		{"¶4", "body", one, "Noch einer."},
		{"¶5a", "body", two, "Satz Nummer 1 erklärt"},
		{"¶5b", "body", two, "Satz Nummer 16 erklärt"},
		{"Fn1", "footnote", NotesSection, "Eine Fußnote mit Quelle."},
	})
	checkVerbatim(t, tx)
	if got := strings.Join(tx.Sections, "|"); got != one+"|"+two+"|"+NotesSection {
		t.Errorf("sections = %s", got)
	}
	if got := strings.Join(tx.BodySections(), "|"); got != one+"|"+two {
		t.Errorf("body sections = %s", got)
	}
	if got := tx.LabelRange(); got != "¶1–¶5b, Fn1" {
		t.Errorf("LabelRange() = %q", got)
	}
	for label, id := range map[string]string{"¶5": "p5a", "5b": "p5b", "¶5B": "p5b", "fn1": "fn1", "¶2": "p2"} {
		if p, ok := tx.Lookup(label); !ok || p.ID != id {
			t.Errorf("Lookup(%q) = %s, %v; want %s", label, p.ID, ok, id)
		}
	}
	if p, ok := tx.Lookup("¶5c"); ok {
		t.Errorf("Lookup(¶5c) = %s, want nothing", p.ID)
	}
	for _, p := range tx.Passages {
		if strings.Contains(p.Text, "code ist keine Prosa") || strings.Contains(p.Text, "editorial") {
			t.Errorf("%s: code or comment became a passage", p.Label)
		}
	}
}

func TestPlainText(t *testing.T) {
	tx := loadTest(t, "notiz.txt")
	if tx.Format != FormatText || tx.Meta.Language != "de" || tx.Title() != "notiz" {
		t.Errorf("format %s, meta %+v, title %q", tx.Format, tx.Meta, tx.Title())
	}
	checkPassages(t, tx, []want{
		{"¶1", "body", "", "Ein einfacher Text ohne Auszeichnung. Die zweite Zeile gehört zum selben Absatz."},
		{"¶2", "body", "", "Der zweite Absatz steht nach einer Leerzeile."},
		{"¶3", "body", "", "Der dritte Absatz folgt einer Zeile mit Leerzeichen."},
	})
	checkVerbatim(t, tx)
}

func TestHTML(t *testing.T) {
	tx := loadTest(t, "seite.html")
	if want := (Meta{Title: "A Small Page", Author: "Pat Writer", Language: "en"}); tx.Meta != want {
		t.Errorf("meta = %+v", tx.Meta)
	}
	checkPassages(t, tx, []want{
		{"¶1", "body", "The first part", "This is the first paragraph of the page, and it & its emphasis survive."},
		{"¶2", "quote", "The first part", "A quotation stands on its own."},
		{"¶3", "body", "The first part", "A list item is a paragraph."},
		{"¶4", "body", "The second part", "The second paragraph has a line break."},
	})
	for _, p := range tx.Passages {
		for _, bad := range []string{"Home", "Pull quote", "Subscribe", "Cookies", "color", "var "} {
			if strings.Contains(p.Text, bad) {
				t.Errorf("%s has boilerplate %q: %q", p.Label, bad, p.Text)
			}
		}
	}
}

func TestEPUB(t *testing.T) {
	tx := loadTest(t, "ebook.epub")
	wantMeta := Meta{Title: "Ein kleines E-Book", Author: "Erika Erzählerin", Translators: "Ulf Übersetzer",
		Language: "de", Published: "2023-03-11", Source: "Testverlag"}
	if tx.Meta != wantMeta || tx.Format != FormatEPUB {
		t.Errorf("meta = %+v, format %s", tx.Meta, tx.Format)
	}
	// Spine order (kapitel1 before "kapitel 2", though the manifest lists
	// them the other way); the table of contents is navigation.
	checkPassages(t, tx, []want{
		{"¶1", "body", "Das erste Kapitel", "Im ersten Kapitel beginnt die Geschichte, und sie ist nicht lang.1"},
		{"¶2", "quote", "Das erste Kapitel", "Ein Zitat im Buch."},
		{"¶3", "body", "Das zweite Kapitel", "Das zweite Kapitel setzt die Geschichte fort"},
		{"Fn1", "footnote", NotesSection, "Die Fußnote des ersten Kapitels."},
	})
}

func TestSplitPassage(t *testing.T) {
	cases := []struct {
		name, text string
		max        int
		want       []string
	}{
		{"short stays whole", "Ein Satz. Noch einer.", 100, []string{"Ein Satz. Noch einer."}},
		{"at sentence ends", "Erster Satz hier. Zweiter Satz hier! Dritter Satz hier?", 36,
			[]string{"Erster Satz hier. Zweiter Satz hier!", "Dritter Satz hier?"}},
		{"quotes stay with their sentence", "Er sagte: »Geh.« Sie ging. Dann kam er.", 27,
			[]string{"Er sagte: »Geh.« Sie ging.", "Dann kam er."}},
		{"abbreviations and ordinals are not ends", "Am 3. Oktober kam z. B. Dr. Weber. Dann ging er.", 36,
			[]string{"Am 3. Oktober kam z. B. Dr. Weber.", "Dann ging er."}},
		{"a lower-case word after a stop is no end", "Version 2.0 ist da. und so weiter.", 20,
			[]string{"Version 2.0 ist da.", "und so weiter."}},
		{"long sentence between words", "eins zwei drei vier fünf sechs", 10,
			[]string{"eins zwei", "drei vier", "fünf sechs"}},
		{"long word where it must", "Donaudampfschiff", 5, []string{"Donau", "dampf", "schif", "f"}},
	}
	for _, c := range cases {
		got := splitPassage(c.text, c.max)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s: splitPassage(%q, %d) = %q, want %q", c.name, c.text, c.max, got, c.want)
		}
	}
}

func TestPartSuffix(t *testing.T) {
	for i, want := range map[int]string{0: "a", 1: "b", 25: "z", 26: "aa", 27: "ab", 52: "ba"} {
		if got := partSuffix(i); got != want {
			t.Errorf("partSuffix(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestDetectLanguage(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"German", "Die Verteidigung der Panthers gab nur 308 Punkte ab und belegte den sechsten Platz in der Liga, während sie die NFL mit 24 Interceptions anführte.", "de"},
		{"English", "The Panthers defense gave up just 308 points, ranking sixth in the league, while also leading the NFL in interceptions with 24.", "en"},
		{"German quoting English", "Der Titel des Buches ist »The Age of Surveillance Capitalism«, und es ist auf Deutsch erschienen, aber nicht bei uns.", "de"},
		{"too short", "Hallo Welt", ""},
		{"neither", "Le chat est sur la table et le chien dort dans le jardin.", ""},
	}
	for _, c := range cases {
		if got := DetectLanguage(c.text); got != c.want {
			t.Errorf("%s: DetectLanguage = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestPartLabels(t *testing.T) {
	for in, want := range map[string]bool{"¶12b": true, "12a": true, "p3aa": true, "¶": false, "pdf": false, "Fn2a": false} {
		if got := LooksLikeLabel(in); got != want {
			t.Errorf("LooksLikeLabel(%q) = %v, want %v", in, got, want)
		}
	}
}

// fuzzSeeds adds the test library's files with the given extensions.
func fuzzSeeds(f *testing.F, exts ...string) {
	entries, err := os.ReadDir(testLibrary)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		for _, ext := range exts {
			if strings.HasSuffix(e.Name(), ext) {
				b, err := os.ReadFile(filepath.Join(testLibrary, e.Name()))
				if err != nil {
					f.Fatal(err)
				}
				f.Add(b)
			}
		}
	}
}

// checkParsed holds for every text any parser returns: passages in order,
// labels unique and findable, none empty or over the limit (a part may be a
// little over when one sentence is).
func checkParsed(t *testing.T, tx *Text, max int) {
	t.Helper()
	for i, p := range tx.Passages {
		if p.Order != i || strings.TrimSpace(p.Text) == "" || p.Label == "" {
			t.Fatalf("passage %d = %+v", i, p)
		}
		if got, ok := tx.Lookup(p.Label); !ok || got.ID != p.ID {
			t.Fatalf("Lookup(%q) = %s, %v", p.Label, got.ID, ok)
		}
		if p.Kind != KindFootnote && utf8.RuneCountInString(p.Text) > max {
			t.Fatalf("%s has %d characters, the limit is %d", p.Label, utf8.RuneCountInString(p.Text), max)
		}
	}
}

const fuzzMax = 200

func FuzzMarkdown(f *testing.F) {
	fuzzSeeds(f, ".md")
	f.Add([]byte("# A\n\n> a\n> b\n\n- x\n  y\n\n[^x]: note\n\nText[^x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tx, err := ParseText("fuzz", FormatMarkdown, data, Options{MaxPassageChars: fuzzMax})
		if err != nil {
			return
		}
		checkParsed(t, tx, fuzzMax)
		// Verbatim up to the line structure: every word is in the file.
		for _, p := range tx.Passages {
			for _, w := range strings.Fields(p.Text) {
				if !strings.Contains(tx.Source, w) {
					t.Fatalf("%s: %q is not in the input", p.Label, w)
				}
			}
		}
	})
}

func FuzzPlainText(f *testing.F) {
	fuzzSeeds(f, ".txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		tx, err := ParseText("fuzz", FormatText, data, Options{MaxPassageChars: fuzzMax})
		if err != nil {
			return
		}
		checkParsed(t, tx, fuzzMax)
		checkVerbatim(t, tx)
	})
}

func FuzzHTML(f *testing.F) {
	fuzzSeeds(f, ".html")
	f.Add([]byte("<table>x<tr><td>a</td></tr></table><p>b<blockquote>c</p>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tx, err := ParseText("fuzz", FormatHTML, data, Options{MaxPassageChars: fuzzMax})
		if err != nil {
			return
		}
		checkParsed(t, tx, fuzzMax)
		// Passages are the page's own text, in its order: white space
		// aside, each is a subsequence of the parsed page's text (dropped
		// navigation or scripts may leave gaps, nothing is invented).
		all := noSpace(htmlText(t, data))
		for _, p := range tx.Passages {
			if !subsequence(noSpace(p.Text), all) {
				t.Fatalf("%s: %q is not the page's text", p.Label, p.Text)
			}
		}
	})
}

func FuzzEPUB(f *testing.F) {
	fuzzSeeds(f, ".epub")
	f.Fuzz(func(t *testing.T, data []byte) {
		tx, err := ParseText("fuzz", FormatEPUB, data, Options{MaxPassageChars: fuzzMax, MaxFileBytes: 1 << 20})
		if err != nil {
			return
		}
		checkParsed(t, tx, fuzzMax)
	})
}

func FuzzSplitPassage(f *testing.F) {
	f.Add("Erster Satz. Zweiter Satz! »Dritter?« Vierter… Fünfter.", 12)
	f.Add("Am 3. Oktober kam z. B. Dr. Weber.", 5)
	f.Fuzz(func(t *testing.T, text string, max int) {
		text = strings.TrimSpace(text)
		if max < 1 || max > 10000 || text == "" || !utf8.ValidString(text) {
			return
		}
		parts := splitPassage(text, max)
		var joined strings.Builder
		for _, p := range parts {
			if p == "" || utf8.RuneCountInString(p) > max || !strings.Contains(text, p) {
				t.Fatalf("part %q of %q (max %d)", p, text, max)
			}
			joined.WriteString(p)
		}
		if noSpace(joined.String()) != noSpace(text) {
			t.Fatalf("parts %q do not add up to %q", parts, text)
		}
	})
}

func noSpace(s string) string { return strings.Join(strings.Fields(s), "") }

// subsequence reports whether the characters of s appear in t in order.
func subsequence(s, t string) bool {
	for _, r := range s {
		i := strings.IndexRune(t, r)
		if i < 0 {
			return false
		}
		t = t[i+utf8.RuneLen(r):]
	}
	return true
}

// The general Markdown reader, given the essay's source as a file, finds
// what the essay's own parser finds: the same 17 paragraphs and 3 footnotes
// with the same labels, sections, kinds and text (pull quotes and comments
// left out). Only the colophon is the essay parser's own rule; here it is a
// plain paragraph.
func TestMarkdownReadsTheEssayAlike(t *testing.T) {
	e := Load()
	tx, err := ParseText("essay-file", FormatMarkdown, []byte(e.Source), Options{MaxPassageChars: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if tx.Meta.Title != e.Meta.Title || tx.Meta.Author != e.Meta.Author || tx.Meta.Translators != e.Meta.Translators ||
		tx.Meta.Language != "de" || tx.Meta.Source != e.Meta.Source {
		t.Errorf("meta = %+v, want %+v", tx.Meta, e.Meta)
	}
	colophon, _ := e.Lookup("Kolophon")
	if len(tx.Passages) != len(e.Passages) {
		t.Fatalf("%d passages, the essay has %d", len(tx.Passages), len(e.Passages))
	}
	for _, p := range tx.Passages {
		if p.Label == "¶18" {
			if p.Text != colophon.Text || p.Section != NotesSection {
				t.Errorf("¶18 = %+v, want the colophon", p)
			}
			continue
		}
		q, ok := e.Lookup(p.Label)
		if !ok || q.Text != p.Text || q.Section != p.Section || q.Kind != p.Kind || q.ID != p.ID {
			t.Errorf("%s = %s|%s|%.40q, the essay has %s|%s|%.40q", p.Label, p.Kind, p.Section, p.Text, q.Kind, q.Section, q.Text)
		}
	}
}
