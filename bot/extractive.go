package bot

import (
	"github.com/leviathan-bot/leviathan/retrieval"
)

// CleanQuestion validates and normalizes user text (stub: see issue 2).
func CleanQuestion(s string) (q, notice string, err error) {
	if s == "" {
		return "", "", &InputError{Msg: "empty question"}
	}
	return s, "", nil
}

func (e *Engine) notCovered(q string) Answer {
	return Answer{Mode: ModeExtractive, Text: "Dazu steht nichts im Essay."}
}

func (e *Engine) answerExtractive(q string, hits []retrieval.Hit) Answer {
	return Answer{Mode: ModeExtractive, Covered: true}
}
