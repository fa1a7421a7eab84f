package bot

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

func newTestEngine(t testing.TB, r Retriever) *Engine {
	t.Helper()
	e, err := New(Config{Essay: content.Load(), Retriever: r})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var citeRe = regexp.MustCompile(` \[(\d+)\]`)

// checkCited asserts the contract of a cited answer: every [n] in the text
// has a citation, every citation is cited, numbers run 1..N in order of
// first appearance, and the text before each [n] is a verbatim sentence of
// the passage it cites.
func checkCited(t *testing.T, a Answer) {
	t.Helper()
	text := strings.TrimPrefix(a.Text, "From the essay (German original):\n")
	byN := map[int]Citation{}
	for i, c := range a.Citations {
		if c.N != i+1 {
			t.Errorf("citation %d has number %d", i, c.N)
		}
		p, ok := content.Load().Lookup(c.ID)
		if !ok || p.Label != c.Label || p.Text != c.Text || p.Section != c.Section {
			t.Errorf("citation %+v does not match the essay's passage", c)
		}
		byN[c.N] = c
	}
	seen := map[int]bool{}
	next := 1
	rest := text
	for {
		loc := citeRe.FindStringSubmatchIndex(rest)
		if loc == nil {
			break
		}
		n, _ := strconv.Atoi(rest[loc[2]:loc[3]])
		c, ok := byN[n]
		if !ok {
			t.Fatalf("answer cites [%d], which is not in the citation list", n)
		}
		if !seen[n] {
			if n != next {
				t.Errorf("[%d] appears first where [%d] was due", n, next)
			}
			seen[n] = true
			next++
		}
		// The quoted sentence: text since the previous citation or the
		// start, up to a blank line or heading (summaries).
		quoted := strings.TrimSpace(rest[:loc[0]])
		if i := strings.LastIndex(quoted, "\n"); i >= 0 {
			quoted = quoted[i+1:]
		}
		if strings.HasSuffix(quoted, ":") {
			t.Errorf("[%d] quotes a lead-in that says nothing alone: %q", n, quoted)
		}
		if !strings.Contains(c.Text, quoted) {
			t.Errorf("[%d] %s does not contain the quoted sentence %q", n, c.Label, quoted)
		}
		rest = rest[loc[1]:]
	}
	if strings.TrimSpace(rest) != "" {
		t.Errorf("uncited text at the end: %q", rest)
	}
	if len(seen) != len(a.Citations) {
		t.Errorf("%d citations listed, %d cited", len(a.Citations), len(seen))
	}
}

func TestAskExtractive(t *testing.T) {
	tests := []struct {
		question string
		want     []string // labels of which one must be cited
	}{
		{"Was versteht der Autor unter Technofeudalismus?", []string{"¶7"}},
		{"What does the author mean by technofeudalism?", []string{"¶7"}},
		{"Was ist DOGE?", []string{"¶4"}},
		{"Wer hat den Text übersetzt?", []string{"Kolophon", "Fn2"}},
		{"Warum ist Trump kein Louis XIV?", []string{"¶3"}},
		{"Was schlägt der Autor der Linken vor?", []string{"¶15", "¶13", "¶11"}},
	}
	e := newTestEngine(t, newFakeRetriever())
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			a, err := e.Ask(context.Background(), Request{Question: tt.question})
			if err != nil {
				t.Fatal(err)
			}
			if !a.Covered || a.Mode != ModeExtractive {
				t.Fatalf("covered %v, mode %s: %q", a.Covered, a.Mode, a.Text)
			}
			checkCited(t, a)
			// Consecutive sentences of one passage share one citation, so
			// count sentences, not citations.
			n := len(splitSentences(citeRe.ReplaceAllString(strings.TrimPrefix(a.Text, "From the essay (German original):\n"), "")))
			if n < minAnswerSentences || n > maxAnswerSentences {
				t.Errorf("answer quotes %d sentences, want %d to %d", n, minAnswerSentences, maxAnswerSentences)
			}
			found := false
			for _, c := range a.Citations {
				found = found || slices.Contains(tt.want, c.Label)
			}
			if !found {
				t.Errorf("answer does not cite %s: %s", tt.want, a.Text)
			}
			if a.Question != tt.question {
				t.Errorf("Question = %q", a.Question)
			}
		})
	}
}

func TestAskEssayOrder(t *testing.T) {
	e := newTestEngine(t, newFakeRetriever())
	a, err := e.Ask(context.Background(), Request{Question: "Welche Rolle spielt Musk?"})
	if err != nil {
		t.Fatal(err)
	}
	essay := content.Load().Source
	last := -1
	for _, part := range citeRe.Split(a.Text, -1) {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		i := strings.Index(essay, part)
		if i < last {
			t.Errorf("sentence %q comes before the previous one in the essay", part)
		}
		last = i
	}
}

func TestAskNotCovered(t *testing.T) {
	e := newTestEngine(t, newFakeRetriever())
	for _, tt := range []struct{ q, lang string }{
		{"Wie koche ich Spaghetti Carbonara?", "Dazu steht nichts"},
		{"Who won the football world cup in 2014?", "doesn't cover"},
	} {
		a, err := e.Ask(context.Background(), Request{Question: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		if a.Covered || len(a.Citations) != 0 || a.Citations == nil {
			t.Errorf("%q: covered %v, citations %#v", tt.q, a.Covered, a.Citations)
		}
		if citeRe.MatchString(a.Text) || !strings.Contains(a.Text, tt.lang) {
			t.Errorf("%q: answer %q", tt.q, a.Text)
		}
	}
}

func TestAskBadInput(t *testing.T) {
	e := newTestEngine(t, newFakeRetriever())
	_, err := e.Ask(context.Background(), Request{Question: " \x00 "})
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want *InputError", err)
	}
	a, err := e.Ask(context.Background(), Request{Question: "Technofeudalismus " + strings.Repeat("bla ", 3000)})
	if err != nil {
		t.Fatal(err)
	}
	if a.Notice == "" || len([]rune(a.Question)) > MaxQuestionRunes {
		t.Errorf("long question: notice %q, question of %d runes", a.Notice, len([]rune(a.Question)))
	}
}

func TestAskRetrieverFails(t *testing.T) {
	f := newFakeRetriever()
	f.err = errors.New("disk on fire")
	_, err := newTestEngine(t, f).Ask(context.Background(), Request{Question: "Was ist DOGE?"})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v", err)
	}
}

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
		for _, s := range splitSentences(tt.in) {
			got = append(got, s.Text)
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("splitSentences(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSentencesVerbatim(t *testing.T) {
	for _, p := range content.Load().Passages {
		ss := splitSentences(p.Text)
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

func TestAnswerSkipsLeadIns(t *testing.T) {
	e := newTestEngine(t, newFakeRetriever())
	p, _ := e.Essay().Lookup("¶13") // ends "… erklärte Mao:", the lead-in to ¶14
	a := e.answerExtractive("Wie verändert sich die Aufgabe der Linken?", []retrieval.Hit{{Passage: p, Score: 1, Relevant: true}})
	checkCited(t, a)
	if strings.Contains(a.Text, "erklärte Mao:") {
		t.Errorf("answer quotes a lead-in: %s", a.Text)
	}
}
