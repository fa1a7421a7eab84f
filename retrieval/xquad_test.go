package retrieval

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leviathan-bot/leviathan/content"
)

// XQuAD (testdata/xquad, CC BY-SA 4.0; see its README) is the outside
// benchmark: questions written by people who never saw this project, in
// German and in English, about German Wikipedia paragraphs. Until the index
// holds several texts, the 120 paragraphs of its 24 articles are one pool
// of passages, and a hit is a passage of the question's article that
// contains one of the German answers.

type xquadQuestion struct {
	ID         string   `json:"id"`
	Text       string   `json:"text"`      // the article's file name, without .md
	Paragraph  int      `json:"paragraph"` // from 1, in file order
	QuestionDE string   `json:"question_de"`
	QuestionEN string   `json:"question_en"`
	AnswersDE  []string `json:"answers_de"`
}

// in returns the question in the language given ("de" or "en").
func (q xquadQuestion) in(lang string) string {
	if lang == "en" {
		return q.QuestionEN
	}
	return q.QuestionDE
}

var blankLines = regexp.MustCompile(`\n[ \t]*\n`)

// loadXQuAD reads the articles as one essay, a passage per paragraph
// (ID "xquad-00/3", label "xquad-00 ¶3", section the article's title), and
// the questions.
func loadXQuAD(t testing.TB) (*content.Essay, []xquadQuestion) {
	t.Helper()
	files, err := filepath.Glob("testdata/xquad/texts/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no XQuAD texts: %v", err)
	}
	essay := &content.Essay{Meta: content.Meta{Title: "XQuAD dev (German)", Language: "de"}}
	h := sha256.New()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		h.Write(b)
		src := strings.ReplaceAll(string(b), "\r\n", "\n")
		fm, body, ok := strings.Cut(strings.TrimPrefix(src, "---\n"), "\n---\n")
		if !ok {
			t.Fatalf("%s: no front matter", f)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".md")
		title := name
		for _, l := range strings.Split(fm, "\n") {
			if v, ok := strings.CutPrefix(l, "title:"); ok {
				title = strings.TrimSpace(v)
			}
		}
		essay.Sections = append(essay.Sections, title)
		n := 0
		for _, para := range blankLines.Split(body, -1) {
			if para = strings.TrimSpace(para); para == "" {
				continue
			}
			n++
			essay.Passages = append(essay.Passages, content.Passage{
				ID: fmt.Sprintf("%s/%d", name, n), Label: fmt.Sprintf("%s ¶%d", name, n), Section: title,
				Kind: content.KindBody, Text: para, Order: len(essay.Passages),
			})
		}
	}
	essay.Hash = hex.EncodeToString(h.Sum(nil))

	f, err := os.Open("testdata/xquad/questions.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var qs []xquadQuestion
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var q xquadQuestion
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatalf("questions.jsonl: %v", err)
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return essay, qs
}

// xquadHit reports whether p answers q: it is from q's article and holds
// one of the answers (white space collapsed on both sides).
func xquadHit(p content.Passage, q xquadQuestion) bool {
	if !strings.HasPrefix(p.ID, q.Text+"/") {
		return false
	}
	text := strings.Join(strings.Fields(p.Text), " ")
	for _, a := range q.AnswersDE {
		if strings.Contains(text, strings.Join(strings.Fields(a), " ")) {
			return true
		}
	}
	return false
}

// xquadMetrics adds up recall@1/3/5 and MRR.
type xquadMetrics struct {
	n, at1, at3, at5 int
	rr               float64
}

func (m *xquadMetrics) add(rank int) {
	m.n++
	if rank > 0 {
		m.rr += 1 / float64(rank)
	}
	if rank == 1 {
		m.at1++
	}
	if rank >= 1 && rank <= 3 {
		m.at3++
	}
	if rank >= 1 && rank <= 5 {
		m.at5++
	}
}

func (m xquadMetrics) rate(k int) float64 { return float64(k) / float64(m.n) }

func (m xquadMetrics) String() string {
	return fmt.Sprintf("recall@1 %.3f, recall@3 %.3f, recall@5 %.3f, MRR %.3f (%d questions)",
		m.rate(m.at1), m.rate(m.at3), m.rate(m.at5), m.rr/float64(m.n), m.n)
}

