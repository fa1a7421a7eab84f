package content

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// xquadDir is the XQuAD sample shared by the project's worktrees (../shared
// beside the repository): 24 German Wikipedia articles, five paragraphs
// each, as Markdown with front matter.
const xquadDir = "../../shared/data/xquad-dev/texts"

func TestLibraryXQuAD(t *testing.T) {
	if _, err := os.Stat(xquadDir); err != nil {
		t.Skipf("the XQuAD texts are not here (%v); they live in ../shared beside the repository", err)
	}
	lib, err := LoadLibrary(xquadDir, Options{NoBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(lib.Skipped) != 0 {
		t.Errorf("skipped = %+v", lib.Skipped)
	}
	if len(lib.Texts) != 24 {
		t.Fatalf("texts = %d, want 24", len(lib.Texts))
	}
	passages := 0
	for i, tx := range lib.Texts {
		if want := "XQuAD " + tx.ID[len("xquad-"):]; tx.Meta.Title != want || tx.Meta.Language != "de" ||
			tx.Format != FormatMarkdown || !strings.HasPrefix(tx.Meta.Source, "XQuAD") {
			t.Errorf("%s: meta = %+v, format %s", tx.ID, tx.Meta, tx.Format)
		}
		if i > 0 && lib.Texts[i-1].ID >= tx.ID {
			t.Errorf("texts out of order: %s before %s", lib.Texts[i-1].ID, tx.ID)
		}
		// Five paragraphs, some split into parts: ¶1…¶5 all there.
		for n := 1; n <= 5; n++ {
			if _, ok := tx.Lookup("¶" + string(rune('0'+n))); !ok {
				t.Errorf("%s: no ¶%d", tx.ID, n)
			}
		}
		if _, ok := tx.Lookup("¶6"); ok {
			t.Errorf("%s: a sixth paragraph", tx.ID)
		}
		passages += len(tx.Passages)
	}
	t.Logf("24 texts, 120 paragraphs, %d passages", passages)
}

// debianBook is a German book of about 138,000 words (CC BY-SA 4.0) that
// Debian's package debian-paketmanagement-buch installs;
// deploy/install-test-deps.sh installs it where it can.
const debianBook = "/usr/share/doc/debian-paketmanagement-buch/debian-paketmanagement.epub"

func TestDebianBookEPUB(t *testing.T) {
	if _, err := os.Stat(debianBook); err != nil {
		t.Skipf("the Debian book is not installed (%v): run deploy/install-test-deps.sh as root", err)
	}
	tx, err := LoadFile(debianBook, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if tx.ID != "debian-paketmanagement" || tx.Meta.Title != "Debian-Paketmanagement" || tx.Meta.Language != "de" ||
		!strings.Contains(tx.Meta.Author, "Axel Beckert") || !strings.Contains(tx.Meta.Author, "Frank Hofmann") {
		t.Errorf("%s: meta = %+v", tx.ID, tx.Meta)
	}
	words, split := 0, 0
	for _, p := range tx.Passages {
		words += len(strings.Fields(p.Text))
		if n := utf8.RuneCountInString(p.Text); n > DefaultMaxPassageChars || n == 0 {
			t.Errorf("%s has %d characters", p.Label, n)
		}
		if strings.HasSuffix(p.ID, "a") {
			split++
		}
		if strings.Contains(p.Text, "<") && strings.Contains(p.Text, "</") {
			t.Errorf("%s looks like markup: %.80q", p.Label, p.Text)
		}
	}
	// About 138,000 words of prose, more with the code listings and index.
	if words < 130000 || len(tx.Passages) < 5000 || len(tx.BodySections()) < 300 || split == 0 {
		t.Errorf("%d words, %d passages, %d sections, %d split paragraphs", words, len(tx.Passages), len(tx.BodySections()), split)
	}
	if p, ok := tx.Lookup("¶10"); !ok || p.Section != "1. Kann Paketmanagement Spaß machen?" {
		t.Errorf("¶10 = %+v", p)
	}
	t.Logf("%d passages, %d sections, %d words, %d paragraphs split", len(tx.Passages), len(tx.Sections), words, split)
}

// BenchmarkDebianBookEPUB is the cost of reading the book from disk into
// passages, the first step of indexing it.
func BenchmarkDebianBookEPUB(b *testing.B) {
	if _, err := os.Stat(debianBook); err != nil {
		b.Skipf("the Debian book is not installed (%v)", err)
	}
	for b.Loop() {
		if _, err := LoadFile(debianBook, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkXQuADLibrary(b *testing.B) {
	if _, err := os.Stat(xquadDir); err != nil {
		b.Skipf("the XQuAD texts are not here (%v)", err)
	}
	for b.Loop() {
		if _, err := LoadLibrary(xquadDir, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
