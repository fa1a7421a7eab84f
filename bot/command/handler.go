package command

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
)

// Engine is what the front ends need from the answering engine; *answer.Engine
// implements it, tests pass fakes.
type Engine interface {
	Ask(ctx context.Context, req bot.Request) (bot.Answer, error)
	Summary(ctx context.Context, section string, onText func(textSoFar string)) (bot.Answer, error)
	Quote(ctx context.Context, topic string, n int) ([]bot.Quote, error)
	Essay() *content.Essay
}

// Library is what an Engine over several texts adds so that askers can
// choose one; answer.Routed implements it. Ask needs nothing more: the
// text travels in bot.Request.TextID. An Engine without these methods is
// one text, and naming a text is refused.
type Library interface {
	Texts() []*content.Text
	SummaryOf(ctx context.Context, textID, section string, onText func(string)) (bot.Answer, error)
	QuoteFrom(ctx context.Context, textID, topic string, n int) ([]bot.Quote, error)
}

// Reading is what an Engine adds so that summaries and quotes keep to
// where a group has read (Command.UpTo); answer.Routed implements it. Ask
// needs nothing more: the limit travels in bot.Request.UpTo. Without it,
// a limit is refused rather than ignored.
type Reading interface {
	SummaryUpTo(ctx context.Context, textID, section, upTo string, onText func(string)) (bot.Answer, error)
	QuoteUpTo(ctx context.Context, textID, topic string, n int, upTo string) ([]bot.Quote, error)
}

// Outcomes of a request, as metrics count them.
const (
	OutcomeOK         = "ok"
	OutcomeFallback   = "fallback"
	OutcomeNotCovered = "not_covered"
	OutcomeRejected   = "rejected"
	OutcomeError      = "error"
)

// Source is one cited passage as the source list shows it.
type Source struct {
	N       int
	Label   string
	Section string
	Excerpt string
}

// Reply is what a front end shows for one request.
type Reply struct {
	// Command is the command that produced the reply.
	Command string
	// Text is the body: the answer with [n] citations, the quotes, the help.
	// It is not yet sanitised or split; Messages does both.
	Text string
	// Notice is a one-line remark shown above the text (fallback, cut question).
	Notice string
	// Sources lists the passages Text cites, by number.
	Sources []Source
	// Ephemeral replies are meant for the asker only (help, errors).
	Ephemeral bool
	// Answer marks replies that get 👍/👎 buttons.
	Answer bool
	// Outcome is one of the Outcome constants; Fallback names why an LLM
	// answer fell back (for metrics).
	Outcome  string
	Fallback string
	Usage    *bot.Usage
	// Question is the cleaned question (Ask) so a conversation can keep it.
	Question string
	// AnswerText is the engine's answer text alone, for the history of a
	// conversation.
	AnswerText string
	// Err is the internal error behind an OutcomeError reply, for the log.
	// Users only ever see Text.
	Err error
}

// Options configure a Handler.
type Options struct {
	// MaxQuestion is the longest question accepted, in characters. Zero,
	// or more than the engine works with (bot.MaxQuestionRunes), is the
	// engine's limit: a longer question would pass here only to be cut.
	MaxQuestion int
	// Quotes is how many quotes /quote shows for a topic (default 3).
	Quotes int
	Logger *slog.Logger
}

// Handler runs commands against an engine. It is safe for concurrent use.
type Handler struct {
	eng  Engine
	lib  Library // nil when eng is one text
	opts Options
	log  *slog.Logger
}

