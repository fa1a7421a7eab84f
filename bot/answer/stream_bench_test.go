package answer_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/answer"
	"github.com/leviathan-bot/leviathan/content"
)

// longLLM streams n bytes of answer-like text in word-sized deltas, as a
// model that ignores its token limit does.
type longLLM struct{ n int }

const longSentence = "Die Plattformen sind die neuen Lehnsherren [1], und »die Rente ersetzt den Profit« [2], wie Durand schreibt. "

func (l longLLM) text() string {
	return strings.Repeat(longSentence, l.n/len(longSentence)+1)[:l.n]
}

func (l longLLM) Complete(ctx context.Context, msgs []bot.Message) (bot.Completion, error) {
	return bot.Completion{Text: l.text()}, nil
}

func (l longLLM) Stream(ctx context.Context, msgs []bot.Message, onDelta func(string)) (bot.Completion, error) {
	t := l.text()
	for _, w := range strings.SplitAfter(t, " ") {
		if ctx.Err() != nil {
			return bot.Completion{Text: t}, ctx.Err()
		}
		onDelta(w)
	}
	return bot.Completion{Text: t}, nil
}

// BenchmarkStreamedChecks streams long answers through the checks the
// preview runs on every delta. Time per op should grow linearly with the
// length (the cap is lifted so that the whole text is checked).
func BenchmarkStreamedChecks(b *testing.B) {
	for _, n := range []int{40_000, 200_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			eng, err := answer.New(answer.Config{Essay: content.Load(), Retriever: openIndex(b), LLM: longLLM{n},
				NoTranslate: true, Model: answer.ModelOptions{MaxAnswerChars: 1 << 30}})
			if err != nil {
				b.Fatal(err)
			}
			start := cpuTime()
			for b.Loop() {
				a, err := eng.Ask(b.Context(), bot.Request{Question: question, OnText: func(string) {}})
				if err != nil || a.Mode != bot.ModeLLM {
					b.Fatal(a.Fallback, err)
				}
			}
			// CPU time, not wall time: the figure the issue reports, and
			// one that a busy machine does not inflate.
			b.ReportMetric((cpuTime()-start).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}
