package answer

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
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

var (
	citeRe      = regexp.MustCompile(` \[(\d+)\]`)
	labelPrefix = regexp.MustCompile(`^\*\*[^*]+:\*\* `)
)

// checkCited asserts the contract of a cited answer: every [n] in the text
// has a citation, every citation is cited, numbers run 1..N in order of
// first appearance, and the text before each [n] is a verbatim sentence of
// the passage it cites.
func checkCited(t *testing.T, a bot.Answer) {
	t.Helper()
	text := a.Text
	if i := strings.Index(text, "(German original):\n"); i >= 0 {
		text = text[i+len("(German original):\n"):]
	}
	byN := map[int]bot.Citation{}
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
		// Overview lines start with a bold label, quoted notes with "> ".
		quoted = strings.TrimPrefix(labelPrefix.ReplaceAllString(quoted, ""), "> ")
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
			a, err := e.Ask(context.Background(), bot.Request{Question: tt.question})
			if err != nil {
				t.Fatal(err)
			}
			if !a.Covered || a.Mode != bot.ModeExtractive {
				t.Fatalf("covered %v, mode %s: %q", a.Covered, a.Mode, a.Text)
			}
			checkCited(t, a)
			// Short enough to read in a chat, unless one long sentence is
			// the answer.
			body := citeRe.ReplaceAllString(a.Text, "")
			if n := len(strings.Fields(body)); n > maxAnswerWords+10 && len(retrieval.SplitSentences(body)) > 1 {
				t.Errorf("answer has %d words, want at most about %d: %s", n, maxAnswerWords, a.Text)
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
	a, err := e.Ask(context.Background(), bot.Request{Question: "Welche Rolle spielt Musk?"})
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
		{"Give me a recipe for lasagna.", "doesn't cover"},
	} {
		a, err := e.Ask(context.Background(), bot.Request{Question: tt.q})
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
	_, err := e.Ask(context.Background(), bot.Request{Question: " \x00 "})
	var ie *bot.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want *InputError", err)
	}
	a, err := e.Ask(context.Background(), bot.Request{Question: "Technofeudalismus " + strings.Repeat("bla ", 3000)})
	if err != nil {
		t.Fatal(err)
	}
	if a.Notice == "" || len([]rune(a.Question)) > bot.MaxQuestionRunes {
		t.Errorf("long question: notice %q, question of %d runes", a.Notice, len([]rune(a.Question)))
	}
}

func TestAskRetrieverFails(t *testing.T) {
	f := newFakeRetriever()
	f.err = errors.New("disk on fire")
	_, err := newTestEngine(t, f).Ask(context.Background(), bot.Request{Question: "Was ist DOGE?"})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v", err)
	}
}

func TestAnswerSkipsLeadIns(t *testing.T) {
	e := newTestEngine(t, newFakeRetriever())
	p, _ := e.Essay().Lookup("¶13") // ends "… erklärte Mao:", the lead-in to ¶14
	q := "Wie verändert sich die Aufgabe der Linken?"
	a := e.answerExtractive(q, Understanding{}, e.retriever.Read(q, []content.Passage{p}), nil)
	checkCited(t, a)
	if strings.Contains(a.Text, "erklärte Mao:") {
		t.Errorf("answer quotes a lead-in: %s", a.Text)
	}
}

// The examples of answers that did not answer: each now holds the
// sentence that does.
func TestAnswersAnswer(t *testing.T) {
	e := newTestEngine(t, newFakeRetriever())
	tests := []struct {
		q, want, cites  string
		needsDictionary bool
	}{
		// The sentence that explains the term comes with the one that
		// names it.
		{"What is technofeudalism according to Durand?", "Indem große Unternehmen Wissen und Daten monopolisieren", "¶7", true},
		{"Was versteht der Autor unter Technofeudalismus?", "als »Technofeudalismus« bezeichnet habe", "¶7", false},
		// About the whole text: the overview, not ¶16 for "Kern".
		{"Worum geht es in dem Text im Kern?", "**These:**", "", false},
		{"what's the main thesis", "**Thesis:**", "", false},
		{"Summarize the argument", "**Conclusion:**", "", false},
		// Metadata and notes.
		{"Wer hat den Text übersetzt?", "Charlotte Thießen", "Kolophon", false},
		{"Who wrote it?", "Cédric Durand", "", false},
		{"Was steht in Fußnote 1?", "Ayn Rand", "Fn1", false},
	}
	for _, tt := range tests {
		if tt.needsDictionary && testDictionary() == nil {
			t.Logf("%q: no dictionary installed; English words then meet the German text only as cognates", tt.q)
			continue
		}
		a, err := e.Ask(t.Context(), bot.Request{Question: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		if !a.Covered || !strings.Contains(a.Text, tt.want) {
			t.Errorf("%q: answer lacks %q:\n%s", tt.q, tt.want, a.Text)
			continue
		}
		checkCited(t, a)
		if tt.cites != "" && !slices.ContainsFunc(a.Citations, func(c bot.Citation) bool { return c.Label == tt.cites }) {
			t.Errorf("%q: cites %v, want %s", tt.q, a.Citations, tt.cites)
		}
	}
}
