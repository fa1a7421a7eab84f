package bot

import (
	"context"
	"errors"
)

// Summary summarizes the whole essay (section "") or one section (matched as
// content.Essay.Section matches it). With an LLM it streams through onText
// (may be nil) and falls back to the extractive summary on failure. An
// unknown section is an *InputError naming the sections there are.
// (stub: issue 2)
func (e *Engine) Summary(ctx context.Context, section string, onText func(textSoFar string)) (Answer, error) {
	return Answer{}, errors.New("not implemented")
}
