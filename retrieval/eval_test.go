package retrieval

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"sort"
	"testing"

	"github.com/leviathan-bot/leviathan/content"
)

type evalSet struct {
	Questions []struct {
		Lang   string   `json:"lang"`
		Q      string   `json:"q"`
		Labels []string `json:"labels"`
	} `json:"questions"`
	Offtopic []struct {
		Lang string `json:"lang"`
		Q    string `json:"q"`
	} `json:"offtopic"`
	// KnownFailures are off-topic questions the offline default wrongly
	// finds evidence for; they are logged, not failed, so the report
	// stays honest about them.
	KnownFailures []struct {
		Q   string `json:"q"`
		Why string `json:"why"`
	} `json:"offtopic_known_failures"`
}

func loadEval(t testing.TB) evalSet {
	t.Helper()
	b, err := os.ReadFile("testdata/eval.json")
	if err != nil {
		t.Fatal(err)
	}
	var es evalSet
	if err := json.Unmarshal(b, &es); err != nil {
		t.Fatal(err)
	}
	return es
}

// metrics accumulates recall@1, recall@3 and MRR over questions.
type metrics struct {
	n, at1, at3 int
	rr          float64
}

// add records the rank (from 1; 0 for not found) of the first answer.
func (m *metrics) add(rank int) {
	m.n++
	if rank == 1 {
		m.at1++
	}
	if rank >= 1 && rank <= 3 {
		m.at3++
	}
	if rank > 0 {
		m.rr += 1 / float64(rank)
	}
}

func (m metrics) r1() float64  { return float64(m.at1) / float64(m.n) }
func (m metrics) r3() float64  { return float64(m.at3) / float64(m.n) }
func (m metrics) mrr() float64 { return m.rr / float64(m.n) }

// rankOf returns the rank (from 1) of the first of labels in ranked, or 0.
func rankOf(ranked []string, labels []string) int {
	for i, l := range ranked {
		for _, want := range labels {
			if l == want {
				return i + 1
			}
		}
	}
	return 0
}

// Floors just under what the offline default reaches (see the log of
// TestEvaluation for the measured figures).
var evalFloors = map[string]struct{ r3, mrr float64 }{
	"de": {r3: 0.97, mrr: 0.88},
	"en": {r3: 0.85, mrr: 0.77},
}

// TestEvaluation measures the offline default on the question set in
// testdata/eval.json and compares it with a plain BM25 baseline.
func TestEvaluation(t *testing.T) {
	ctx := context.Background()
	es := loadEval(t)
	if len(es.Questions) < 40 {
		t.Fatalf("the evaluation needs at least 40 questions, has %d", len(es.Questions))
	}
	essay := content.Load()
	for _, q := range es.Questions {
		for _, l := range q.Labels {
			if _, ok := essay.Lookup(l); !ok {
				t.Fatalf("question %q names unknown label %s", q.Q, l)
			}
		}
	}
	ix, err := Open(ctx, essay, Options{Embedder: NewOffline()})
	if err != nil {
		t.Fatal(err)
	}
	base := newPlainBM25(essay)

	got := map[string]*metrics{}
	baseline := map[string]*metrics{}
	for _, q := range es.Questions {
		if got[q.Lang] == nil {
			got[q.Lang], baseline[q.Lang] = &metrics{}, &metrics{}
		}
		hits, err := ix.Search(ctx, q.Q, len(essay.Passages))
		if err != nil {
			t.Fatal(err)
		}
		var labels []string
		for _, h := range hits {
			labels = append(labels, h.Passage.Label)
		}
		rank := rankOf(labels, q.Labels)
		got[q.Lang].add(rank)
		baseline[q.Lang].add(rankOf(base.rank(q.Q), q.Labels))
		if rank != 1 {
			t.Logf("rank %d for %q (want %v, top %v)", rank, q.Q, q.Labels, labels[:3])
		}
		// The engine answers only from relevant hits: the answer must be one.
		if rank > 0 && !hits[rank-1].Relevant {
			t.Errorf("answer %s to %q is not marked relevant", labels[rank-1], q.Q)
		}
	}
	for _, lang := range []string{"de", "en"} {
		m, b := got[lang], baseline[lang]
		if m == nil {
			t.Fatalf("no %s questions", lang)
		}
		t.Logf("%s (%d questions) offline hybrid: recall@1 %.3f  recall@3 %.3f  MRR %.3f", lang, m.n, m.r1(), m.r3(), m.mrr())
		t.Logf("%s (%d questions) plain BM25:     recall@1 %.3f  recall@3 %.3f  MRR %.3f", lang, b.n, b.r1(), b.r3(), b.mrr())
		f := evalFloors[lang]
		if m.r3() < f.r3 || m.mrr() < f.mrr {
			t.Errorf("%s: recall@3 %.3f, MRR %.3f below the floor %.2f, %.2f", lang, m.r3(), m.mrr(), f.r3, f.mrr)
		}
	}

	for _, q := range es.Offtopic {
		hits, err := ix.Search(ctx, q.Q, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.Relevant {
				t.Errorf("off-topic %q: %s marked relevant (score %.3f)", q.Q, h.Passage.Label, h.Score)
			}
		}
	}
	for _, q := range es.KnownFailures {
		hits, err := ix.Search(ctx, q.Q, 5)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("known limitation: %q relevant hits %v (%s)", q.Q, relevantLabels(hits), q.Why)
	}
}

func relevantLabels(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		if h.Relevant {
			out = append(out, h.Passage.Label)
		}
	}
	return out
}

// plainBM25 is the baseline: BM25 over lower-case words, no stemming, no
// n-grams, no concepts, German and English stopwords removed.
type plainBM25 struct {
	labels []string
	tf     []map[string]float64
	dl     []float64
	avg    float64
	df     map[string]float64
}

func newPlainBM25(e *content.Essay) *plainBM25 {
	b := &plainBM25{df: map[string]float64{}}
	var total float64
	for _, p := range e.Passages {
		tf := map[string]float64{}
		ws := plainWords(p.Text)
		for _, w := range ws {
			tf[w]++
		}
		for w := range tf {
			b.df[w]++
		}
		b.labels = append(b.labels, p.Label)
		b.tf = append(b.tf, tf)
		b.dl = append(b.dl, float64(len(ws)))
		total += float64(len(ws))
	}
	b.avg = total / float64(len(e.Passages))
	return b
}

func plainWords(s string) []string {
	var out []string
	for _, w := range Words(s) {
		if !isStopword(w) {
			out = append(out, w)
		}
	}
	return out
}

func (b *plainBM25) rank(q string) []string {
	n := float64(len(b.labels))
	scores := make([]float64, len(b.labels))
	for _, w := range plainWords(q) {
		df := b.df[w]
		if df == 0 {
			continue
		}
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		for i, tf := range b.tf {
			f := tf[w]
			scores[i] += idf * f * (bm25K1 + 1) / (f + bm25K1*(1-bm25B+bm25B*b.dl[i]/b.avg))
		}
	}
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, c int) bool { return scores[idx[a]] > scores[idx[c]] })
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = b.labels[j]
	}
	return out
}
