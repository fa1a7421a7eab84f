package answer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"unicode"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// routeK is how many passages of the whole library the router weighs to
// choose a text (see bestText).
const routeK = 10

// routeMargin is the share of the best hit's score a hit needs to count
// for its text. Measured on the essay's questions in a library of the
// essay and XQuAD's 24 articles, and on XQuAD's questions there: summing
// every relevant hit of the ten (0) routes the essay's questions best
// (recall@5 0.72, XQuAD routed right 0.89 German / 0.60 English), the best
// hit alone (1) XQuAD's (0.94 / 0.65; the essay 0.64); 0.5 keeps most of
// both (0.70; 0.90 / 0.61).
const routeMargin = 0.5

// LibraryConfig configures a Library: the texts and their store, and what
// every text's Engine shares.
type LibraryConfig struct {
	// Texts in library order; the store must hold each of them.
	Texts []*content.Text
	Store *retrieval.Library
	// LLM, Logger, TopK and NoTranslate are as in Config.
	LLM         bot.LLM
	Logger      *slog.Logger
	TopK        int
	NoTranslate bool
	// Model configures each engine's model answers (see Config.Model).
	Model ModelOptions
}

// Library answers about a library of texts: one Engine per text, and a
// router that picks the text a question is about when the asker names
// none. It is safe for concurrent use.
type Library struct {
	texts   []*content.Text
	engines map[string]*Engine
	store   *retrieval.Library
	def     *content.Text
	log     *slog.Logger
}

// NewLibrary builds an Engine for every text.
func NewLibrary(cfg LibraryConfig) (*Library, error) {
	if len(cfg.Texts) == 0 || cfg.Store == nil {
		return nil, errors.New("bot: a library needs texts and their store")
	}
	l := &Library{texts: cfg.Texts, engines: map[string]*Engine{}, store: cfg.Store, log: cfg.Logger}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	for _, t := range cfg.Texts {
		ix, ok := cfg.Store.ForText(t.ID)
		if !ok {
			return nil, fmt.Errorf("bot: the store holds no text %q", t.ID)
		}
		e, err := New(Config{
			Essay: &t.Essay, Retriever: ix, LLM: cfg.LLM, Logger: cfg.Logger,
			TopK: cfg.TopK, NoTranslate: cfg.NoTranslate, Model: cfg.Model,
		})
		if err != nil {
			return nil, err
		}
		l.engines[t.ID] = e
	}
	l.def = DefaultText(cfg.Texts)
	return l, nil
}

// DefaultText is the text that answers when a question names none and
// none has evidence for it, and that /summary summarizes without a text:
// the only text, else the built-in essay, else the first.
func DefaultText(texts []*content.Text) *content.Text {
	for _, t := range texts {
		if t.ID == content.BuiltinID {
			return t
		}
	}
	return texts[0]
}

// Texts lists the library's texts in library order.
func (l *Library) Texts() []*content.Text { return l.texts }

// Default is the default text (see DefaultText).
func (l *Library) Default() *content.Text { return l.def }

// Engine returns the engine of one text; "" is the default text's.
func (l *Library) Engine(textID string) (*Engine, error) {
	t, err := l.text(textID)
	if err != nil {
		return nil, err
	}
	return l.engines[t.ID], nil
}

// text resolves a text ID ("" is the default text); an unknown ID is an
// InputError that lists the IDs there are.
func (l *Library) text(id string) (*content.Text, error) {
	id = strings.ToLower(strings.TrimSpace(id))
	if id == "" {
		return l.def, nil
	}
	for _, t := range l.texts {
		if t.ID == id {
			return t, nil
		}
	}
	ids := make([]string, len(l.texts))
	for i, t := range l.texts {
		ids[i] = t.ID
	}
	return nil, &bot.InputError{Msg: fmt.Sprintf("There is no text %q. The texts are: %s.", id, strings.Join(ids, ", "))}
}

// multi reports whether answers must name their text.
func (l *Library) multi() bool { return len(l.texts) > 1 }

