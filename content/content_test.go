package content

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestEssayShape(t *testing.T) {
	e := Load()
	kinds := map[Kind]int{}
	for _, p := range e.Passages {
		kinds[p.Kind]++
	}
	if got := len(e.Passages); got != 21 {
		t.Fatalf("passages = %d, want 21 (17 paragraphs, colophon, 3 footnotes)", got)
	}
	want := map[Kind]int{KindBody: 15, KindQuote: 2, KindFootnote: 3, KindColophon: 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%s passages = %d, want %d", k, kinds[k], n)
		}
	}
	wantSections := []string{"Einleitung", "Tech-Oligarchen an der Macht",
		"Der öffentliche Raum löst sich in Online-Netzwerke auf",
		"Dynamik der Abhängigkeit und verschärfter Ungleichheit", NotesSection}
	if strings.Join(e.Sections, "|") != strings.Join(wantSections, "|") {
		t.Errorf("sections = %q", e.Sections)
	}
	if e.Meta.Author != "Cédric Durand" || e.Meta.Language != "de" {
		t.Errorf("meta = %+v", e.Meta)
	}
}

// Labels are what users type and what old answers in a Discord channel point
// to: they must not move.
func TestLabelsStable(t *testing.T) {
	e := Load()
	cases := []struct{ label, section, kind, prefix string }{
		{"¶1", "Einleitung", "body", "In Robert Musils"},
		{"¶4", "Tech-Oligarchen an der Macht", "body", "Zwei Dekrete"},
		{"¶7", "Der öffentliche Raum löst sich in Online-Netzwerke auf", "body", "Dieses radikale Projekt"},
		{"¶12", "Dynamik der Abhängigkeit und verschärfter Ungleichheit", "quote", "»Der Hauptwiderspruch"},
		{"¶14", "Dynamik der Abhängigkeit und verschärfter Ungleichheit", "quote", "»Im Falle eines Aggressionskriegs"},
		{"¶17", "Dynamik der Abhängigkeit und verschärfter Ungleichheit", "body", "Aber auch die Tech-Milliardär"},
		{"Kolophon", NotesSection, "colophon", "Deiser Beitrag"},
		{"Fn2", NotesSection, "footnote", "Übersetzt von Camille"},
	}
	for _, c := range cases {
		p, ok := e.Lookup(c.label)
		if !ok {
			t.Errorf("Lookup(%q) found nothing", c.label)
			continue
		}
		if p.Section != c.section || string(p.Kind) != c.kind || !strings.HasPrefix(p.Text, c.prefix) {
			t.Errorf("%s = {%q %s %.30q}, want {%q %s %q…}", c.label, p.Section, p.Kind, p.Text, c.section, c.kind, c.prefix)
		}
	}
}

func TestLookupSpellings(t *testing.T) {
	e := Load()
	for in, want := range map[string]string{
		"¶12": "p12", "12": "p12", "p12": "p12", "§ 12": "p12", "#12": "p12", "Absatz 12": "p12", "¶012": "p12",
		"Fn1": "fn1", "fn 1": "fn1", "Fußnote 3": "fn3", "[2]": "fn2", "[^2]": "fn2",
		"kolophon": "colophon", "Colophon": "colophon", "p3": "p3",
	} {
		p, ok := e.Lookup(in)
		if !ok || p.ID != want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", in, p.ID, ok, want)
		}
	}
	for _, in := range []string{"¶0", "¶18", "99", "Fn4", "Technofeudalismus", ""} {
		if p, ok := e.Lookup(in); ok {
			t.Errorf("Lookup(%q) = %s, want nothing", in, p.ID)
		}
	}
	if !LooksLikeLabel("¶5") || !LooksLikeLabel("fn2") || LooksLikeLabel("Trump") || LooksLikeLabel("") {
		t.Error("LooksLikeLabel misjudges")
	}
}

