package retrieval

import (
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/content"
)

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Eins. Zwei! Drei?", []string{"Eins.", "Zwei!", "Drei?"}},
		{"Er fragt: »Wer weiß? Niemand!« Dann geht er.", []string{"Er fragt: »Wer weiß? Niemand!«", "Dann geht er."}},
		{"Es gibt z.B. Wölfe. Und z. B. Bären.", []string{"Es gibt z.B. Wölfe.", "Und z. B. Bären."}},
		{"Ein Roman, Anm. d. Üb. Danach mehr.", []string{"Ein Roman, Anm. d. Üb. Danach mehr."}},
		{"Das war 2024. Dann kam 2025.", []string{"Das war 2024.", "Dann kam 2025."}},
		{"Siehe https://example.org/a.b. Weiter geht es.", []string{"Siehe https://example.org/a.b.", "Weiter geht es."}},
		{"Er sagte »nein«. Sie sagte »ja«.", []string{"Er sagte »nein«.", "Sie sagte »ja«."}},
		{"»Zitat mit Fußnote.«[^2] Weiter.", []string{"»Zitat mit Fußnote.«[^2]", "Weiter."}},
		{"Ein offenes »Zitat. Ohne Ende.", []string{"Ein offenes »Zitat.", "Ohne Ende."}},
		{"kleines ende. kleiner anfang", []string{"kleines ende. kleiner anfang"}},
	}
	for _, tt := range tests {
		var got []string
		for _, s := range SplitSentences(tt.in) {
			got = append(got, s.Text)
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("SplitSentences(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSentencesVerbatim(t *testing.T) {
	for _, p := range content.Load().Passages {
		ss := SplitSentences(p.Text)
		if len(ss) == 0 {
			t.Errorf("%s has no sentences", p.Label)
		}
		joined := 0
		for _, s := range ss {
			if !strings.Contains(p.Text, s.Text) {
				t.Errorf("%s: sentence %q is not in the passage", p.Label, s.Text)
			}
			joined += len(s.Text)
		}
		if joined < len(p.Text)-len(ss) {
			t.Errorf("%s: sentences lose text (%d of %d bytes)", p.Label, joined, len(p.Text))
		}
	}
}
