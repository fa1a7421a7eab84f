package discord

import (
	"time"
)

// Metrics records what the bot does. bot/ops implements it with Prometheus
// counters; tests pass a fake; nil is allowed (nothing is recorded).
type Metrics interface {
	// Question counts one question by command ("ask", "summary", "quote",
	// "help", "mention", "followup") and outcome ("ok", "fallback",
	// "not_covered", "rejected", "cooldown", "error"), with its latency.
	Question(command, outcome string, d time.Duration)
	// Fallback counts an LLM answer that fell back to extractive, by reason.
	Fallback(reason string)
	// Tokens adds the prompt and completion tokens one answer used.
	Tokens(prompt, completion int)
	// Feedback counts a 👍 ("up") or 👎 ("down") click.
	Feedback(vote string)
	// Reconnect counts a gateway reconnect.
	Reconnect()
}
