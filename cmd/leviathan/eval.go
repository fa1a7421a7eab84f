package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/answer"
	"github.com/leviathan-bot/leviathan/content"
)

// An eval file holds one question per line (JSON lines):
//
//	{"id": "de-07", "question": "Was ist DOGE?", "gold": ["Department of Government Efficiency"], "lang": "de", "type": "fact"}
//
// "gold" lists verbatim phrases of the text that answer the question; any
// one of them counts. "gold": [] marks an off-topic question, which must be
// refused. "lang" and "type" group the summary; without "lang" the
// question's language is guessed. "history" (optional) lists earlier
// questions of the same conversation, asked first, so that a follow-up is
// asked as a user would ask it.
type evalQuestion struct {
	ID       json.RawMessage `json:"id"`
	Question string          `json:"question"`
	Gold     *[]string       `json:"gold"`
	Lang     string          `json:"lang"`
	Type     string          `json:"type"`
	History  []string        `json:"history"`

	line int
}

// offTopic reports whether the question must be refused.
func (q evalQuestion) offTopic() bool { return len(*q.Gold) == 0 }

// idString is the question's id as the text report shows it.
func (q evalQuestion) idString() string {
	var s string
	if json.Unmarshal(q.ID, &s) == nil {
		return s
	}
	return string(q.ID)
}

// group names the question's type in the summary.
func (q evalQuestion) group() string {
	switch {
	case q.Type != "":
		return q.Type
	case q.offTopic():
		return "off-topic"
	}
	return "untyped"
}

// maxEvalErrors is how many bad lines are reported before giving up: past
// that, the file is most likely not an eval file at all.
const maxEvalErrors = 10

// readEvalQuestions parses an eval file, reporting every bad line (up to
// maxEvalErrors) with its number.
func readEvalQuestions(r io.Reader, name string) ([]evalQuestion, error) {
	var qs []evalQuestion
	var problems []string
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		bad := func(format string, args ...any) {
			problems = append(problems, fmt.Sprintf("%s:%d: %s", name, n, fmt.Sprintf(format, args...)))
		}
		var q evalQuestion
		dec := json.NewDecoder(bytes.NewReader(line))
		if err := dec.Decode(&q); err != nil {
			bad("not a JSON object: %v", err)
		} else if dec.More() {
			bad("more than one JSON value on the line")
		} else {
			q.line = n
			switch {
			case len(q.ID) == 0 || string(q.ID) == "null":
				bad(`no "id"`)
			case strings.TrimSpace(q.Question) == "":
				bad(`no "question"`)
			case q.Gold == nil:
				bad(`no "gold" (a list of phrases that answer the question; [] for an off-topic question)`)
			case slices.ContainsFunc(*q.Gold, func(g string) bool { return normalizeForGold(g) == "" }):
				bad(`an empty phrase in "gold"`)
			case seen[string(q.ID)] != 0:
				bad("id %s is already used on line %d", q.ID, seen[string(q.ID)])
			default:
				seen[string(q.ID)] = n
				if q.Lang == "" {
					q.Lang = "en"
					if answer.IsGerman(q.Question) {
						q.Lang = "de"
					}
				}
				qs = append(qs, q)
			}
		}
		if len(problems) >= maxEvalErrors {
			problems = append(problems, "(stopped reading)")
			break
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("couldn't read %s: %w", name, err)
	}
	if len(problems) > 0 {
		return nil, &bot.InputError{Msg: "bad question file:\n  " + strings.Join(problems, "\n  ")}
	}
	if len(qs) == 0 {
		return nil, &bot.InputError{Msg: name + " holds no questions"}
	}
	return qs, nil
}

// markers are citation markers ([1]) in answers and footnote references
// ([^1]) in passage texts: neither is part of what a reader reads, and a
// gold phrase may span the place where one stands.
var markers = regexp.MustCompile(`\s*\[\^?\d+\]`)

// normalizeForGold prepares a text for gold-phrase matching: markers
// removed and white space collapsed. Matching is case-sensitive: gold
// phrases are copied verbatim from the text, and a verbatim quote keeps its
// case.
func normalizeForGold(s string) string {
	return strings.Join(strings.Fields(markers.ReplaceAllString(s, " ")), " ")
}

// containsGold reports whether text contains one of the gold phrases.
func containsGold(text string, gold []string) bool {
	t := normalizeForGold(text)
	for _, g := range gold {
		if strings.Contains(t, normalizeForGold(g)) {
			return true
		}
	}
	return false
}

// evalPassage is a retrieved passage in eval --json.
type evalPassage struct {
	TextID    string   `json:"text_id,omitempty"`
	TextTitle string   `json:"text_title,omitempty"`
	ID        string   `json:"id"`
	Label     string   `json:"label"`
	Section   string   `json:"section"`
	Text      string   `json:"text"`
	Score     float64  `json:"score"`
	Evidence  []string `json:"evidence"`
}