// Ask answers a question about the text textID, or, when textID is empty,
// about the text whose passages have the best evidence for it (the
// default text when none has any: it refuses, saying what it is about).
func (l *Library) Ask(ctx context.Context, req bot.Request, textID string) (bot.Answer, error) {
	t, err := l.text(textID)
	if err != nil {
		return bot.Answer{}, err
	}
	if textID == "" && req.UpTo != "" {
		// Where a group has read to is a place in one text: the
		// question is about that text.
		if t, err = l.text(l.sectionText(req.UpTo)); err != nil {
			return bot.Answer{}, err
		}
	} else if textID == "" && l.multi() {
		if t, err = l.route(ctx, req); err != nil {
			return bot.Answer{}, err
		}
	}
	req.UpTo = l.upTo(t, req.UpTo)
	a, err := l.engines[t.ID].Ask(ctx, req)
	return l.withText(a, t), err
}

// withText marks an answer's citations with their text when the library has
// several (labels repeat across texts).
func (l *Library) withText(a bot.Answer, t *content.Text) bot.Answer {
	if l.multi() {
		for i := range a.Citations {
			a.Citations[i].TextID, a.Citations[i].TextTitle = t.ID, t.Title()
		}
	}
	return a
}

// route picks the text of the best relevant passage in the whole library.
// A follow-up ("und was meint er damit?") often has no evidence of its
// own; it is routed with the question before it.
func (l *Library) route(ctx context.Context, req bot.Request) (*content.Text, error) {
	q, _, err := CleanQuestion(req.Question)
	if err != nil {
		return nil, err
	}
	if t := l.named(q); t != nil {
		return t, nil
	}
	// A question about the whole text, its publication or a passage by
	// label ("Worum geht es?", "Wer ist der Autor?", "Was sagt ¶7?") has
	// no text of its own to find by its words: it is about the default
	// text unless it names another.
	u := Understand(q, req.History, &l.def.Essay)
	switch u.Intent {
	case IntentWhole, IntentMetadata, IntentPassage:
		return l.def, nil
	}
	hits, err := l.store.Search(ctx, q, routeK)
	if err != nil {
		return nil, fmt.Errorf("couldn't search the library: %w", err)
	}
	t := l.bestText(hits)
	// A follow-up ("und wer leitet es?") stays with the text of the
	// question before it, unless that text has nothing for it and another
	// one does ("und was ist DOGE?").
	if n := len(req.History); n > 0 && u.FollowUp {
		prev, err := l.store.Search(ctx, req.History[n-1].Question, routeK)
		if err != nil {
			return nil, fmt.Errorf("couldn't search the library: %w", err)
		}
		if pt := l.bestText(prev); pt != nil && (t == nil || hasRelevantIn(hits, pt.ID)) {
			return pt, nil
		}
	}
	if t != nil {
		return t, nil
	}
	return l.def, nil
}

// hasRelevantIn reports whether a relevant hit is from the text id.
func hasRelevantIn(hits []retrieval.Hit, id string) bool {
	for _, h := range hits {
		if h.Relevant && h.TextID == id {
			return true
		}
	}
	return false
}

// bestText is the text whose relevant hits (those scoring at least
// routeMargin of the best) weigh most: one passage of an unrelated article
// that happens to share the question's rarest word should not outweigh
// several of the text the question is about.
func (l *Library) bestText(hits []retrieval.Hit) *content.Text {
	top := 0.0
	for _, h := range hits {
		if h.Relevant {
			top = max(top, h.Score)
		}
	}
	weight := map[string]float64{}
	best := ""
	for _, h := range hits {
		if !h.Relevant || h.Score < routeMargin*top {
			continue
		}
		weight[h.TextID] += h.Score
		if best == "" || weight[h.TextID] > weight[best] {
			best = h.TextID
		}
	}
	if best == "" {
		return nil
	}
	t, err := l.text(best)
	if err != nil {
		return nil
	}
	l.log.Debug("question routed", "text", t.ID)
	return t
}

