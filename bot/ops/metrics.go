package ops

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// llmErrorReasons are the reasons a model request fails (bot.ReasonRateLimited,
// bot.ReasonServerError, bot.ReasonUnreachable, bot.ReasonTimeout), whose
// series exist from the start. They are spelled out rather than imported so
// that the metrics package links no part of the engine; a test checks that
// they match.
var llmErrorReasons = []string{"rate_limited", "server_error", "unreachable", "timeout"}

// answerBuckets span a cache-warm extractive answer (about 10 ms) to a slow
// local model streaming a long answer (a minute); the default buckets stop
// at 10 s, where LLM answers only begin.
var answerBuckets = []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 45, 60}

// Metrics records what the bot does as Prometheus series. Its methods are
// safe for concurrent use, and a nil *Metrics records nothing.
type Metrics struct {
	reg        *prometheus.Registry
	questions  *prometheus.CounterVec
	answerSecs *prometheus.HistogramVec
	fallbacks  *prometheus.CounterVec
	llmErrors  *prometheus.CounterVec
	tokens     *prometheus.CounterVec
	feedback   *prometheus.CounterVec
	reconnects prometheus.Counter
	unverified prometheus.Counter
}

// NewMetrics returns Metrics on a fresh registry that also carries the Go
// runtime and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leviathan_questions_total",
			Help: "Questions handled, by command (ask, summary, quote, help, mention, followup) and outcome (ok, fallback, not_covered, rejected, cooldown, busy, error).",
		}, []string{"command", "outcome"}),
		answerSecs: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "leviathan_answer_seconds",
			Help:    "Time from receiving a question to the final answer, by command. Rejected questions and cooldowns are not answers and are left out.",
			Buckets: answerBuckets,
		}, []string{"command"}),
		fallbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leviathan_llm_fallbacks_total",
			Help: "LLM answers that fell back to extractive ones, by reason (timeout, server_error, empty_answer, ...).",
		}, []string{"reason"}),
		llmErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leviathan_llm_request_errors_total",
			Help: "Requests to the language model backend that failed, retried or not, by reason (rate_limited, server_error, unreachable, timeout).",
		}, []string{"reason"}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leviathan_tokens_total",
			Help: "Tokens the language model used, by kind (prompt, completion).",
		}, []string{"kind"}),
		feedback: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leviathan_feedback_total",
			Help: "Feedback button clicks on answers, by vote (up, down).",
		}, []string{"vote"}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "leviathan_discord_reconnects_total",
			Help: "Reconnects of the Discord gateway connection.",
		}),
		unverified: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "leviathan_llm_unverified_quotes_total",
			Help: "Quotations in model answers that are not in the text word for word (marked as such in the answer).",
		}),
	}
	m.reg.MustRegister(
		m.questions, m.answerSecs, m.fallbacks, m.llmErrors, m.tokens, m.feedback, m.reconnects, m.unverified,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	// Series that exist from the start, at zero, so that rate() and alerts
	// work before the first event rather than seeing "no data".
	for _, k := range []string{"prompt", "completion"} {
		m.tokens.WithLabelValues(k)
	}
	for _, v := range []string{"up", "down"} {
		m.feedback.WithLabelValues(v)
	}
	for _, r := range llmErrorReasons {
		m.llmErrors.WithLabelValues(r)
	}
	return m
}

// Registry returns the registry the metrics live on, for tests and for
// registering more collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Question counts one question and, unless it was turned away before any
// work (rejected, cooldown), observes its latency.
func (m *Metrics) Question(command, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	command, outcome = orUnknown(command), orUnknown(outcome)
	m.questions.WithLabelValues(command, outcome).Inc()
	if outcome == "rejected" || outcome == "cooldown" {
		return
	}
	m.answerSecs.WithLabelValues(command).Observe(d.Seconds())
}

// Fallback counts an LLM answer that fell back to extractive.
func (m *Metrics) Fallback(reason string) {
	if m == nil {
		return
	}
	m.fallbacks.WithLabelValues(orUnknown(reason)).Inc()
}

// LLMRequestError counts a request to the language model backend that
// failed (llm.Config.OnRequestError).
func (m *Metrics) LLMRequestError(reason string) {
	if m == nil {
		return
	}
	m.llmErrors.WithLabelValues(orUnknown(reason)).Inc()
}

// UnverifiedQuotes counts quotations of a model answer that are not in the
// text (answer.ModelOptions.OnUnverifiedQuotes).
func (m *Metrics) UnverifiedQuotes(n int) {
	if m == nil || n <= 0 {
		return
	}
	m.unverified.Add(float64(n))
}

// Tokens adds the tokens one answer used. It takes counts rather than
// bot.Usage so that the metrics package links no part of the engine.
func (m *Metrics) Tokens(prompt, completion int) {
	if m == nil {
		return
	}
	// A counter panics on a negative add; a confused backend must not take
	// the bot down.
	if prompt > 0 {
		m.tokens.WithLabelValues("prompt").Add(float64(prompt))
	}
	if completion > 0 {
		m.tokens.WithLabelValues("completion").Add(float64(completion))
	}
}

// Feedback counts a 👍 ("up") or 👎 ("down") click. Anything else counts as
// "other": the vote comes from a button's custom ID, which a client could
// forge, and must not grow the number of series without bound.
func (m *Metrics) Feedback(vote string) {
	if m == nil {
		return
	}
	if vote != "up" && vote != "down" {
		vote = "other"
	}
	m.feedback.WithLabelValues(vote).Inc()
}

// Reconnect counts a gateway reconnect.
func (m *Metrics) Reconnect() {
	if m == nil {
		return
	}
	m.reconnects.Inc()
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