// evalResult is one question's outcome, one line of eval --json.
type evalResult struct {
	ID        json.RawMessage `json:"id"`
	Question  string          `json:"question"`
	Lang      string          `json:"lang"`
	Type      string          `json:"type"`
	Passages  []evalPassage   `json:"passages"`
	Answer    string          `json:"answer"`
	Citations []bot.Citation  `json:"citations"`
	Refused   bool            `json:"refused"`
	// Rank is the position (from 1) of the first passage holding a gold
	// phrase, 0 if none of the listed passages does; null when no passage
	// of the text holds one (off-topic, or gold only in the front matter),
	// so the question does not count for recall.
	Rank *int `json:"rank"`
	// GoldInAnswer says whether the answer quotes a gold phrase.
	GoldInAnswer bool `json:"gold_in_answer"`
}

// evalCounts adds up the results of a group of questions.
type evalCounts struct {
	Questions int `json:"questions"`
	// Ranked counts the questions that count for recall: on-topic, with a
	// gold phrase in some passage of the text.
	Ranked int     `json:"ranked"`
	At1    int     `json:"hits_at_1"`
	At3    int     `json:"hits_at_3"`
	At5    int     `json:"hits_at_5"`
	RR     float64 `json:"-"`
	// OnTopic questions should be answered; Answered counts those whose
	// answer contains a gold phrase, Refused those refused.
	OnTopic        int `json:"on_topic"`
	Answered       int `json:"answer_has_gold"`
	OnTopicRefused int `json:"on_topic_refused"`
	OffTopic       int `json:"off_topic"`
	OffRefused     int `json:"off_topic_refused"`
	// The rates, null when their denominator is 0.
	Recall1    *float64 `json:"recall_at_1"`
	Recall3    *float64 `json:"recall_at_3"`
	Recall5    *float64 `json:"recall_at_5"`
	MRR        *float64 `json:"mrr"`
	AnswerRate *float64 `json:"answer_has_gold_rate"`
	RefuseRate *float64 `json:"off_topic_refused_rate"`
}

func (c *evalCounts) add(r evalResult, offTopic bool) {
	c.Questions++
	if offTopic {
		c.OffTopic++
		if r.Refused {
			c.OffRefused++
		}
		return
	}
	c.OnTopic++
	if r.GoldInAnswer {
		c.Answered++
	}
	if r.Refused {
		c.OnTopicRefused++
	}
	if r.Rank == nil {
		return
	}
	c.Ranked++
	if rank := *r.Rank; rank > 0 {
		c.RR += 1 / float64(rank)
		if rank <= 1 {
			c.At1++
		}
		if rank <= 3 {
			c.At3++
		}
		if rank <= 5 {
			c.At5++
		}
	}
}

// finish fills in the rates.
func (c *evalCounts) finish() {
	ratio := func(n int, d int) *float64 {
		if d == 0 {
			return nil
		}
		v := float64(n) / float64(d)
		return &v
	}
	c.Recall1, c.Recall3, c.Recall5 = ratio(c.At1, c.Ranked), ratio(c.At3, c.Ranked), ratio(c.At5, c.Ranked)
	if c.Ranked > 0 {
		v := c.RR / float64(c.Ranked)
		c.MRR = &v
	}
	c.AnswerRate = ratio(c.Answered, c.OnTopic)
	c.RefuseRate = ratio(c.OffRefused, c.OffTopic)
}

// evalSummary is the last line of eval --json.
type evalSummary struct {
	Summary struct {
		File   string                 `json:"file"`
		Mode   bot.Mode               `json:"mode"`
		K      int                    `json:"k"`
		All    *evalCounts            `json:"all"`
		ByLang map[string]*evalCounts `json:"by_lang"`
		ByType map[string]*evalCounts `json:"by_type"`
	} `json:"summary"`
}

// evalRunner is what eval needs from the engine: the calls search and ask
// make.
type evalRunner interface {
	Search(ctx context.Context, query string, k int) ([]bot.Hit, error)
	Ask(ctx context.Context, req bot.Request) (bot.Answer, error)
}

// routed asks a library as the commands do: about one text, or about the
// text each question routes to.
type routed struct {
	lib    *answer.Library
	textID string
}

// Search searches the text the question goes to, so that search and
// answer figures are about the same passages.
func (r routed) Search(ctx context.Context, query string, k int) ([]bot.Hit, error) {
	id := r.textID
	if id == "" {
		var err error
		if id, err = r.lib.Route(ctx, bot.Request{Question: query}); err != nil {
			return nil, err
		}
	}
	return r.lib.Search(ctx, query, k, id)
}