func TestNoDuplicatesNoBoilerplate(t *testing.T) {
	e := Load()
	seenID, seenText := map[string]bool{}, map[string]bool{}
	for _, p := range e.Passages {
		if seenID[p.ID] || seenText[p.Text] {
			t.Errorf("duplicate passage %s", p.ID)
		}
		seenID[p.ID], seenText[p.Text] = true, true
		for _, bad := range []string{"Cookies", "Weitere Beiträge", "Matomo", "akzeptieren", "<aside>", "<!--"} {
			if strings.Contains(p.Text, bad) {
				t.Errorf("%s contains boilerplate %q", p.Label, bad)
			}
		}
	}
	// The three pull quotes are sentences of the body: each must be found in
	// exactly one passage, never as a passage of its own.
	asides := regexp.MustCompile(`<aside>(.*)</aside>`).FindAllStringSubmatch(e.Source, -1)
	if len(asides) != 3 {
		t.Fatalf("pull quotes in source = %d, want 3", len(asides))
	}
	for _, a := range asides {
		pull, n := a[1], 0
		for _, p := range e.Passages {
			if p.Text == pull {
				t.Errorf("pull quote %.40q is a passage (%s)", pull, p.Label)
			}
			// The website may reword the start ("Trump ist" for "Doch der
			// Präsident ist"), so match from the third word on.
			if strings.Contains(p.Text, strings.SplitN(pull, " ", 3)[2]) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("pull quote %.40q found in %d passages, want 1", pull, n)
		}
	}
}

// Every passage is verbatim: found character for character in the embedded
// source, and in the text as received (where the only change is the footnote
// marker syntax, [n] → [^n]).
func TestPassagesVerbatim(t *testing.T) {
	e := Load()
	seed, err := os.ReadFile("testdata/seed.txt")
	if err != nil {
		t.Fatal(err)
	}
	marker := regexp.MustCompile(`\[\^(\d+)\]`)
	for _, p := range e.Passages {
		if !strings.Contains(e.Source, p.Text) {
			t.Errorf("%s not verbatim in essay.md", p.Label)
		}
		if !strings.Contains(string(seed), marker.ReplaceAllString(p.Text, "[$1]")) {
			t.Errorf("%s not verbatim in the seed text", p.Label)
		}
	}
}

func TestSection(t *testing.T) {
	e := Load()
	h, ps := e.Section("tech-oligarchen")
	if h != "Tech-Oligarchen an der Macht" || len(ps) != 2 {
		t.Errorf("Section(tech-oligarchen) = %q, %d passages", h, len(ps))
	}
	if h, ps := e.Section("Fußball"); h != "" || ps != nil {
		t.Errorf("Section(Fußball) = %q, %d", h, len(ps))
	}
}

func TestParseErrors(t *testing.T) {
	for name, src := range map[string]string{
		"no front matter end": "---\ntitle: x\n",
		"text before heading": "Hallo.\n",
		"empty":               "",
		"unterminated":        "## A\n\n<!-- oops\n",
	} {
		if _, err := Parse(src); err == nil {
			t.Errorf("%s: Parse succeeded", name)
		}
	}
}

func TestLabelRangeAndBodySections(t *testing.T) {
	e := Load()
	if got, want := e.LabelRange(), "¶1–¶17, Fn1–Fn3, Kolophon"; got != want {
		t.Errorf("LabelRange() = %q, want %q", got, want)
	}
	got := e.BodySections()
	if len(got) != len(e.Sections)-1 || slices.Contains(got, NotesSection) || got[0] != "Einleitung" {
		t.Errorf("BodySections() = %q", got)
	}
}

func TestThrough(t *testing.T) {
	e := Load()
	l, h := e.Through("tech-oligarchen")
	if h != "Tech-Oligarchen an der Macht" || l == nil {
		t.Fatalf("Through = %v, %q", l, h)
	}
	var labels []string
	for _, p := range l.Passages {
		labels = append(labels, p.Label)
	}
	if got := strings.Join(labels, " "); got != "¶1 ¶2 ¶3 ¶4 ¶5 Kolophon" {
		t.Errorf("passages %s, want ¶1–¶5 and the colophon", got)
	}
	if p, ok := l.Lookup("Kolophon"); !ok || p.Kind != KindColophon {
		t.Errorf("Lookup(Kolophon) = %v, %v", p, ok)
	}
	if _, ok := l.Lookup("¶6"); ok {
		t.Error("¶6 is after the limit")
	}
	if len(e.Passages) != 21 {
		t.Errorf("the whole essay changed: %d passages", len(e.Passages))
	}
	if l, h := e.Through("Kapitel 9"); l != nil || h != "" {
		t.Errorf("an unknown section: %v, %q", l, h)
	}
}