// named returns the text whose title (or ID) the question names, when
// exactly one is named: "Was sagt Ein kleines Buch über Zitate?".
func (l *Library) named(q string) *content.Text {
	lq := " " + wordsOf(q) + " "
	var found *content.Text
	for _, t := range l.texts {
		for _, name := range []string{t.Meta.Title, t.ID} {
			n := wordsOf(name)
			// A one-word name shorter than a real title ("essay",
			// "notiz") is too likely an ordinary word of a question.
			if len([]rune(n)) < 8 || !strings.Contains(lq, " "+n+" ") {
				continue
			}
			if found != nil && found != t {
				return nil
			}
			found = t
		}
	}
	return found
}

// wordsOf is s in lower case, its words separated by single spaces.
func wordsOf(s string) string {
	return strings.ToLower(strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	}), " "))
}

// Route returns the ID of the text a question goes to without --text
// (see Ask).
func (l *Library) Route(ctx context.Context, req bot.Request) (string, error) {
	if !l.multi() {
		return l.def.ID, nil
	}
	t, err := l.route(ctx, req)
	if err != nil {
		return "", err
	}
	return t.ID, nil
}

// Search returns the k passages that best match the query, in the text
// textID or, when it is empty, in the whole library.
func (l *Library) Search(ctx context.Context, query string, k int, textID string) ([]bot.Hit, error) {
	if textID != "" || !l.multi() {
		e, err := l.Engine(textID)
		if err != nil {
			return nil, err
		}
		hits, err := e.Search(ctx, query, k)
		if err != nil {
			return nil, err
		}
		t, _ := l.text(textID)
		for i := range hits {
			if t != nil {
				hits[i].TextID, hits[i].TextTitle = t.ID, t.Title()
			}
		}
		return hits, nil
	}
	q, _, err := CleanQuestion(query)
	if err != nil {
		return nil, err
	}
	hits, err := l.store.Search(ctx, q, k)
	if err != nil {
		return nil, fmt.Errorf("couldn't search the library: %w", err)
	}
	return toBotHits(hits), nil
}

// Quote returns up to n verbatim quotes on a topic from the text textID
// or, when it is empty, from the text the topic routes to.
func (l *Library) Quote(ctx context.Context, topic string, n int, textID string) ([]bot.Quote, error) {
	t, err := l.text(textID)
	if err != nil {
		return nil, err
	}
	if textID == "" && l.multi() && !content.LooksLikeLabel(topic) {
		if t, err = l.route(ctx, bot.Request{Question: topic}); err != nil {
			var ie *bot.InputError
			if errors.As(err, &ie) {
				return l.engines[l.def.ID].Quote(ctx, topic, n)
			}
			return nil, err
		}
	}
	qs, err := l.engines[t.ID].Quote(ctx, topic, n)
	if err != nil {
		return qs, err
	}
	if l.multi() {
		for i := range qs {
			qs[i].TextID, qs[i].TextTitle = t.ID, t.Title()
		}
	}
	return qs, nil
}

// Summary summarizes a section of the text textID, or the whole text; ""
// is the default text.
func (l *Library) Summary(ctx context.Context, section string, onText func(string), textID string) (bot.Answer, error) {
	t, err := l.text(textID)
	if err != nil {
		return bot.Answer{}, err
	}
	a, err := l.engines[t.ID].Summary(ctx, section, onText)
	return l.withText(a, t), err
}

// upTo is the limit a text's answers keep: a section the text has, or
// none when the text has no such section (the reading position is in
// another text).
func (l *Library) upTo(t *content.Text, section string) string {
	if h, _ := t.Section(section); h == "" {
		return ""
	}
	return section
}

// SummaryUpTo is Summary of the text as far as a group has read (see
// Engine.Limited); upTo "" is the whole text, and a text without that
// section is not limited.
func (l *Library) SummaryUpTo(ctx context.Context, section, upTo string, onText func(string), textID string) (bot.Answer, error) {
	if textID == "" && upTo != "" {
		textID = l.sectionText(upTo)
	}
	t, err := l.text(textID)
	if err != nil {
		return bot.Answer{}, err
	}
	e, err := l.engines[t.ID].Limited(l.upTo(t, upTo))
	if err != nil {
		return bot.Answer{}, err
	}
	a, err := e.Summary(ctx, section, onText)
	return l.withText(a, t), err
}

