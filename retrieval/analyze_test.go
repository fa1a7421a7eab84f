package retrieval

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAnalyze(t *testing.T) {
	tests := []struct {
		in   string
		want []string // folded content words
	}{
		{"Was versteht der Autor unter Technofeudalismus?", []string{"versteht", "autor", "technofeudalismus"}},
		{"Tech-Oligarch*innen und die Ökonomie", []string{"tech", "oligarch", "innen", "okonomie"}},
		{"What does the author mean by dependence?", []string{"author", "mean", "dependence"}},
		{"Žižek, Cœuré & Thießen", []string{"zizek", "coure", "thiessen"}},
		{"a I x 7 der die das", []string{}},
	}
	for _, tt := range tests {
		var got []string
		for _, tok := range Analyze(tt.in) {
			got = append(got, tok.Folded)
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("Analyze(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// German and English forms of a word meet on a stem.
	for _, pair := range [][2]string{{"Oligarchen", "Oligarch"}, {"Abhängigkeiten", "Abhängigkeit"}, {"monopolies", "monopoly"}} {
		a, b := Analyze(pair[0])[0], Analyze(pair[1])[0]
		shared := false
		for _, s := range a.Stems {
			shared = shared || containsString(b.Stems, s)
		}
		if !shared {
			t.Errorf("%q %v and %q %v share no stem", pair[0], a.Stems, pair[1], b.Stems)
		}
	}
}

func TestLanguage(t *testing.T) {
	for in, want := range map[string]string{
		"Was meint der Autor mit dem Staat?":  "de",
		"What does the author say about it?":  "en",
		"Technofeudalismus":                   "",
		"Wie geht's? Über die Abhängigkeit …": "de",
		"Why don't they like it?":             "en",
	} {
		if got := Language(in); got != want {
			t.Errorf("Language(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"Was versteht der Autor unter Technofeudalismus?", "Tech-Oligarch*innen", "Žižek", "", "\xff\xfe", "ß", "İstanbul"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, tok := range Analyze(s) {
			if tok.Folded == "" || len(tok.Stems) == 0 && len(tok.Folded) >= 4 {
				t.Fatalf("Analyze(%q): empty token %+v", s, tok)
			}
			if isStopword(tok.Word) || !utf8.ValidString(tok.Folded) && utf8.ValidString(s) {
				t.Fatalf("Analyze(%q): bad token %+v", s, tok)
			}
		}
		_ = Language(s)
	})
}

func FuzzSplitSentences(f *testing.F) {
	for _, s := range []string{"Eins. Zwei! Drei?", "Er fragt: »Wer weiß? Niemand!« Dann geht er.", "Ein offenes »Zitat. Ohne Ende.", "z. B. d. h. Anm. d. Üb.", "", "…"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		last := 0
		for i, sent := range SplitSentences(s) {
			if sent.Index != i || strings.TrimSpace(sent.Text) != sent.Text || sent.Text == "" {
				t.Fatalf("SplitSentences(%q): sentence %d is %+v", s, i, sent)
			}
			// Verbatim and in order.
			j := strings.Index(s[last:], sent.Text)
			if j < 0 {
				t.Fatalf("SplitSentences(%q): %q is not in the text after byte %d", s, sent.Text, last)
			}
			last += j + len(sent.Text)
		}
	})
}
