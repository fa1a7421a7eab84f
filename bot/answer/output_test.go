package answer

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/leviathan-bot/leviathan/content"
)

// checkerFor checks against the given passages of the essay, by label.
func checkerFor(t testing.TB, labels ...string) *outputChecker {
	t.Helper()
	e := content.Load()
	var ps []content.Passage
	for _, l := range labels {
		p, ok := e.Lookup(l)
		if !ok {
			t.Fatalf("no passage %s", l)
		}
		ps = append(ps, p)
	}
	return &outputChecker{ps: ps, essay: e, quotes: newQuoteChecker(e), german: true}
}

func TestOutputDropsLinks(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Siehe [1](https://phish.example/steal).", "Siehe [1]."},
		{"Siehe [[1]](https://phish.example/steal).", "Siehe [1]."},
		{"Mehr [hier](https://phish.example) und [dort](<https://x.example/a b>).", "Mehr hier und dort."},
		{"Ein Bild ![alt](https://x.example/a.png) [2].", "Ein Bild alt [2]."},
		{"Link (mit Klammern) [Wiki](https://w.example/A_(B)) [1]", "Link (mit Klammern) Wiki [1]"},
		{"Auto <https://phish.example/x> und <mailto:a@b.example>.", "Auto phish.example/x und a@b.example."},
		{"Bare https://phish.example/x?y=1. Ende [1]", "Bare phish.example/x?y=1. Ende [1]"},
		{"Auch in Code `https://x.example`.", "Auch in Code `x.example`."},
		{"Kein Trick: hthttps://tp://x und ht_https://tp://y", "Kein Trick: x und ht_y"},
		{"MAILTO:a@b.example, Steam://run", "a@b.example, run"},
		{"Ref [Text][a].\n[a]: https://phish.example\nEnde [1].", "Ref [Text][a].\nEnde [1]."},
		{"www.phish.example ist keine Quelle.", "www.phish.example ist keine Quelle."}, // Discord links only with a scheme
		{"Hier [Quelle 2](http://x.example).", "Hier [2]."},
	}
	for _, tc := range tests {
		if got := checkerFor(t, "¶1", "¶2").check(tc.in).Text; got != tc.want {
			t.Errorf("check(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestOutputNormalizesCitationForms(t *testing.T) {
	// Given: [1] ¶3, [2] ¶7, [3] Fn1, [4] ¶12, [5] ¶14.
	tests := []struct {
		in, want string
		cited    []int
	}{
		{"A [1-3].", "A [1, 2, 3].", []int{1, 2, 3}},
		{"A [2–4].", "A [2, 3, 4].", []int{2, 3, 4}},
		{"A [1-99].", "A [1].", []int{1}},
		{"A [2–42].", "A [2].", []int{2}},
		{"A [60-99] B.", "A B.", nil},
		{"A [１２] B [２].", "A B [2].", []int{2}},
		{"A [１, ３].", "A [1, 3].", []int{1, 3}},
		{"A¹ und B²³ und C¹,³.", "A [1] und B und C [1, 3].", []int{1, 3}},
		{"Wie ¶7 sagt.", "Wie [2] sagt.", []int{2}},
		{"Wie ¶42 sagt.", "Wie sagt.", nil},
		{"Wie ¶9 sagt.", "Wie ¶9 sagt.", nil}, // in the essay, not given: true, kept as written
		{"A [Fn9] B [Fn1].", "A B [3].", []int{3}},
		{"Wie Footnote 1 und fn 9 sagen.", "Wie [3] und sagen.", []int{3}},
		{"A [¶12] B [¶ 14].", "A [4] B [5].", []int{4, 5}},
		{"A [Quelle 7] B [Quelle 2].", "A B [2].", []int{2}},
		{"A [source 3] B [Sources 1, 2].", "A [3] B [1, 2].", []int{1, 2, 3}},
		{"A [Passage 5] B [Absatz 4].", "A [5] B [4].", []int{4, 5}},
		{"A 【4†source】.", "A [4].", []int{4}},
		{"A [^2].", "A [2].", []int{2}},
		{"A [1 und 2].", "A [1, 2].", []int{1, 2}},
		{"A [x], [sic] und […].", "A [x], [sic] und […].", nil},
	}
	for _, tc := range tests {
		r := checkerFor(t, "¶3", "¶7", "Fn1", "¶12", "¶14").check(tc.in)
		if r.Text != tc.want || !slices.Equal(r.Cited, tc.cited) {
			t.Errorf("check(%q) = %q %v, want %q %v", tc.in, r.Text, r.Cited, tc.want, tc.cited)
		}
	}
}

func TestOutputDropsSourceLists(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"bold heading", "Die These [1].\n\n**Quellen:**\n- [1] ¶3 — Einleitung\n- [2] ¶99 — erfunden", "Die These [1]."},
		{"heading with colon outside", "Die These [1].\n\n**Quellen**:\n1. ¶3\n2. ¶99", "Die These [1]."},
		{"sources line", "The thesis [1].\nSources: [1], ¶99", "The thesis [1]."},
		{"markdown heading", "The thesis [2].\n\n## References\n\n[1] ¶3\n[2] ¶7 (¶99)", "The thesis [2]."},
		{"prose after the list stays", "A [1].\n\nQuelle:\n- ¶3\n\nMehr dazu [2].", "A [1].\n\nMehr dazu [2]."},
		{"word in prose stays", "Die Quellen des Autors sind vielfältig [1].", "Die Quellen des Autors sind vielfältig [1]."},
		{"heading with prose stays", "Quellen: Der Autor nennt keine [1].", "Quellen: Der Autor nennt keine [1]."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := checkerFor(t, "¶3", "¶7").check(tc.in).Text; got != tc.want {
				t.Errorf("check(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestOutputRemovesInvisibleCharacters(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Tech\u200bno\u200cfeu\u2060dalismus\ufeff [1]", "Technofeudalismus [1]"},
		{"Text\U000E0049\U000E0047\U000E004E\U000E004F\U000E0052\U000E0045 [1]", "Text [1]"}, // "IGNORE" in tags
		{"Familie 👩\u200d👩\u200d👧 [1]", "Familie 👩\u200d👩\u200d👧 [1]"},                       // an emoji sequence stays
		{"Wort\u200dWort [1]", "WortWort [1]"},
	}
	for _, tc := range tests {
		if got := checkerFor(t, "¶1").check(tc.in).Text; got != tc.want {
			t.Errorf("check(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestOutputClosesCodeFences(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Code:\n```\nrm -rf / [1]", "Code:\n```\nrm -rf / [1]\n```"},
		{"Code:\n```go\nx\n```\nEnde [1].", "Code:\n```go\nx\n```\nEnde [1]."},
		{"Inline ```x``` und ``` offen", "Inline ```x``` und ``` offen\n```"},
	}
	for _, tc := range tests {
		if got := checkerFor(t, "¶1").check(tc.in).Text; got != tc.want {
			t.Errorf("check(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPartialHoldsBackWhatCannotBeCheckedYet(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Siehe [1](https://phish", "Siehe"},
		{"Siehe [Quelle 1", "Siehe"},
		{"Er schreibt „Die Plattformen sind", "Er schreibt"},
		{"Er schreibt „Technofeudalismus“ und »mehr", "Er schreibt „Technofeudalismus“ und"},
		{"Er schreibt \"etwas", "Er schreibt"},
	}
	for _, tc := range tests {
		if got := checkerFor(t, "¶1").partial(tc.in); got != tc.want {
			t.Errorf("partial(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// urlScheme is what Discord makes a link of, for the fuzz test's check.
var (
	urlScheme = regexp.MustCompile(`(?i)(?:https?|ftp|wss?|file|steam|discord)://|mailto:`)
	zeroWidth = regexp.MustCompile("[\u200b\u200c\u200e\u200f\u180e\ufeff\u2060-\u2064\U000E0000-\U000E007F]")
)

func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"Siehe [1](https://phish.example/steal) und [2–42], [１２], ¹², ¶42, [Fn9], [Quelle 7].",
		"**Quellen:**\n- ¶99\n```\nopen", "Tech\u200bno\U000E0041 <https://x> [[1]](http://y)",
		"„Die Plattformen sind die neuen Lehnsherren“ [1] (“The platforms”)", "[](", "[1](<", "¹(http://x)",
		"[a](b)(c)", "`x` https://`y`", "[[[1]]](https://x)",
	} {
		f.Add(s)
	}
	e := content.Load()
	chk := &outputChecker{ps: e.Passages[:5], essay: e, quotes: newQuoteChecker(e), german: true}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		for _, got := range []string{chk.check(s).Text, chk.partial(s)} {
			if mdLink.MatchString(got) {
				t.Fatalf("a markdown link survived: %q → %q", s, got)
			}
			if urlScheme.MatchString(got) {
				t.Fatalf("a URL outside code survived: %q → %q", s, got)
			}
			if zeroWidth.MatchString(got) {
				t.Fatalf("an invisible character survived: %q → %q", s, got)
			}
			if strings.Count(got, "```")%2 != 0 {
				t.Fatalf("an open code fence survived: %q → %q", s, got)
			}
			for _, m := range citeGroup.FindAllString(got, -1) {
				for _, d := range digits.FindAllString(m, -1) {
					if d != "1" && d != "2" && d != "3" && d != "4" && d != "5" {
						t.Fatalf("citation %s points nowhere: %q → %q", m, s, got)
					}
				}
			}
		}
	})
}