func (r routed) Ask(ctx context.Context, req bot.Request) (bot.Answer, error) {
	return r.lib.Ask(ctx, req, r.textID)
}

// evaluate runs one question through search and ask, as the commands do.
// passages is the whole text, to tell whether a gold phrase can be found at
// all.
func evaluate(ctx context.Context, eng evalRunner, passages []content.Passage, q evalQuestion, k int) (evalResult, error) {
	r := evalResult{ID: q.ID, Question: q.Question, Lang: q.Lang, Type: q.group(), Passages: []evalPassage{}}
	hits, err := eng.Search(ctx, q.Question, k)
	if err != nil {
		return r, err
	}
	for _, h := range hits {
		ev := h.Evidence
		if ev == nil {
			ev = []string{}
		}
		r.Passages = append(r.Passages, evalPassage{
			TextID: h.TextID, TextTitle: h.TextTitle,
			ID: h.Passage.ID, Label: h.Passage.Label, Section: h.Passage.Section,
			Text: h.Passage.Text, Score: h.Score, Evidence: ev,
		})
	}
	gold := *q.Gold
	if len(gold) > 0 && slices.ContainsFunc(passages, func(p content.Passage) bool { return containsGold(p.Text, gold) }) {
		rank := 0
		for i, h := range hits {
			if containsGold(h.Passage.Text, gold) {
				rank = i + 1
				break
			}
		}
		r.Rank = &rank
	}
	// A follow-up is asked after its conversation, with the engine's own
	// answers as the history, as in a chat.
	var history []bot.Turn
	for _, prev := range q.History {
		a, err := eng.Ask(ctx, bot.Request{Question: prev, History: history})
		if err != nil {
			return r, err
		}
		history = append(history, bot.Turn{Question: prev, Answer: a.Text})
	}
	a, err := eng.Ask(ctx, bot.Request{Question: q.Question, History: history})
	if err != nil {
		return r, err
	}
	r.Answer, r.Citations = a.Text, a.Citations
	if r.Citations == nil {
		r.Citations = []bot.Citation{}
	}
	r.Refused = !a.Covered || len(a.Citations) == 0
	r.GoldInAnswer = len(gold) > 0 && !r.Refused && containsGold(a.Text, gold)
	return r, nil
}

// runEval runs a question file through search and ask and prints recall,
// MRR, answers that contain a gold phrase and off-topic refusals, overall,
// by language and by type.
func (m *Main) runEval(ctx context.Context, args []string) int {
	var asJSON bool
	var k int
	var textID string
	extra := func(fs *flag.FlagSet) {
		textFlag(fs, &textID, "ask about this text only; default: the whole library, as ask does")
		fs.BoolVar(&asJSON, "json", false, "print one JSON line per question, then the summary as a JSON line")
		fs.IntVar(&k, "k", 5, "how many passages to retrieve per question (recall@5 needs at least 5)")
	}
	cfg, rest, log, code, ok := m.parse("eval", m.permute("eval", args, extra), extra)
	if !ok {
		return code
	}
	if len(rest) != 1 {
		fmt.Fprintln(m.Stderr, `leviathan eval: give one question file (JSON lines, "-" for stdin); usage: leviathan eval questions.jsonl`)
		return exitUsage
	}
	if k < 1 {
		fmt.Fprintf(m.Stderr, "leviathan eval: -k must be at least 1, not %d\n", k)
		return exitUsage
	}
	name := rest[0]
	var in io.Reader = m.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(m.Stderr, "leviathan eval: %v\n", err)
			return exitUsage
		}
		defer f.Close()
		in = f
	}
	qs, err := readEvalQuestions(in, name)
	if err != nil {
		return m.fail("eval", err)
	}
	lib, err := openLibrary(ctx, cfg, log, false, hooks{})
	if err != nil {
		return m.fail("eval", err)
	}
	eng, err := lib.answers.Engine(textID)
	if err != nil {
		return m.fail("eval", err)
	}
	mode := bot.ModeExtractive
	if eng.HasLLM() {
		mode = bot.ModeLLM
	}
	// Without --text, questions go where ask sends them, and a gold
	// phrase may be in any text.
	var runner evalRunner = routed{lib: lib.answers, textID: textID}
	passages := eng.Essay().Passages
	if textID == "" && len(lib.texts.Texts) > 1 {
		passages = nil
		for _, t := range lib.texts.Texts {
			passages = append(passages, t.Passages...)
		}
	}
	sum := newEvalSummary(name, mode, k)
	enc := json.NewEncoder(m.Stdout)
	enc.SetEscapeHTML(false)
	for _, q := range qs {
		r, err := evaluate(ctx, runner, passages, q, k)
		if err != nil {
			return m.fail("eval", fmt.Errorf("question %s (line %d): %w", q.idString(), q.line, err))
		}
		sum.add(q, r)
		if asJSON {
			if err := enc.Encode(r); err != nil {
				return m.fail("eval", fmt.Errorf("couldn't write JSON: %w", err))
			}
			continue
		}
		if why := failure(r, q.offTopic()); why != "" {
			fmt.Fprintf(m.Stdout, "✗ %s [%s/%s] %s: %s\n", q.idString(), q.Lang, q.group(), q.Question, why)
		}
	}
	sum.finish()
	if asJSON {
		if err := enc.Encode(sum); err != nil {
			return m.fail("eval", fmt.Errorf("couldn't write JSON: %w", err))
		}
		return exitOK
	}
	m.printEvalSummary(sum)
	return exitOK
}

