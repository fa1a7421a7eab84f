package bot

import (
	"context"
	"errors"
)

// Quote returns up to n verbatim quotes for a topic, best first, or the one
// passage a label names ("¶12", "Fn1"). Quotes are never generated: the text
// comes from the store. An unknown label is an *InputError. (stub: issue 2)
func (e *Engine) Quote(ctx context.Context, topic string, n int) ([]Quote, error) {
	return nil, errors.New("not implemented")
}
