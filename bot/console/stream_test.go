package console

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/command"
	"github.com/leviathan-bot/leviathan/content"
)

// streamingEngine plays a language model: it hands the scripted texts so
// far to OnText, as the engine does while a model streams, then returns
// the checked answer (or err). After each piece it records what the
// console had printed, to prove the piece was shown before the answer was
// complete.
type streamingEngine struct {
	pieces []string
	answer bot.Answer
	err    error
	out    *strings.Builder
	shown  []string
}

func (f *streamingEngine) stream(onText func(string)) (bot.Answer, error) {
	for _, p := range f.pieces {
		if onText != nil {
			onText(p)
		}
		f.shown = append(f.shown, f.out.String())
	}
	return f.answer, f.err
}

func (f *streamingEngine) Ask(_ context.Context, r bot.Request) (bot.Answer, error) {
	a, err := f.stream(r.OnText)
	a.Question = r.Question
	return a, err
}

func (f *streamingEngine) Summary(_ context.Context, _ string, onText func(string)) (bot.Answer, error) {
	return f.stream(onText)
}

func (f *streamingEngine) Quote(context.Context, string, int) ([]bot.Quote, error) { return nil, nil }
func (f *streamingEngine) Essay() *content.Essay                                   { return content.Load() }

var doge = bot.Citation{N: 1, Label: "¶5", Section: "Tech-Oligarchen an der Macht", Text: "Das zweite Dekret kündigte DOGE an."}

const dogeSource = "[1] ¶5 · Tech-Oligarchen an der Macht — „Das zweite Dekret kündigte DOGE an.“"

func TestStreamedAnswers(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		pieces []string
		answer bot.Answer
		err    error
		want   string // the whole output after the echoed question
	}{
		{
			name:   "streamed text is the final answer",
			input:  "Was ist DOGE?\n",
			pieces: []string{"DOGE ist", "DOGE ist eine Behörde", "DOGE ist eine Behörde [1]."},
			answer: bot.Answer{Text: "DOGE ist eine Behörde [1].", Covered: true, Citations: []bot.Citation{doge}},
			want:   "DOGE ist eine Behörde [1].\n\n" + command.SourcesHeading + "\n" + dogeSource + "\n[👍] [👎]\n\n",
		},
		{
			name:   "notice follows the streamed text",
			input:  "Was ist DOGE?\n",
			pieces: []string{"DOGE ist eine Behörde [1]."},
			answer: bot.Answer{Text: "DOGE ist eine Behörde [1].", Notice: "Hinweis: Frage gekürzt.", Covered: true, Citations: []bot.Citation{doge}},
			want:   "DOGE ist eine Behörde [1].\n\n*Hinweis: Frage gekürzt.*\n\n" + command.SourcesHeading + "\n" + dogeSource + "\n[👍] [👎]\n\n",
		},
		{
			name:   "the check removed a citation",
			input:  "Was ist DOGE?\n",
			pieces: []string{"DOGE ist", "DOGE ist eine Behörde [1] [9]."},
			answer: bot.Answer{Text: "DOGE ist eine Behörde [1].", Covered: true, Citations: []bot.Citation{doge}},
			want: "DOGE ist eine Behörde [1] [9].\n\n" + Revised + "\nDOGE ist eine Behörde [1].\n\n" +
				command.SourcesHeading + "\n" + dogeSource + "\n[👍] [👎]\n\n",
		},
		{
			name:   "a revised text is not printed as it streams",
			input:  "Was ist DOGE?\n",
			pieces: []string{"DOGE ist [9", "DOGE ist eine Behörde."},
			answer: bot.Answer{Text: "DOGE ist eine Behörde.", Covered: true},
			want:   "DOGE ist [9\n\n" + Revised + "\nDOGE ist eine Behörde.\n[👍] [👎]\n\n",
		},
		{
			name:   "the model failed and the engine gave up",
			input:  "Was ist DOGE?\n",
			pieces: []string{"DOGE ist"},
			err:    errors.New("stream cut"),
			want:   "DOGE ist\n\n" + Revised + "\n(nur für dich sichtbar / only you can see this)\n" + command.Apology + "\n\n",
		},
		{
			name:   "summaries stream too",
			input:  "/summary\n",
			pieces: []string{"Der Essay", "Der Essay handelt von DOGE [1]."},
			answer: bot.Answer{Text: "Der Essay handelt von DOGE [1].", Covered: true, Citations: []bot.Citation{doge}},
			want:   "Der Essay handelt von DOGE [1].\n\n" + command.SourcesHeading + "\n" + dogeSource + "\n[👍] [👎]\n\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			eng := &streamingEngine{pieces: tc.pieces, answer: tc.answer, err: tc.err, out: &out}
			c := &Console{Handler: command.NewHandler(eng, command.Options{}), In: strings.NewReader(tc.input), Out: &out}
			if err := c.Run(context.Background()); err != nil {
				t.Fatalf("Run: %v", err)
			}
			// Each piece that extends the text printed so far is on screen
			// before the next one comes; one that revises it is held back.
			printed := ""
			for i, p := range tc.pieces {
				if strings.HasPrefix(p, printed) {
					printed = p
				}
				if !strings.HasSuffix(eng.shown[i], printed) || strings.Contains(eng.shown[i], command.SourcesHeading) {
					t.Errorf("after piece %d the console showed %q, want it to end in %q", i, eng.shown[i], printed)
				}
			}
			_, got, ok := strings.Cut(out.String(), "\n")
			if !ok || strings.TrimSuffix(got, "\n") != tc.want {
				t.Errorf("output:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}
