package content_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/leviathan-bot/leviathan/content"
)

func ExampleLoadLibrary() {
	dir, err := os.MkdirTemp("", "texts")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	files := map[string]string{
		"Hobbes.md": "---\ntitle: Leviathan\nauthor: Thomas Hobbes\n---\n\n# Of Man\n\n" +
			"Nature hath made men so equal in the faculties of body and mind.[^1]\n\n" +
			"[^1]: Chapter XIII.\n",
		"notes.docx": "",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			log.Fatal(err)
		}
	}

	lib, err := content.LoadLibrary(dir, content.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range lib.Texts {
		fmt.Printf("%s: %s by %s (%s), %s\n", t.ID, t.Title(), t.Meta.Author, t.Meta.Language, t.LabelRange())
	}
	for _, s := range lib.Skipped {
		fmt.Printf("skipped %s: %s\n", s.File, s.Reason)
	}
	hobbes, _ := lib.Text("hobbes")
	p, _ := hobbes.Lookup("1")
	fmt.Printf("%s — %s: %s\n", p.Label, p.Section, p.Text)
	// Output:
	// essay: Zerbrechlicher Leviathan by Cédric Durand (de), ¶1–¶17, Fn1–Fn3, Kolophon
	// hobbes: Leviathan by Thomas Hobbes (en), ¶1, Fn1
	// skipped notes.docx: unknown extension ".docx": supported are .md, .markdown, .txt, .text, .html, .htm, .xhtml, .epub
	// ¶1 — Of Man: Nature hath made men so equal in the faculties of body and mind.[^1]
}