func newEvalSummary(file string, mode bot.Mode, k int) *evalSummary {
	var sum evalSummary
	s := &sum.Summary
	s.File, s.Mode, s.K = file, mode, k
	s.All, s.ByLang, s.ByType = &evalCounts{}, map[string]*evalCounts{}, map[string]*evalCounts{}
	return &sum
}

// add counts a question's result overall, under its language and its type.
func (sum *evalSummary) add(q evalQuestion, r evalResult) {
	s := &sum.Summary
	for _, c := range []*evalCounts{s.All, group(s.ByLang, q.Lang), group(s.ByType, q.group())} {
		c.add(r, q.offTopic())
	}
}

func (sum *evalSummary) finish() {
	s := &sum.Summary
	s.All.finish()
	for _, c := range s.ByLang {
		c.finish()
	}
	for _, c := range s.ByType {
		c.finish()
	}
}

func group(m map[string]*evalCounts, key string) *evalCounts {
	c := m[key]
	if c == nil {
		c = &evalCounts{}
		m[key] = c
	}
	return c
}

// failure says what went wrong with a question, or "" if nothing did.
func failure(r evalResult, offTopic bool) string {
	if offTopic {
		if !r.Refused {
			return "off-topic but answered"
		}
		return ""
	}
	var why []string
	if r.Rank != nil && (*r.Rank == 0 || *r.Rank > 5) {
		why = append(why, "no gold passage in the top 5")
	}
	switch {
	case r.Refused:
		why = append(why, "refused")
	case !r.GoldInAnswer:
		why = append(why, "answer lacks a gold phrase")
	}
	return strings.Join(why, "; ")
}

// printEvalSummary prints the summary as a table: each figure as a rate
// with its count, "–" where it does not apply.
func (m *Main) printEvalSummary(sum *evalSummary) {
	s := sum.Summary
	fmt.Fprintf(m.Stdout, "\n%s: %d questions, mode %s, k %d\n", s.File, s.All.Questions, s.Mode, s.K)
	fmt.Fprintf(m.Stdout, "%-16s %4s  %-12s %-12s %-12s %-5s  %-12s %-10s %-12s\n",
		"", "n", "recall@1", "recall@3", "recall@5", "MRR", "answer-gold", "refused", "off-refused")
	row := func(name string, c *evalCounts) {
		cell := func(v *float64, n, d int) string {
			if v == nil {
				return "–"
			}
			return fmt.Sprintf("%.2f %d/%d", *v, n, d)
		}
		mrr := "–"
		if c.MRR != nil {
			mrr = fmt.Sprintf("%.2f", *c.MRR)
		}
		refused := "–"
		if c.OnTopic > 0 {
			refused = fmt.Sprintf("%d/%d", c.OnTopicRefused, c.OnTopic)
		}
		fmt.Fprintf(m.Stdout, "%-16s %4d  %-12s %-12s %-12s %-5s  %-12s %-10s %-12s\n", name, c.Questions,
			cell(c.Recall1, c.At1, c.Ranked), cell(c.Recall3, c.At3, c.Ranked), cell(c.Recall5, c.At5, c.Ranked), mrr,
			cell(c.AnswerRate, c.Answered, c.OnTopic), refused, cell(c.RefuseRate, c.OffRefused, c.OffTopic))
	}
	row("all", s.All)
	for _, l := range slices.Sorted(maps.Keys(s.ByLang)) {
		row("lang "+l, s.ByLang[l])
	}
	for _, t := range slices.Sorted(maps.Keys(s.ByType)) {
		row("type "+t, s.ByType[t])
	}
	fmt.Fprintln(m.Stdout, "\nrecall counts on-topic questions whose gold phrase is in some passage; refused: on-topic questions refused.")
}

var _ evalRunner = (*answer.Engine)(nil)
