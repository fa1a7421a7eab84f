package content

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// xquadDir is the XQuAD sample shared by the project's worktrees: 24 German
// Wikipedia articles as Markdown with front matter.
const xquadDir = "../../shared/data/xquad-dev/texts"

func TestLibraryXQuAD(t *testing.T) {
	if _, err := os.Stat(xquadDir); err != nil {
		t.Skipf("the XQuAD texts are not here (%v); they live in ../shared next to the repository", err)
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
	for _, tx := range lib.Texts {
		if !strings.HasPrefix(tx.Meta.Title, "XQuAD ") || tx.Meta.Language != "de" || tx.Format != FormatMarkdown {
			t.Errorf("%s: meta = %+v, format %s", tx.ID, tx.Meta, tx.Format)
		}
		paras := map[string]bool{}
		for _, p := range tx.Passages {
			paras[strings.TrimRight(p.ID, "abcdefghijklmnopqrstuvwxyz")] = true
		}
		t.Logf("%s: %d paragraphs, %d passages", tx.ID, len(paras), len(tx.Passages))
	}
}

// debianBook is a German book of about 138,000 words (CC BY-SA 4.0) that
// Debian's package debian-paketmanagement-buch installs;
// deploy/install-test-deps.sh installs it where it can.
const debianBook = "/usr/share/doc/debian-paketmanagement-buch/debian-paketmanagement.epub"

func TestDebianBookEPUB(t *testing.T) {
	if _, err := os.Stat(debianBook); err != nil {
		t.Skipf("the Debian book is not installed (%v): run deploy/install-test-deps.sh as root", err)
	}
	start := time.Now()
	tx, err := LoadFile(debianBook, Options{})
	if err != nil {
		t.Fatal(err)
	}
	words := 0
	long := 0
	for _, p := range tx.Passages {
		words += len(strings.Fields(p.Text))
		if n := len([]rune(p.Text)); n > DefaultMaxPassageChars {
			long++
		}
	}
	t.Logf("%s: %+v; %d passages, %d sections, %d words, %v", filepath.Base(debianBook), tx.Meta, len(tx.Passages), len(tx.Sections), words, time.Since(start))
}
