package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/llm/llmtest"
	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// fakeEval answers from tables: the passages search finds (in order) and the
// answer ask gives, per question.
type fakeEval struct {
	hits    map[string][]string // question -> passage IDs, best first
	answers map[string]bot.Answer
	asked   []bot.Request
}

var _ evalRunner = (*fakeEval)(nil)

var fakePassages = []content.Passage{
	{ID: "p1", Label: "¶1", Section: "A", Text: "The cat sat\non the mat.[^1] Dogs bark."},
	{ID: "p2", Label: "¶2", Section: "A", Text: "Rain falls in Spain. Mostly on the plain."},
	{ID: "p3", Label: "¶3", Section: "B", Text: "Nothing to see here."},
}

func (f *fakeEval) Search(_ context.Context, q string, k int) ([]bot.Hit, error) {
	var hits []bot.Hit
	for i, id := range f.hits[q] {
		for _, p := range fakePassages {
			if p.ID == id && len(hits) < k {
				hits = append(hits, bot.Hit{Passage: p, Score: 1 / float64(i+1)})
			}
		}
	}
	return hits, nil
}

func (f *fakeEval) Ask(_ context.Context, req bot.Request) (bot.Answer, error) {
	f.asked = append(f.asked, req)
	return f.answers[req.Question], nil
}

func covered(text string) bot.Answer {
	return bot.Answer{Text: text, Covered: true, Citations: []bot.Citation{{N: 1, ID: "p1"}}}
}