// NewHandler returns a Handler over eng.
func NewHandler(eng Engine, opts Options) *Handler {
	if opts.Quotes <= 0 {
		opts.Quotes = 3
	}
	if opts.MaxQuestion <= 0 || opts.MaxQuestion > bot.MaxQuestionRunes {
		opts.MaxQuestion = bot.MaxQuestionRunes
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	lib, _ := eng.(Library)
	return &Handler{eng: eng, lib: lib, opts: opts, log: log}
}

// Essay returns the essay the engine answers about (for autocomplete).
func (h *Handler) Essay() *content.Essay { return h.eng.Essay() }

// Texts lists the library's texts; nil when the engine is one text.
func (h *Handler) Texts() []*content.Text {
	if h.lib == nil {
		return nil
	}
	return h.lib.Texts()
}

// EssayOf is the essay of the text id; "" (or an ID the library does
// not hold) is the default text.
func (h *Handler) EssayOf(id string) *content.Essay {
	for _, t := range h.Texts() {
		if id != "" && t.ID == id {
			return &t.Essay
		}
	}
	return h.eng.Essay()
}

// CheckText rejects a text ID the library does not hold ("" is always
// fine: the library chooses). The message lists the texts there are.
func (h *Handler) CheckText(id string) error {
	if id == "" {
		return nil
	}
	var list []string
	for _, t := range h.Texts() {
		if t.ID == id {
			return nil
		}
		list = append(list, fmt.Sprintf("`%s` (%s)", t.ID, t.Title()))
	}
	if len(list) == 0 {
		return &bot.InputError{Msg: "Hier gibt es nur einen Text; lass die Textwahl weg. " +
			"(There is only one text here; leave the text out.)"}
	}
	return &bot.InputError{Msg: fmt.Sprintf("Einen Text „%s“ gibt es nicht. Die Texte sind: %s. "+
		"(There is no such text; pick one of those above.)", Excerpt(id, 40), strings.Join(list, ", "))}
}

// errNoReading is a limit on what was read given to an engine that
// cannot keep to one: an internal error, never silently ignored.
var errNoReading = errors.New("the engine cannot limit summaries and quotes to a reading position")

// Apology is what users see when something failed inside.
const Apology = "Entschuldigung, da ist bei mir etwas schiefgegangen. Bitte versuch es gleich noch einmal. " +
	"(Sorry, something went wrong on my side. Please try again in a moment.)"

// Handle runs cmd. history holds the earlier turns of the conversation
// (Ask only); onText, if set, receives the answer text so far while a
// language model streams it. Handle never returns an error: failures become
// a Reply with a short message for the user and the detail in Err.
func (h *Handler) Handle(ctx context.Context, cmd Command, history []bot.Turn, onText func(string)) Reply {
	switch cmd.Name {
	case Ask:
		return h.ask(ctx, cmd.Arg, cmd.Text, cmd.UpTo, history, onText)
	case Summary:
		return h.summary(ctx, cmd.Arg, cmd.Text, cmd.UpTo, onText)
	case Quote:
		return h.quote(ctx, cmd.Arg, cmd.Text, cmd.UpTo)
	default:
		return h.HelpFor(cmd)
	}
}

// CheckQuestion rejects a question the engine should not see: empty, or
// longer than the limit. The message is for the user.
func (h *Handler) CheckQuestion(q string) error {
	q = strings.TrimSpace(q)
	if q == "" {
		return &bot.InputError{Msg: "Bitte stell eine Frage, zum Beispiel `/ask Was ist DOGE?` " +
			"(Please ask a question, for example `/ask What is technofeudalism?`)"}
	}
	if n := utf8.RuneCountInString(q); n > h.opts.MaxQuestion {
		return &bot.InputError{Msg: fmt.Sprintf("Die Frage ist zu lang (%d Zeichen, höchstens %d). "+
			"(Your question is too long: %d characters, at most %d.)", n, h.opts.MaxQuestion, n, h.opts.MaxQuestion)}
	}
	return nil
}

// Check rejects what can be rejected without the engine: an empty or too
// long question, a /summary section that does not exist, a /quote without
// a topic or with a passage label that does not exist. Front ends call it
// before they acknowledge a request, so that such a reply can go to the
// asker alone (on Discord, a deferred public answer cannot become
// ephemeral); Handle calls it too. The message is for the user, in German
// and English.
func (h *Handler) Check(cmd Command) error {
	if cmd.Name == Ask || cmd.Name == Summary || cmd.Name == Quote {
		if err := h.CheckText(cmd.Text); err != nil {
			return err
		}
	}
	switch cmd.Name {
	case Ask:
		return h.CheckQuestion(cmd.Arg)
	case Summary:
		return h.checkSection(cmd.Arg, cmd.Text)
	case Quote:
		return h.checkTopic(cmd.Arg, cmd.Text)
	}
	return nil
}

// Sections lists the headings /summary accepts: the essay's sections
// without the notes, which are quoted, not summarized.
func (h *Handler) Sections() []string {
	return h.eng.Essay().BodySections()
}

func (h *Handler) checkSection(section, textID string) error {
	section = strings.TrimSpace(section)
	if section == "" {
		return nil // the whole essay
	}
	if textID == "" && h.lib != nil {
		// Without a chosen text, the library takes the section from
		// whichever text has it (answer.Routed.Summary).
		for _, t := range h.lib.Texts() {
			if heading, _ := t.Section(section); heading != "" && heading != content.NotesSection {
				return nil
			}
		}
	}
	essay := h.EssayOf(textID)
	heading, _ := essay.Section(section)
	if heading != "" && heading != content.NotesSection {
		return nil
	}
	list := "„" + strings.Join(essay.BodySections(), "“, „") + "“"
	if heading == content.NotesSection {
		return &bot.InputError{Msg: fmt.Sprintf("Die Anmerkungen fasse ich nicht zusammen, zitiere sie aber gern (`/quote Fn1`). "+
			"Die Abschnitte sind: %s. (I don't summarize the notes, but I quote them; the sections are listed above.)", list)}
	}
	return &bot.InputError{Msg: fmt.Sprintf("Einen Abschnitt „%s“ gibt es nicht. Die Abschnitte sind: %s – oder lass ihn weg für den ganzen Text („%s“). "+
		"(There is no such section; pick one of those above, or leave it out for the whole text.)", Excerpt(section, 60), list, Excerpt(essay.Meta.Title, 60))}
}

func (h *Handler) checkTopic(topic, textID string) error {
	topic = strings.TrimSpace(topic)
	if topic == "" {
		return &bot.InputError{Msg: "Wozu soll ich zitieren? Zum Beispiel `/quote DOGE` oder `/quote ¶12`. " +
			"(What should I quote? For example `/quote Libra` or `/quote ¶12`.)"}
	}
	essay := h.EssayOf(textID)
	if !content.LooksLikeLabel(topic) {
		return nil
	}
	if _, ok := essay.Lookup(topic); ok {
		return nil
	}
	return &bot.InputError{Msg: fmt.Sprintf("Eine Stelle „%s“ gibt es nicht; die Stellen heißen %s. "+
		"(There is no passage by that label; the labels are listed above.)", Excerpt(topic, 20), essay.LabelRange())}
}

func (h *Handler) ask(ctx context.Context, q, textID, upTo string, history []bot.Turn, onText func(string)) Reply {
	if err := h.Check(Command{Name: Ask, Arg: q, Text: textID}); err != nil {
		return h.failed(Ask, err)
	}
	a, err := h.eng.Ask(ctx, bot.Request{Question: strings.TrimSpace(q), History: history, OnText: onText, TextID: textID, UpTo: upTo})
	if err != nil {
		return h.failed(Ask, err)
	}
	return answerReply(Ask, a)
}

func (h *Handler) summary(ctx context.Context, section, textID, upTo string, onText func(string)) Reply {
	if err := h.Check(Command{Name: Summary, Arg: section, Text: textID}); err != nil {
		return h.failed(Summary, err)
	}
	var a bot.Answer
	var err error
	r, reading := h.eng.(Reading)
	switch {
	case upTo != "" && !reading:
		err = errNoReading
	case upTo != "":
		a, err = r.SummaryUpTo(ctx, textID, strings.TrimSpace(section), upTo, onText)
	case textID != "": // CheckText made sure h.lib holds it
		a, err = h.lib.SummaryOf(ctx, textID, strings.TrimSpace(section), onText)
	default:
		a, err = h.eng.Summary(ctx, strings.TrimSpace(section), onText)
	}
	if err != nil {
		return h.failed(Summary, err)
	}
	return answerReply(Summary, a)
}

func (h *Handler) quote(ctx context.Context, topic, textID, upTo string) Reply {
	topic = strings.TrimSpace(topic)
	if err := h.Check(Command{Name: Quote, Arg: topic, Text: textID}); err != nil {
		return h.failed(Quote, err)
	}
	var qs []bot.Quote
	var err error
	rd, reading := h.eng.(Reading)
	switch {
	case upTo != "" && !reading:
		err = errNoReading
	case upTo != "":
		qs, err = rd.QuoteUpTo(ctx, textID, topic, h.opts.Quotes, upTo)
	case textID != "":
		qs, err = h.lib.QuoteFrom(ctx, textID, topic, h.opts.Quotes)
	default:
		qs, err = h.eng.Quote(ctx, topic, h.opts.Quotes)
	}
	if err != nil {
		return h.failed(Quote, err)
	}
	r := Reply{Command: Quote, Outcome: OutcomeOK, Sources: []Source{}}
	if len(qs) == 0 {
		r.Outcome = OutcomeNotCovered
		title := h.EssayOf(textID).Meta.Title
		r.Text = fmt.Sprintf("Zu „%s“ finde ich keine Stelle in „%s“. (Nothing in the text on that.)", topic, title)
		return r
	}
	var b strings.Builder
	for i, q := range qs {
		if i > 0 {
			b.WriteString("\n\n")
		}
		fmt.Fprintf(&b, "**%s** · %s\n", q.Passage.Label, q.Passage.Section)
		for j, line := range strings.Split(strings.TrimSpace(q.Text), "\n") {
			if j > 0 {
				b.WriteByte('\n')
			}
			b.WriteString("> " + line)
		}
	}
	r.Text = b.String()
	return r
}

func answerReply(cmd string, a bot.Answer) Reply {
	r := Reply{
		Command: cmd, Text: a.Text, Notice: a.Notice, Answer: true, Outcome: OutcomeOK,
		Fallback: a.Fallback, Usage: a.Usage, Question: a.Question, AnswerText: a.Text,
		Sources: make([]Source, 0, len(a.Citations)),
	}
	switch {
	case a.Fallback != "":
		r.Outcome = OutcomeFallback
	case !a.Covered:
		r.Outcome = OutcomeNotCovered
	}
	for _, c := range a.Citations {
		// The source line quotes what the answer rests on: the evidence
		// sentences, else the passage's start.
		shown := c.Text
		if len(c.Evidence) > 0 {
			shown = strings.Join(c.Evidence, " … ")
		}
		label := c.Label
		if c.TextID != "" { // labels are unique only within a text
			label = c.TextID + " " + label
		}
		r.Sources = append(r.Sources, Source{N: c.N, Label: label, Section: c.Section, Excerpt: Excerpt(shown, 90)})
	}
	return r
}

// failed turns an error into a reply: an *bot.InputError's message is shown
// as it is, anything else as an apology (the detail stays in Err).
func (h *Handler) failed(cmd string, err error) Reply {
	var in *bot.InputError
	if errors.As(err, &in) {
		return Reply{Command: cmd, Text: in.Msg, Ephemeral: true, Outcome: OutcomeRejected}
	}
	return ErrorReply(cmd, err)
}

// ErrorReply is the reply for an internal failure.
func ErrorReply(cmd string, err error) Reply {
	return Reply{Command: cmd, Text: Apology, Ephemeral: true, Outcome: OutcomeError, Err: err}
}
