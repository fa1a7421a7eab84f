package bot

import (
	"context"
	"fmt"

	"github.com/leviathan-bot/leviathan/content"
)

// Message is one chat message sent to a language model.
type Message struct {
	Role    string // "system", "user" or "assistant"
	Content string
}

// Usage counts the tokens of one or more model calls.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// Completion is what a model answered.
type Completion struct {
	Text  string
	Usage Usage
	// Truncated is set when the model stopped at its length limit (finish
	// reason "length"): the answer may end mid-sentence.
	Truncated bool
}

// LLM is the language model the engine talks to. bot/llm implements it over
// any OpenAI-compatible backend; tests pass fakes.
type LLM interface {
	// Complete returns the whole answer at once.
	Complete(ctx context.Context, msgs []Message) (Completion, error)
	// Stream calls onDelta with each piece of text as it arrives and returns
	// the whole answer at the end. An error after some deltas means the
	// stream was cut.
	Stream(ctx context.Context, msgs []Message, onDelta func(delta string)) (Completion, error)
}

// Mode says how an answer was made.
type Mode string

// The modes of an answer.
const (
	ModeExtractive Mode = "extractive"
	ModeLLM        Mode = "llm"
)

// MaxTurns is the conversation memory: how many earlier turns a follow-up
// carries. The engine uses at most this many, and the front ends (the
// console, a Discord reply chain or thread) keep this many, so that no
// layer forgets what another promises.
const MaxTurns = 8

// Turn is an earlier question and its answer in a conversation.
type Turn struct {
	Question string
	Answer   string
}

// Request is a question to the engine.
type Request struct {
	Question string
	// History holds the earlier turns, oldest first, so that follow-ups
	// ("und was meint er damit?") can be understood.
	History []Turn
	// OnText, if set, is called with the answer text so far each time it
	// grows (LLM streaming), so front ends can show it as it is written.
	// The text passed may still contain unchecked citations; the returned
	// Answer is the final, checked one.
	OnText func(textSoFar string)
	// TextID names the text the asker chose; empty lets the library route
	// the question to the text with the best evidence.
	TextID string `json:"-"`
	// UpTo is the section a reading group has read to: the answer uses
	// nothing after it and says so when the question is about a later
	// part. Empty: the whole text.
	UpTo string `json:"-"`
}

// Citation maps an [n] in an answer to the passage it points to.
type Citation struct {
	N       int          `json:"n"`
	ID      string       `json:"id"`
	Label   string       `json:"label"`
	Section string       `json:"section"`
	Kind    content.Kind `json:"kind"`
	Text    string       `json:"text"`
	// Evidence holds the passage's sentences the answer rests on, verbatim
	// and in order: what a source list shows instead of the passage's
	// first words.
	Evidence []string `json:"evidence,omitempty"`
	// TextID and TextTitle name the text the passage is from when the
	// library holds more than one (labels are unique only within a text).
	TextID    string `json:"text_id,omitempty"`
	TextTitle string `json:"text_title,omitempty"`
}

// Hit is one passage a search found.
type Hit struct {
	Passage content.Passage
	// Score ranks hits; higher is better.
	Score float64
	// Relevant reports that the passage holds evidence for the query;
	// the nearest passages of an unrelated question come back without.
	Relevant bool
	// Evidence holds the passage's sentences that best match the query,
	// verbatim and in order.
	Evidence []string
	// TextID and TextTitle name the text the passage is from.
	TextID, TextTitle string
}

// Answer is the engine's reply to a Request.
type Answer struct {
	Question string `json:"question"`
	Text     string `json:"answer"`
	Mode     Mode   `json:"mode"`
	// Citations lists exactly the passages Text cites, by number. Empty
	// (not nil) when the essay does not cover the question.
	Citations []Citation `json:"citations"`
	// Covered is false when nothing in the essay is relevant to the question.
	Covered bool `json:"-"`
	// Notice is a one-line remark for the user: the question was cut, the
	// language model failed and this answer is extractive, and the like.
	Notice string `json:"notice,omitempty"`
	// Fallback names why an LLM answer fell back to extractive ("timeout",
	// "server_error", "empty_answer", ...); empty otherwise. For logs and
	// metrics.
	Fallback string `json:"-"`
	Usage    *Usage `json:"usage,omitempty"`
	// UnverifiedQuotes counts the quotations in a model's answer that are
	// not in the essay word for word; they are marked in Text as such.
	UnverifiedQuotes int `json:"unverified_quotes"`
}

// Quote is a verbatim piece of the essay.
type Quote struct {
	Passage content.Passage
	// TextID and TextTitle name the passage's text when the library holds
	// more than one.
	TextID, TextTitle string
	// Text is the whole passage or a verbatim sentence of it.
	Text  string
	Score float64
}

// InputError is bad user input. Its message is meant for the user: it says
// what is wrong and what to do, and front ends show it as it is (a usage
// error on the command line, an ephemeral reply on Discord). Any other error
// is internal and reaches users only as a short apology.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// Why an LLM answer fell back to extractive (Answer.Fallback, logs,
// metrics).
const (
	ReasonTimeout     = "timeout"      // the model took longer than its time limit
	ReasonRateLimited = "rate_limited" // 429, retries exhausted
	ReasonServerError = "server_error" // 5xx, retries exhausted
	ReasonBadResponse = "bad_response" // not a chat completion (garbage, 4xx)
	ReasonStreamCut   = "stream_cut"   // the stream ended before the answer did
	ReasonEmptyAnswer = "empty_answer" // the model answered nothing
	ReasonUnreachable = "unreachable"  // no connection to the backend
	ReasonCanceled    = "canceled"     // the caller gave up
)

// LLMError is a failed model call, classified so that the engine can say
// why it fell back. bot/llm returns it; other LLM implementations may too.
type LLMError struct {
	Reason string // one of the Reason constants
	Err    error
}

func (e *LLMError) Error() string { return fmt.Sprintf("llm %s: %v", e.Reason, e.Err) }
func (e *LLMError) Unwrap() error { return e.Err }

// MaxQuestionRunes is the longest question the engine works with, in
// characters (runes). Longer text is cut at a word boundary with a notice:
// a question that long is almost always pasted text, and only its start is
// a question; retrieval and prompts also stay bounded this way.
const MaxQuestionRunes = 1000

// DefaultQuotes is how many quotes Quote returns when n is not positive.
const DefaultQuotes = 3