// QuoteUpTo is Quote from the text as far as a group has read: the text
// that has the section upTo when textID is empty.
func (l *Library) QuoteUpTo(ctx context.Context, topic string, n int, upTo, textID string) ([]bot.Quote, error) {
	if upTo == "" {
		return l.Quote(ctx, topic, n, textID)
	}
	if textID == "" {
		textID = l.sectionText(upTo)
	}
	t, err := l.text(textID)
	if err != nil {
		return nil, err
	}
	e, err := l.engines[t.ID].Limited(l.upTo(t, upTo))
	if err != nil {
		return nil, err
	}
	qs, err := e.Quote(ctx, topic, n)
	if l.multi() {
		for i := range qs {
			qs[i].TextID, qs[i].TextTitle = t.ID, t.Title()
		}
	}
	return qs, err
}

// Routed is the library seen as one engine, as the front ends take it:
// questions and quotes go to the text with the best evidence, summaries to
// the text that has the section named (the default text without one).
type Routed struct{ l *Library }

// Routed returns the library as one engine.
func (l *Library) Routed() Routed { return Routed{l} }

// Ask answers about the text req.TextID, or the text the question routes
// to.
func (r Routed) Ask(ctx context.Context, req bot.Request) (bot.Answer, error) {
	return r.l.Ask(ctx, req, req.TextID)
}

// SummaryOf summarizes a section of the text textID ("": as Summary).
func (r Routed) SummaryOf(ctx context.Context, textID, section string, onText func(string)) (bot.Answer, error) {
	if textID == "" {
		return r.Summary(ctx, section, onText)
	}
	return r.l.Summary(ctx, section, onText, textID)
}

// QuoteFrom quotes the text textID ("": the text the topic routes to).
func (r Routed) QuoteFrom(ctx context.Context, textID, topic string, n int) ([]bot.Quote, error) {
	return r.l.Quote(ctx, topic, n, textID)
}

// SummaryUpTo summarizes as SummaryOf does, from the text only as far as
// a group has read (upTo, a section; "" is the whole text).
func (r Routed) SummaryUpTo(ctx context.Context, textID, section, upTo string, onText func(string)) (bot.Answer, error) {
	if upTo == "" {
		return r.SummaryOf(ctx, textID, section, onText)
	}
	return r.l.SummaryUpTo(ctx, section, upTo, onText, textID)
}

// QuoteUpTo quotes as QuoteFrom does, from the text only as far as a
// group has read.
func (r Routed) QuoteUpTo(ctx context.Context, textID, topic string, n int, upTo string) ([]bot.Quote, error) {
	return r.l.QuoteUpTo(ctx, topic, n, upTo, textID)
}

// Texts lists the library's texts.
func (r Routed) Texts() []*content.Text { return r.l.Texts() }

// Summary summarizes a section of the text that has it, or the default
// text.
func (r Routed) Summary(ctx context.Context, section string, onText func(string)) (bot.Answer, error) {
	return r.l.Summary(ctx, section, onText, r.l.sectionText(section))
}

// Quote quotes the text the topic routes to.
func (r Routed) Quote(ctx context.Context, topic string, n int) ([]bot.Quote, error) {
	return r.l.Quote(ctx, topic, n, "")
}

// Essay is the default text: what help texts and section lists describe.
func (r Routed) Essay() *content.Essay { return &r.l.def.Essay }

// HasLLM reports whether answers come from a language model.
func (r Routed) HasLLM() bool { return r.l.engines[r.l.def.ID].HasLLM() }

// sectionText is the ID of the text that has a section of that name: the
// default text if it does, else the first that does; "" (the default
// text) when none does or no section is named.
func (l *Library) sectionText(section string) string {
	if strings.TrimSpace(section) == "" {
		return ""
	}
	if h, _ := l.def.Section(section); h != "" {
		return ""
	}
	for _, t := range l.texts {
		if h, _ := t.Section(section); h != "" {
			return t.ID
		}
	}
	return ""
}