// Every answer must be findable, or the benchmark measures the data.
func TestXQuADData(t *testing.T) {
	essay, qs := loadXQuAD(t)
	if len(essay.Passages) != 120 || len(qs) != 612 {
		t.Fatalf("%d paragraphs, %d questions; want 120 and 612", len(essay.Passages), len(qs))
	}
	for _, q := range qs {
		p, ok := findPassage(essay, fmt.Sprintf("%s/%d", q.Text, q.Paragraph))
		if !ok || !xquadHit(p, q) {
			t.Errorf("question %s: no answer of %q in %s paragraph %d", q.ID, q.AnswersDE, q.Text, q.Paragraph)
		}
	}
}

func findPassage(e *content.Essay, id string) (content.Passage, bool) {
	for _, p := range e.Passages {
		if p.ID == id {
			return p, true
		}
	}
	return content.Passage{}, false
}

// TestXQuADRecall measures the offline default on XQuAD's questions, in
// German and in English, over all 120 paragraphs. The floors sit a little
// below what was measured, so a regression fails; raise them as retrieval
// improves. Measured when written: German recall@1/3/5 0.879/0.962/0.974,
// MRR 0.921; English 0.570/0.708/0.765, MRR 0.645.
func TestXQuADRecall(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 1,224 searches")
	}
	essay, qs := loadXQuAD(t)
	dict := realDictionary(t)
	ix := openT(t, essay, Options{Embedder: NewOffline(), Dictionary: dict})
	// Floors a little under what was measured, with the dictionary and
	// without it (English questions then meet German text only through
	// cognates and names).
	floors := map[string]struct{ r1, r3, r5, mrr float64 }{
		"de": {r1: 0.86, r3: 0.94, r5: 0.96, mrr: 0.90},
		"en": {r1: 0.55, r3: 0.66, r5: 0.72, mrr: 0.61},
	}
	if dict != nil {
		floors["en"] = struct{ r1, r3, r5, mrr float64 }{r1: 0.74, r3: 0.90, r5: 0.93, mrr: 0.82}
	}
	for _, lang := range []string{"de", "en"} {
		var m xquadMetrics
		for _, q := range qs {
			hits, err := ix.Search(context.Background(), q.in(lang), 5)
			if err != nil {
				t.Fatal(err)
			}
			rank := 0
			for i, h := range hits {
				if xquadHit(h.Passage, q) {
					rank = i + 1
					break
				}
			}
			m.add(rank)
		}
		t.Logf("XQuAD dev, %s questions, 120 paragraphs: %s", lang, m)
		f := floors[lang]
		if m.rate(m.at1) < f.r1 || m.rate(m.at3) < f.r3 || m.rate(m.at5) < f.r5 || m.rr/float64(m.n) < f.mrr {
			t.Errorf("%s: %s; floors recall@1 %.2f, recall@3 %.2f, recall@5 %.2f, MRR %.2f", lang, m, f.r1, f.r3, f.r5, f.mrr)
		}
	}
}

// TestXQuADAskedOfTheEssay is an outside measure of the relevance verdict:
// XQuAD's 1,224 questions (about football, physics, history; none about
// the essay) asked of the essay must find no evidence there. Questions that
// share an everyday word with it do, which is what the figure shows.
func TestXQuADAskedOfTheEssay(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 1,224 searches")
	}
	_, qs := loadXQuAD(t)
	dict := realDictionary(t)
	ix := openT(t, content.Load(), Options{Embedder: NewOffline(), Dictionary: dict})
	floors := map[string]float64{"de": 0.38, "en": 0.70}
	if dict != nil {
		floors["en"] = 0.36
	}
	for _, lang := range []string{"de", "en"} {
		refused := 0
		for _, q := range qs {
			hits, err := ix.Search(context.Background(), q.in(lang), 5)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(hits, func(h Hit) bool { return h.Relevant }) {
				refused++
			}
		}
		share := float64(refused) / float64(len(qs))
		t.Logf("XQuAD dev, %s questions asked of the essay: %d of %d refused (%.2f)", lang, refused, len(qs), share)
		if share < floors[lang] {
			t.Errorf("%s: %.2f refused, floor %.2f", lang, share, floors[lang])
		}
	}
}

// BenchmarkSearchXQuAD is one search over the 120-paragraph pool, German
// and English questions in turn.
func BenchmarkSearchXQuAD(b *testing.B) {
	essay, qs := loadXQuAD(b)
	ix, err := Open(context.Background(), essay, Options{Embedder: NewOffline(), Dictionary: realDictionary(b)})
	if err != nil {
		b.Fatal(err)
	}
	var took []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		q := qs[i/2%len(qs)]
		question := q.QuestionDE
		if i%2 == 1 {
			question = q.QuestionEN
		}
		i++
		if _, err := ix.Search(context.Background(), question, 5); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	// The target is a median; ns/op is the mean.
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
}