// The summary's arithmetic, on questions whose ranks and answers are known.
func TestEvalSummaryArithmetic(t *testing.T) {
	eng := &fakeEval{
		hits: map[string][]string{
			"q1": {"p1", "p2"},       // gold in p1: rank 1
			"q2": {"p3", "p1", "p2"}, // gold in p2: rank 3
			"q3": {"p3"},             // gold in p1: not found (rank 0)
			"q4": {"p2"},             // gold only in the front matter: not ranked
			"o1": {"p3"},
			"o2": {"p3"},
		},
		answers: map[string]bot.Answer{
			// A citation marker and a line break inside the gold phrase
			// still count.
			"q1": covered("»The cat sat on [1] the mat.«"),
			"q2": covered("Dogs bark [1]."),              // lacks "plain"
			"q3": {Text: "Not covered.", Covered: false}, // refused
			"q4": covered("By Jane Doe [1]."),
			"o1": {Text: "Not covered.", Covered: false, Citations: []bot.Citation{}},
			"o2": covered("Something [1]."), // off-topic, answered
		},
	}
	qs := []evalQuestion{
		{ID: json.RawMessage(`"q1"`), Question: "q1", Gold: &[]string{"cat sat on the mat"}, Lang: "en", Type: "fact"},
		{ID: json.RawMessage(`"q2"`), Question: "q2", Gold: &[]string{"on the plain", "nowhere"}, Lang: "de", Type: "fact"},
		{ID: json.RawMessage(`"q3"`), Question: "q3", Gold: &[]string{"Dogs bark"}, Lang: "en", Type: "why"},
		{ID: json.RawMessage(`"q4"`), Question: "q4", Gold: &[]string{"Jane Doe"}, Lang: "en", Type: "metadata"},
		{ID: json.RawMessage(`"o1"`), Question: "o1", Gold: &[]string{}, Lang: "en"},
		{ID: json.RawMessage(`"o2"`), Question: "o2", Gold: &[]string{}, Lang: "de"},
	}
	sum := newEvalSummary("f", bot.ModeExtractive, 5)
	var ranks []string
	for _, q := range qs {
		r, err := evaluate(context.Background(), eng, fakePassages, q, 5)
		if err != nil {
			t.Fatal(err)
		}
		rank := "null"
		if r.Rank != nil {
			rank = itoa(*r.Rank)
		}
		ranks = append(ranks, rank)
		sum.add(q, r)
	}
	sum.finish()
	if want := []string{"1", "3", "0", "null", "null", "null"}; !slices.Equal(ranks, want) {
		t.Errorf("ranks %v, want %v", ranks, want)
	}
	all := sum.Summary.All
	approx := func(name string, got *float64, want float64) {
		t.Helper()
		if got == nil || math.Abs(*got-want) > 1e-9 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if all.Questions != 6 || all.Ranked != 3 || all.At1 != 1 || all.At3 != 2 || all.At5 != 2 ||
		all.OnTopic != 4 || all.Answered != 2 || all.OnTopicRefused != 1 || all.OffTopic != 2 || all.OffRefused != 1 {
		t.Errorf("counts %+v", *all)
	}
	approx("recall@1", all.Recall1, 1.0/3)
	approx("recall@3", all.Recall3, 2.0/3)
	approx("recall@5", all.Recall5, 2.0/3)
	approx("MRR", all.MRR, (1+1.0/3)/3)
	approx("answer has gold", all.AnswerRate, 2.0/4)
	approx("off-topic refused", all.RefuseRate, 1.0/2)

	de := sum.Summary.ByLang["de"]
	if de.Questions != 2 || de.Ranked != 1 || de.At3 != 1 || de.At1 != 0 || de.OffTopic != 1 || de.OffRefused != 0 {
		t.Errorf("de counts %+v", *de)
	}
	if off := sum.Summary.ByType["off-topic"]; off == nil || off.Questions != 2 || off.Recall1 != nil {
		t.Errorf("untyped off-topic questions are grouped as off-topic, with no recall: %+v", off)
	}
	if m := sum.Summary.ByType["metadata"]; m.Ranked != 0 || m.Answered != 1 || m.Recall5 != nil {
		t.Errorf("metadata counts %+v", *m)
	}
}

// A follow-up is asked after the questions of its history, with their
// answers as the conversation.
func TestEvalAsksHistoryFirst(t *testing.T) {
	eng := &fakeEval{answers: map[string]bot.Answer{"first": covered("One."), "second": covered("Two.")}}
	q := evalQuestion{ID: json.RawMessage(`1`), Question: "second", Gold: &[]string{"Two"}, History: []string{"first"}}
	r, err := evaluate(context.Background(), eng, fakePassages, q, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(eng.asked) != 2 || eng.asked[0].Question != "first" || len(eng.asked[1].History) != 1 ||
		eng.asked[1].History[0] != (bot.Turn{Question: "first", Answer: "One."}) {
		t.Errorf("asked %+v", eng.asked)
	}
	if !r.GoldInAnswer || r.Refused {
		t.Errorf("result %+v", r)
	}
}

// The --json shapes are pinned: one line per question with these keys,
// then the summary.
func TestEvalJSONShape(t *testing.T) {
	code, stdout, stderr := run(t, "", "eval", "--json", "testdata/eval-small.jsonl")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 7 {
		t.Fatalf("%d lines, want 6 questions and a summary:\n%s", len(lines), stdout)
	}
	var sawPassage bool
	for _, l := range lines[:6] {
		if got, want := keysOf(t, json.RawMessage(l)), []string{"answer", "citations", "gold_in_answer", "id", "lang", "passages", "question", "rank", "refused", "type"}; !slices.Equal(got, want) {
			t.Errorf("question keys %q, want %q", got, want)
		}
		var r struct {
			Passages  []json.RawMessage `json:"passages"`
			Citations json.RawMessage   `json:"citations"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		if len(r.Passages) != 5 || string(r.Citations) == "null" {
			t.Errorf("%d passages, citations %s", len(r.Passages), r.Citations)
		}
		for _, p := range r.Passages {
			sawPassage = true
			if got, want := keysOf(t, p), []string{"evidence", "id", "label", "score", "section", "text", "text_id", "text_title"}; !slices.Equal(got, want) {
				t.Errorf("passage keys %q, want %q", got, want)
			}
		}
	}
	if !sawPassage {
		t.Error("no passages")
	}
	if got := keysOf(t, json.RawMessage(lines[6])); !slices.Equal(got, []string{"summary"}) {
		t.Fatalf("summary line keys %q", got)
	}
	var sum evalSummary
	if err := json.Unmarshal([]byte(lines[6]), &sum); err != nil {
		t.Fatal(err)
	}
	s := sum.Summary
	if got, want := keysOf(t, json.RawMessage(mustJSON(t, s))), []string{"all", "by_lang", "by_type", "file", "k", "mode"}; !slices.Equal(got, want) {
		t.Errorf("summary keys %q, want %q", got, want)
	}
	if s.All.Questions != 6 || s.All.OffTopic != 2 || len(s.ByLang) != 2 || s.ByType["off-topic"] == nil || s.Mode != bot.ModeExtractive || s.K != 5 {
		t.Errorf("summary %s", lines[6])
	}
	// The file's off-topic questions are the ones the CLI tests already
	// expect refused.
	if s.All.OffRefused != 2 {
		t.Errorf("off-topic refused %d of 2", s.All.OffRefused)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEvalText(t *testing.T) {
	code, stdout, stderr := run(t, "", "eval", "testdata/eval-small.jsonl")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"6 questions, mode extractive", "\nall ", "\nlang de ", "\ntype off-topic ", "1.00 2/2"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestEvalBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, file, want string
	}{
		{"not JSON", "{\"id\":1,\"question\":\"a\",\"gold\":[]}\n\nnot json\n", "bad.jsonl:3: not a JSON object"},
		{"no gold", `{"id":1,"question":"a"}`, `bad.jsonl:1: no "gold"`},
		{"gold not a list", `{"id":1,"question":"a","gold":"x"}`, "bad.jsonl:1: not a JSON object"},
		{"no question", `{"id":1,"question":"  ","gold":[]}`, `bad.jsonl:1: no "question"`},
		{"no id", `{"question":"a","gold":[]}`, `bad.jsonl:1: no "id"`},
		{"empty phrase", `{"id":1,"question":"a","gold":[" "]}`, `bad.jsonl:1: an empty phrase`},
		{"duplicate id", "{\"id\":1,\"question\":\"a\",\"gold\":[]}\n{\"id\":1,\"question\":\"b\",\"gold\":[]}", "bad.jsonl:2: id 1 is already used on line 1"},
		{"two values", `{"id":1,"question":"a","gold":[]} {}`, "bad.jsonl:1: more than one JSON value"},
		{"empty file", "\n\n", "holds no questions"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, "bad.jsonl")
			if err := os.WriteFile(path, []byte(c.file), 0o644); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := run(t, "", "eval", path)
			if code != exitUsage || stdout != "" || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, stdout, stderr, c.want)
			}
		})
	}
	code, _, stderr := run(t, "", "eval", filepath.Join(dir, "missing.jsonl"))
	if code != exitUsage || !strings.Contains(stderr, "missing.jsonl") {
		t.Errorf("missing file: exit %d, %q", code, stderr)
	}
	code, _, stderr = run(t, "", "eval")
	if code != exitUsage || !strings.Contains(stderr, "give one question file") {
		t.Errorf("no file: exit %d, %q", code, stderr)
	}
}

var essaySets = []string{"../../retrieval/testdata/eval/essay-dev.jsonl", "../../retrieval/testdata/eval/essay-heldout.jsonl"}

// The essay's question sets are well-formed: every gold phrase is verbatim
// in the essay (in a passage, or for metadata in the front matter), every
// question has a known type, ids are unique across both halves, and each
// half has the questions the issue asks for.
func TestEssaySets(t *testing.T) {
	essay := content.Load()
	source := normalizeForGold(essay.Source)
	types := []string{"whole", "metadata", "label", "definition", "fact", "why", "follow-up", "off-topic"}
	ids := map[string]string{}
	for _, path := range essaySets {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		qs, err := readEvalQuestions(f, path)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, q := range qs {
			id := q.idString()
			if other, ok := ids[id]; ok {
				t.Errorf("%s: id %s is also in %s", path, id, other)
			}
			ids[id] = path
			if !slices.Contains(types, q.Type) || (q.Type == "off-topic") != q.offTopic() {
				t.Errorf("%s: %s has type %q and %d gold phrases", path, id, q.Type, len(*q.Gold))
			}
			if q.Lang != "de" && q.Lang != "en" {
				t.Errorf("%s: %s has language %q", path, id, q.Lang)
			}
			count[q.Type]++
			for _, g := range *q.Gold {
				inPassage := slices.ContainsFunc(essay.Passages, func(p content.Passage) bool { return containsGold(p.Text, []string{g}) })
				if !inPassage && (q.Type != "metadata" || !strings.Contains(source, normalizeForGold(g))) {
					t.Errorf("%s: %s: gold phrase %q is not in the essay", path, id, g)
				}
			}
		}
		for typ, least := range map[string]int{"whole": 10, "metadata": 5, "label": 5, "off-topic": 5} {
			if count[typ] < least {
				t.Errorf("%s: %d %s questions, want at least %d", path, count[typ], typ, least)
			}
		}
	}
}

// Floors on the held-out half, offline, a little below what was measured
// when the set was written (German recall@5 0.79, answers with a gold
// phrase 0.63; English 0.81 and 0.34; every off-topic question refused in
// both halves). Raise them as the engine improves; never tune on the
// held-out questions to pass them.
func TestEssayEvalFloors(t *testing.T) {
	dir := t.TempDir()
	// The figures depend on the German-English dictionary (the test
	// script installs it); without it English questions have their own,
	// lower floors.
	_, err := os.Stat(retrieval.DefaultDictionaryPath)
	dict := err == nil
	for _, path := range essaySets {
		code, stdout, stderr := run(t, dir, "eval", "--json", path)
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", path, code, stderr)
		}
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		var sum evalSummary
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil {
			t.Fatal(err)
		}
		s := sum.Summary
		t.Logf("%s: recall@5 de %.2f en %.2f; answer has gold de %.2f en %.2f; off-topic refused %d/%d",
			filepath.Base(path), deref(s.ByLang["de"].Recall5), deref(s.ByLang["en"].Recall5),
			deref(s.ByLang["de"].AnswerRate), deref(s.ByLang["en"].AnswerRate), s.All.OffRefused, s.All.OffTopic)
		// Questions about the whole text, its publication or a named
		// passage are never refused, on either half.
		for _, typ := range []string{"whole", "metadata", "label"} {
			if c := s.ByType[typ]; c == nil || c.OnTopicRefused != 0 {
				t.Errorf("%s: %s questions refused: %+v", path, typ, c)
			}
		}
		if !strings.HasSuffix(path, "heldout.jsonl") {
			continue
		}
		// Floors a little under the held-out figures as measured (with the
		// dictionary: answer has gold de 0.83, en 0.59; recall@5 de 0.79,
		// en 0.67; off-topic refused 8 of 9).
		floors := map[string]struct{ r5, answer float64 }{"de": {0.75, 0.78}, "en": {0.62, 0.55}}
		if !dict {
			floors["en"] = struct{ r5, answer float64 }{0.45, 0.30}
		}
		for lang, f := range floors {
			c := s.ByLang[lang]
			if deref(c.Recall5) < f.r5 || deref(c.AnswerRate) < f.answer {
				t.Errorf("held-out, %s: recall@5 %.2f (floor %.2f), answer has gold %.2f (floor %.2f)",
					lang, deref(c.Recall5), f.r5, deref(c.AnswerRate), f.answer)
			}
		}
		if dict && s.All.OffRefused < 7 {
			t.Errorf("held-out: %d of %d off-topic questions refused, floor 7", s.All.OffRefused, s.All.OffTopic)
		}
	}
}

func deref(v *float64) float64 {
	if v == nil {
		return 0
	}
	return *v
}

// With a model configured, eval measures the model's answers: the same
// engine calls as ask, the mode in the summary.
func TestEvalWithLLM(t *testing.T) {
	fake := llmtest.New(t)
	fake.Respond = func(llmtest.Request) llmtest.Reply {
		return llmtest.Reply{Text: "Es geht um das Department of Government Efficiency (DOGE) unter der Leitung von Elon Musk [1]."}
	}
	code, stdout, stderr := runEnv(t, []string{"OPENAI_BASE_URL=" + fake.BaseURL(), "OPENAI_API_KEY=sk-test"},
		"eval", "--json", "testdata/eval-small.jsonl")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	var sum evalSummary
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Summary.Mode != bot.ModeLLM || len(fake.ChatRequests()) == 0 {
		t.Errorf("mode %s, %d chat requests", sum.Summary.Mode, len(fake.ChatRequests()))
	}
	// Only the DOGE question's gold phrase is in the model's answer.
	if fact := sum.Summary.ByType["fact"]; fact.Answered != 1 {
		t.Errorf("fact answers with a gold phrase: %d, want 1", fact.Answered)
	}
}
