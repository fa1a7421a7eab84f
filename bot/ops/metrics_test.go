package ops

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/leviathan-bot/leviathan/bot"
)

// samples gathers the registry into "name{k="v",...}" → value, the way the
// series appear on /metrics (labels sorted by name). Histograms contribute
// their _count and _sum.
func samples(t *testing.T, m *Metrics) map[string]float64 {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, mt := range mf.GetMetric() {
			key := func(suffix string) string {
				var ls []string
				for _, l := range mt.GetLabel() {
					ls = append(ls, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
				}
				sort.Strings(ls)
				if len(ls) == 0 {
					return mf.GetName() + suffix
				}
				return mf.GetName() + suffix + "{" + strings.Join(ls, ",") + "}"
			}
			switch mf.GetType() {
			case dto.MetricType_COUNTER:
				out[key("")] = mt.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				out[key("")] = mt.GetGauge().GetValue()
			case dto.MetricType_HISTOGRAM:
				out[key("_count")] = float64(mt.GetHistogram().GetSampleCount())
				out[key("_sum")] = mt.GetHistogram().GetSampleSum()
			}
		}
	}
	return out
}

func TestMetricsRecordCalls(t *testing.T) {
	tests := []struct {
		name string
		do   func(m *Metrics)
		want map[string]float64
	}{
		{
			name: "questions by command and outcome, latency for answers only",
			do: func(m *Metrics) {
				m.Question("ask", "ok", 1500*time.Millisecond)
				m.Question("ask", "ok", 500*time.Millisecond)
				m.Question("ask", "fallback", 2*time.Second)
				m.Question("quote", "not_covered", 20*time.Millisecond)
				m.Question("ask", "cooldown", time.Millisecond)
				m.Question("mention", "rejected", time.Millisecond)
			},
			want: map[string]float64{
				`leviathan_questions_total{command="ask",outcome="ok"}`:            2,
				`leviathan_questions_total{command="ask",outcome="fallback"}`:      1,
				`leviathan_questions_total{command="quote",outcome="not_covered"}`: 1,
				`leviathan_questions_total{command="ask",outcome="cooldown"}`:      1,
				`leviathan_questions_total{command="mention",outcome="rejected"}`:  1,
				`leviathan_answer_seconds_count{command="ask"}`:                    3,
				`leviathan_answer_seconds_sum{command="ask"}`:                      4,
				`leviathan_answer_seconds_count{command="quote"}`:                  1,
				`leviathan_answer_seconds_sum{command="quote"}`:                    0.02,
				`leviathan_answer_seconds_count{command="mention"}`:                -1, // absent
			},
		},
		{
			name: "empty labels become unknown",
			do: func(m *Metrics) {
				m.Question("", "", time.Second)
				m.Fallback("")
			},
			want: map[string]float64{
				`leviathan_questions_total{command="unknown",outcome="unknown"}`: 1,
				`leviathan_llm_fallbacks_total{reason="unknown"}`:                1,
			},
		},
		{
			name: "unverified quotations",
			do: func(m *Metrics) {
				m.UnverifiedQuotes(2)
				m.UnverifiedQuotes(0)
				m.UnverifiedQuotes(-1)
				m.UnverifiedQuotes(1)
			},
			want: map[string]float64{`leviathan_llm_unverified_quotes_total`: 3},
		},
		{
			name: "fallbacks by reason",
			do: func(m *Metrics) {
				m.Fallback("timeout")
				m.Fallback("timeout")
				m.Fallback("server_error")
			},
			want: map[string]float64{
				`leviathan_llm_fallbacks_total{reason="timeout"}`:      2,
				`leviathan_llm_fallbacks_total{reason="server_error"}`: 1,
			},
		},
		{
			name: "failed requests to the model by reason",
			do: func(m *Metrics) {
				m.LLMRequestError(bot.ReasonRateLimited)
				m.LLMRequestError(bot.ReasonRateLimited)
				m.LLMRequestError(bot.ReasonTimeout)
				m.LLMRequestError("")
			},
			want: map[string]float64{
				`leviathan_llm_request_errors_total{reason="rate_limited"}`: 2,
				`leviathan_llm_request_errors_total{reason="timeout"}`:      1,
				`leviathan_llm_request_errors_total{reason="server_error"}`: 0,
				`leviathan_llm_request_errors_total{reason="unknown"}`:      1,
			},
		},
		{
			name: "tokens add up by kind; negative counts are ignored",
			do: func(m *Metrics) {
				m.Tokens(100, 20)
				m.Tokens(50, 5)
				m.Tokens(-7, -1)
			},
			want: map[string]float64{
				`leviathan_tokens_total{kind="prompt"}`:     150,
				`leviathan_tokens_total{kind="completion"}`: 25,
			},
		},
		{
			name: "feedback votes, forged ones folded into other",
			do: func(m *Metrics) {
				m.Feedback("up")
				m.Feedback("up")
				m.Feedback("down")
				m.Feedback("<script>")
				m.Feedback("sideways")
			},
			want: map[string]float64{
				`leviathan_feedback_total{vote="up"}`:       2,
				`leviathan_feedback_total{vote="down"}`:     1,
				`leviathan_feedback_total{vote="other"}`:    2,
				`leviathan_feedback_total{vote="<script>"}`: -1,
			},
		},
		{
			name: "reconnects",
			do: func(m *Metrics) {
				m.Reconnect()
				m.Reconnect()
				m.Reconnect()
			},
			want: map[string]float64{`leviathan_discord_reconnects_total`: 3},
		},
		{
			name: "fixed series exist at zero before any event",
			do:   func(m *Metrics) {},
			want: map[string]float64{
				`leviathan_tokens_total{kind="prompt"}`:                    0,
				`leviathan_tokens_total{kind="completion"}`:                0,
				`leviathan_feedback_total{vote="up"}`:                      0,
				`leviathan_feedback_total{vote="down"}`:                    0,
				`leviathan_discord_reconnects_total`:                       0,
				`leviathan_llm_request_errors_total{reason="unreachable"}`: 0,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMetrics()
			tt.do(m)
			got := samples(t, m)
			for k, want := range tt.want {
				v, ok := got[k]
				switch {
				case want < 0 && ok:
					t.Errorf("%s = %v, want no such series", k, v)
				case want >= 0 && !ok:
					t.Errorf("%s missing", k)
				case want >= 0 && !approx(v, want):
					t.Errorf("%s = %v, want %v", k, v, want)
				}
			}
		})
	}
}

func approx(a, b float64) bool {
	d := a - b
	return d < 1e-9 && d > -1e-9
}

func TestAnswerBucketsCoverRange(t *testing.T) {
	m := NewMetrics()
	m.Question("ask", "ok", 5*time.Millisecond)
	m.Question("ask", "ok", 59*time.Second)
	m.Question("ask", "ok", 2*time.Minute)
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "leviathan_answer_seconds" {
			continue
		}
		bs := mf.GetMetric()[0].GetHistogram().GetBucket()
		if lo, hi := bs[0].GetUpperBound(), bs[len(bs)-1].GetUpperBound(); lo > 0.01 || hi < 60 {
			t.Errorf("buckets span %v..%v s, want at least 0.01..60", lo, hi)
		}
		// 5 ms lands in the first bucket, 59 s in the last finite one, and
		// 2 min only in +Inf (the count).
		if got := bs[0].GetCumulativeCount(); got != 1 {
			t.Errorf("first bucket holds %d, want 1", got)
		}
		if got := bs[len(bs)-1].GetCumulativeCount(); got != 2 {
			t.Errorf("last bucket holds %d, want 2", got)
		}
		return
	}
	t.Fatal("leviathan_answer_seconds not gathered")
}

func TestNilMetricsRecordsNothing(t *testing.T) {
	var m *Metrics
	// Each must return without panicking.
	m.Question("ask", "ok", time.Second)
	m.Fallback("timeout")
	m.Tokens(1, 0)
	m.Feedback("up")
	m.Reconnect()
	m.UnverifiedQuotes(1)
}

func TestMetricsEndpointExposition(t *testing.T) {
	m := NewMetrics()
	m.Question("summary", "ok", 30*time.Millisecond)
	m.Feedback("down")
	srv := httptest.NewServer(NewServer("", m, nil, nil).srv.Handler)
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %s", resp.Status)
	}
	text := string(body)
	want := []string{
		`leviathan_questions_total{command="summary",outcome="ok"} 1`,
		`leviathan_answer_seconds_bucket{command="summary",le="0.05"} 1`,
		`leviathan_answer_seconds_bucket{command="summary",le="0.025"} 0`,
		`leviathan_feedback_total{vote="down"} 1`,
		`# TYPE leviathan_answer_seconds histogram`,
		`# TYPE leviathan_discord_reconnects_total counter`,
		`go_goroutines `,
	}
	if runtime.GOOS == "linux" {
		want = append(want, `process_resident_memory_bytes `)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("/metrics lacks %q", w)
		}
	}
}

// The reasons counted from the start are the engine's, spelled the same.
func TestLLMErrorReasonsMatchTheEngine(t *testing.T) {
	want := []string{bot.ReasonRateLimited, bot.ReasonServerError, bot.ReasonUnreachable, bot.ReasonTimeout}
	if !slices.Equal(llmErrorReasons, want) {
		t.Errorf("llmErrorReasons = %q, want %q (bot.Reason…)", llmErrorReasons, want)
	}
}
