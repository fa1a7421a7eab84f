package discord

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/command"
)

// maxChain is how many earlier messages of a reply chain are read (as in
// llmcord, the chain is the conversation's memory; the bound keeps both the
// REST calls and the prompt small): a question and an answer for each of
// the engine's bot.MaxTurns.
const maxChain = 2 * bot.MaxTurns

// maxThreadTurns is how many turns a thread remembers.
const maxThreadTurns = bot.MaxTurns

var mentionRe = regexp.MustCompile(`<@[!&]?(\d+)>`)

// unreadableText answers a message addressed to the bot whose content
// Discord withheld: without the MESSAGE_CONTENT intent, a bot reads only
// messages that mention it as a user (a reply with the @ ping switched off,
// or a mention of the bot's role, arrives empty).
const unreadableText = "Ich kann deine Nachricht nicht lesen: Erwähne mich direkt (den Bot @Leviathan, nicht die Rolle) " +
	"oder lass beim Antworten die @-Erwähnung an. (I can't read this message: mention me, the bot user rather than its role, " +
	"or keep the @ ping on when you reply.)"

// onRawEvent learns the bot's managed role in each guild from the raw
// guild and role events: a user who picks "@Leviathan" from the role list
// instead of the member list mentions that role, and means the bot.
// discordgo v0.29 does not decode role tags, so the JSON is read here.
func (b *Bot) onRawEvent(_ *discordgo.Session, e *discordgo.Event) {
	type role struct {
		ID   string `json:"id"`
		Tags *struct {
			BotID string `json:"bot_id"`
		} `json:"tags"`
	}
	var roles []role
	guild := ""
	switch e.Type {
	case "GUILD_CREATE", "GUILD_UPDATE":
		var g struct {
			ID    string `json:"id"`
			Roles []role `json:"roles"`
		}
		if json.Unmarshal(e.RawData, &g) != nil {
			return
		}
		guild, roles = g.ID, g.Roles
	case "GUILD_ROLE_CREATE", "GUILD_ROLE_UPDATE":
		var r struct {
			GuildID string `json:"guild_id"`
			Role    role   `json:"role"`
		}
		if json.Unmarshal(e.RawData, &r) != nil {
			return
		}
		guild, roles = r.GuildID, []role{r.Role}
	case "GUILD_DELETE":
		var g struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(e.RawData, &g) == nil {
			b.mu.Lock()
			delete(b.selfRoles, g.ID)
			b.mu.Unlock()
		}
		return
	default:
		return
	}
	self := b.selfID()
	for _, r := range roles {
		if r.Tags != nil && r.Tags.BotID != "" && r.Tags.BotID == self {
			b.setState(func() { b.selfRoles[guild] = r.ID })
		}
	}
}

// selfRole is the bot's managed role in a guild ("" if unknown).
func (b *Bot) selfRole(guild string) string {
	if guild == "" {
		return ""
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.selfRoles[guild]
}

// onMessage answers mentions, replies to the bot's answers, messages in
// the bot's threads and (if allowed) DMs. Everything else, and every bot
// (the bot itself included), is ignored.
func (b *Bot) onMessage(_ *discordgo.Session, mc *discordgo.MessageCreate) {
	self := b.selfID()
	if ignored(mc.Message, self) {
		return
	}
	in := b.addressed(mc.Message, self)
	if in == nil {
		return
	}
	if !b.enter() {
		b.tellClosing(in)
		return
	}
	defer b.leave()
	b.handleMessage(in)
}

// ignoreRules are the messages the bot never answers, whoever they are
// addressed to.
var ignoreRules = []struct {
	why    string
	ignore func(m *discordgo.Message, self string) bool
}{
	{"no author", func(m *discordgo.Message, _ string) bool { return m == nil || m.Author == nil }},
	{"the bot does not know itself yet (before READY)", func(_ *discordgo.Message, self string) bool { return self == "" }},
	{"a bot wrote it", func(m *discordgo.Message, _ string) bool { return m.Author.Bot }},
	{"the bot wrote it", func(m *discordgo.Message, self string) bool { return m.Author.ID == self }},
	// System messages carry the user who caused them as author: a
	// thread's rename (CHANNEL_NAME_CHANGE, the new name as content),
	// someone added to a thread (RECIPIENT_ADD, mentioning the bot when a
	// mention added it), a pin. None of them is a question.
	{"a system message", func(m *discordgo.Message, _ string) bool {
		return m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply
	}},
}

// ignored reports whether m is one of ignoreRules. The rules run in order:
// later ones may rely on earlier ones (an author exists).
func ignored(m *discordgo.Message, self string) bool {
	for _, r := range ignoreRules {
		if r.ignore(m, self) {
			return true
		}
	}
	return false
}

// incoming is a message addressed to the bot, with what the answer needs
// to know about it.
type incoming struct {
	m          *discordgo.Message
	self, role string // the bot's user ID and its managed role here
	dm         bool
	thread     *threadConv // the bot's thread the message is in, or nil
	// userMention: the bot is mentioned as a user; mentioned: as a user
	// or by its role; replyToBot: the message replies to the bot.
	userMention, mentioned, replyToBot bool
	who                                asker
	reply                              *messageTarget // a reply to the message
}

// addressed returns m as an incoming message if it is for the bot: a DM,
// in one of the bot's threads, mentioning the bot, or replying to it; nil
// otherwise.
func (b *Bot) addressed(m *discordgo.Message, self string) *incoming {
	in := &incoming{m: m, self: self, dm: m.GuildID == "", role: b.selfRole(m.GuildID)}
	in.thread = b.threadOf(m.ChannelID, self, in.dm)
	in.userMention, in.mentioned = mentions(m, self, in.role)
	in.replyToBot = m.ReferencedMessage != nil && m.ReferencedMessage.Author != nil && m.ReferencedMessage.Author.ID == self
	if !in.dm && in.thread == nil && !in.mentioned && !in.replyToBot {
		return nil
	}
	in.reply = &messageTarget{s: b.s, tb: b.buckets, channel: m.ChannelID,
		replyTo: &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID}}
	var roles []string
	if m.Member != nil {
		roles = m.Member.Roles
	}
	in.who = asker{userID: m.Author.ID, roles: roles, channelID: m.ChannelID, dm: in.dm}
	return in
}

// threadOf returns the bot's thread channel is, or nil.
func (b *Bot) threadOf(channel, self string, dm bool) *threadConv {
	if th := b.threads.get(channel); th != nil || dm || !b.cfg.Threads {
		return th
	}
	if b.ownThread(channel, self) {
		// A thread the bot opened before a restart (or one the memory's
		// bound forgot): still the bot's, and its people expect answers.
		return b.threads.adopt(channel)
	}
	return nil
}

// mentions reports whether m mentions the bot as a user, and whether it
// mentions it at all (as a user, or by its managed role).
func mentions(m *discordgo.Message, self, role string) (user, any bool) {
	for _, u := range m.Mentions {
		user = user || u.ID == self
	}
	return user, user || role != "" && slices.Contains(m.MentionRoles, role)
}

// kind names the question for metrics: a follow-up in a conversation, or
// a new mention.
func (in *incoming) kind() string {
	if in.replyToBot || in.thread != nil {
		return "followup"
	}
	return "mention"
}

// tellClosing answers a question that came during shutdown: it is not
// taken, but its asker hears so (as with a slash command), where the bot
// speaks at all.
func (b *Bot) tellClosing(in *incoming) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(b.work), b.cfg.HTTPTimeout)
	defer cancel()
	text := restartingText
	if no := b.admit(ctx, in.who, true); no != nil {
		text = no.text
	}
	if text != "" {
		b.say(ctx, in.reply, text)
	}
}

// handleMessage takes a message addressed to the bot: the access rules,
// then what needs no engine (an empty message, help, a refusal), then the
// answer, in the conversation the message belongs to.
func (b *Bot) handleMessage(in *incoming) {
	start := time.Now()
	ctx := b.work
	kind := in.kind()
	if no := b.admit(ctx, in.who, true); no != nil {
		if no.text != "" {
			b.say(ctx, in.reply, no.text)
		}
		b.metrics.Question(kind, no.outcome, time.Since(start))
		return
	}
	text := strings.TrimSpace(stripMention(in.m.Content, in.self, in.role))
	if text == "" {
		b.onEmptyMessage(ctx, in, kind, start)
		return
	}
	cmd := command.Parse(text)
	if cmd.Name == command.Ask || cmd.Name == command.Summary || cmd.Name == command.Quote {
		cmd.Text = b.channelText(ctx, in.m.ChannelID)
		cmd.UpTo = b.readingOf(ctx, in.m.ChannelID)
	}
	if b.answeredWithoutEngine(ctx, in, kind, cmd, start) {
		return
	}
	t, history, remember := b.conversation(ctx, in, cmd)
	b.answer(ctx, t, kind, cmd, history, start, remember)
}

// onEmptyMessage answers a message with no text left once the mention is
// removed.
func (b *Bot) onEmptyMessage(ctx context.Context, in *incoming, kind string, start time.Time) {
	switch {
	case !in.dm && !in.userMention && !b.cfg.MessageContent:
		// Discord withheld the content (see unreadableText): say how to be
		// heard rather than ignore someone talking to the bot.
		b.log.Info("a message to the bot arrived without content (no MESSAGE_CONTENT intent); told the user to mention the bot",
			"channel", in.m.ChannelID, "role_mention", in.mentioned)
		b.say(ctx, in.reply, unreadableText)
		b.metrics.Question(kind, command.OutcomeRejected, time.Since(start))
	case in.mentioned || in.dm: // "@Leviathan" alone
		b.say(ctx, in.reply, b.h.HelpReply().Body())
		b.metrics.Question(command.Help, command.OutcomeOK, time.Since(start))
	default: // readable but empty: an image or a sticker in a thread
		b.log.Debug("message without text to answer", "channel", in.m.ChannelID)
	}
}

// answeredWithoutEngine replies to what needs no engine, and reports
// whether it did: help (and the console's /quit and /reset, which mean
// nothing here), a question the handler refuses, one over the user's
// allowance.
func (b *Bot) answeredWithoutEngine(ctx context.Context, in *incoming, kind string, cmd command.Command, start time.Time) bool {
	switch cmd.Name {
	case command.Help, command.Quit, command.Reset:
		b.say(ctx, in.reply, b.h.HelpFor(cmd).Body())
		b.metrics.Question(command.Help, command.OutcomeOK, time.Since(start))
		return true
	}
	if err := b.h.Check(cmd); err != nil {
		b.say(ctx, in.reply, err.Error())
		b.metrics.Question(kind, command.OutcomeRejected, time.Since(start))
		return true
	}
	if wait := b.takeAllowance(in.m.Author.ID, cmd); wait > 0 {
		b.say(ctx, in.reply, cooldownText(wait))
		b.metrics.Question(kind, "cooldown", time.Since(start))
		return true
	}
	return false
}

// conversation finds where the answer goes and what it continues: a
// thread's memory (read back if the thread was adopted), a reply chain, or
// a new thread opened for a mention (when threads are on, and not already
// inside one). remember, if set, keeps the answer in the thread's memory.
// Only /ask has a history.
func (b *Bot) conversation(ctx context.Context, in *incoming, cmd command.Command) (t target, history []bot.Turn, remember func(command.Reply)) {
	m, thread := in.m, in.thread
	t = in.reply
	switch {
	case thread != nil:
		history = thread.turnsOr(func() []bot.Turn { return b.threadHistory(ctx, m, in.self) })
	case in.replyToBot:
		history = b.chain(ctx, m, in.self)
	case b.cfg.Threads && !in.dm && b.parentOf(ctx, m.ChannelID) == "": // no threads inside threads
		if th := b.openThread(ctx, m, cmd.Arg); th != "" {
			thread = b.threads.add(th)
			b.mu.Lock()
			b.parents[th] = m.ChannelID
			b.mu.Unlock()
			t = &messageTarget{s: b.s, tb: b.buckets, channel: th}
		}
	}
	if thread != nil && t == in.reply && m.ChannelID == thread.id {
		t = &messageTarget{s: b.s, tb: b.buckets, channel: thread.id} // in a thread, answers need no reply marker
	}
	if cmd.Name != command.Ask {
		history = nil
	}
	if thread != nil && cmd.Name == command.Ask {
		remember = func(r command.Reply) {
			if r.Answer {
				thread.remember(bot.Turn{Question: r.Question, Answer: r.AnswerText})
			}
		}
	}
	return t, history, remember
}

// say sends a short reply, logging (not returning) a failure.
func (b *Bot) say(ctx context.Context, t target, text string) {
	for i, part := range command.Split(command.Sanitize(text), command.MessageLimit) {
		send := t.next
		if i == 0 {
			send = t.first
		}
		if err := send(ctx, part, nil); err != nil {
			b.log.Error("couldn't send a reply", "err", err)
			return
		}
	}
}

// stripMention removes mentions of the bot (as a user, or of its managed
// role if role is set) from a message.
func stripMention(s, self, role string) string {
	return mentionRe.ReplaceAllStringFunc(s, func(m string) string {
		id := mentionRe.FindStringSubmatch(m)[1]
		isRole := strings.HasPrefix(m, "<@&")
		if !isRole && id == self || isRole && role != "" && id == role {
			return ""
		}
		return m
	})
}

// chain reads the reply chain above m, oldest first, as conversation turns:
// each of the bot's messages answers the user message before it. Messages
// Discord did not include are fetched, up to maxChain; a message that cannot
// be fetched ends the chain (the question is still answered).
func (b *Bot) chain(ctx context.Context, m *discordgo.Message, self string) []bot.Turn {
	var msgs []*discordgo.Message // newest first
	ref, cur := m.MessageReference, m.ReferencedMessage
	for len(msgs) < maxChain && ref != nil {
		if cur == nil {
			ch := ref.ChannelID
			if ch == "" {
				ch = m.ChannelID
			}
			got, err := b.buckets.message(ctx, b.s, ch, ref.MessageID)
			if err != nil {
				b.log.Warn("couldn't fetch a message of the reply chain", "message", ref.MessageID, "err", err)
				break
			}
			cur = got
		}
		msgs = append(msgs, cur)
		ref, cur = cur.MessageReference, cur.ReferencedMessage
	}
	var turns []bot.Turn
	question := ""
	for i := len(msgs) - 1; i >= 0; i-- {
		msg := msgs[i]
		if msg.Author != nil && msg.Author.ID == self {
			turns = append(turns, bot.Turn{Question: question, Answer: command.StripSources(msg.Content)})
			question = ""
			continue
		}
		question = strings.TrimSpace(stripMention(msg.Content, self, b.selfRole(m.GuildID)))
	}
	return turns
}

// openThread starts a thread on the question's message and returns its ID
// ("" if that failed: the answer then goes to the channel as a reply).
func (b *Bot) openThread(ctx context.Context, m *discordgo.Message, question string) string {
	name := strings.Join(strings.Fields(question), " ")
	if name == "" {
		name = "Leviathan"
	}
	th, err := b.buckets.startThread(ctx, b.s, m.ChannelID, m.ID, &discordgo.ThreadStart{
		Name: clip(name, 100), AutoArchiveDuration: 1440,
	})
	if err != nil {
		b.log.Warn("couldn't open a thread; answering in the channel", "channel", m.ChannelID, "err", err)
		return ""
	}
	return th.ID
}

// threadHistoryLimit is how many messages of a thread are read back when
// the bot adopts it: enough for maxThreadTurns turns of answers split into
// a few messages each, and one REST call.
const threadHistoryLimit = 50

// ownThread reports whether channel id is a thread the bot opened, by
// Discord's state cache (filled from GUILD_CREATE's active threads and from
// THREAD_CREATE and THREAD_UPDATE, which also come when a message revives
// an archived thread). Only the cache is asked, never REST: every message
// in every channel the bot sees passes here.
func (b *Bot) ownThread(id, self string) bool {
	c, err := b.s.State.Channel(id)
	return err == nil && c.IsThread() && c.OwnerID == self
}

// threadHistory reads the conversation of the thread m is in back from
// Discord, oldest first, for a thread the bot adopted: the question the
// thread was opened on (its starter message in the parent channel, or else
// the thread's name, which is that question clipped), then every run of the
// bot's messages (an answer split into parts) that ends in the feedback
// buttons answers the user message before it; a run without them is a note
// (help, cooldown, restart) and answers nothing. Other bots' messages,
// messages without text and system messages (the thread's starter marker, a
// rename) are skipped, and so are answers to slash commands. A failure
// costs the context, not the answer.
func (b *Bot) threadHistory(ctx context.Context, m *discordgo.Message, self string) []bot.Turn {
	msgs, err := b.buckets.messagesBefore(ctx, b.s, m.ChannelID, threadHistoryLimit, m.ID)
	if err != nil {
		b.log.Warn("couldn't read a thread's history; answering without it", "thread", m.ChannelID, "err", err)
		return nil
	}
	role := b.selfRole(m.GuildID)
	question := ""
	if len(msgs) < threadHistoryLimit { // the thread's start is among them
		if c, err := b.s.State.Channel(m.ChannelID); err == nil {
			question = c.Name
			if starter, err := b.buckets.message(ctx, b.s, c.ParentID, c.ID); err == nil && starter.Content != "" {
				question = strings.TrimSpace(stripMention(starter.Content, self, role))
			}
		}
	}
	var turns []bot.Turn
	var answer []string
	answered := false // the run of the bot's messages ends in an answer
	flush := func() {
		if len(answer) > 0 {
			if answered {
				turns = append(turns, bot.Turn{Question: question, Answer: command.StripSources(strings.Join(answer, "\n"))})
			}
			question, answer, answered = "", nil, false
		}
	}
	for i := len(msgs) - 1; i >= 0; i-- { // Discord lists newest first
		msg := msgs[i]
		switch {
		case msg.Author == nil:
		case msg.Type != discordgo.MessageTypeDefault && msg.Type != discordgo.MessageTypeReply:
			// A rename, a pin, the thread's starter marker, the answer to
			// a slash command: no part of the conversation.
		case msg.Author.ID == self:
			answer = append(answer, msg.Content)
			// Answers carry the feedback buttons on their last part; the
			// bot's notes (help, cooldown, restart, refusals) do not and
			// answer nothing, as the thread's memory in one run keeps
			// answers only.
			answered = hasFeedback(msg)
		case msg.Author.Bot || strings.TrimSpace(msg.Content) == "":
		default:
			flush()
			question = strings.TrimSpace(stripMention(msg.Content, self, role))
		}
	}
	flush()
	b.log.Info("adopted a thread the bot opened earlier", "thread", m.ChannelID, "messages", len(msgs), "turns", len(turns))
	return turns
}

// hasFeedback reports whether m carries the feedback buttons of an answer.
func hasFeedback(m *discordgo.Message) bool {
	for _, row := range m.Components {
		ar, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range ar.Components {
			if b, ok := c.(*discordgo.Button); ok && strings.HasPrefix(b.CustomID, feedbackPrefix) {
				return true
			}
		}
	}
	return false
}

// threadMemory remembers the bot's threads and their conversations, up to
// a number of threads (the oldest is forgotten first). It lives in memory;
// after a restart, the bot recognizes its threads by their owner and reads
// their conversations back (see ownThread and threadHistory).
type threadMemory struct {
	mu    sync.Mutex
	max   int
	order []string
	byID  map[string]*threadConv
}

type threadConv struct {
	id   string
	mu   sync.Mutex
	hist []bot.Turn
	// loaded is false for an adopted thread until its history has been
	// read back from Discord.
	loaded bool
}

func newThreadMemory(n int) *threadMemory {
	return &threadMemory{max: n, byID: map[string]*threadConv{}}
}

func (tm *threadMemory) get(id string) *threadConv {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.byID[id]
}

// add remembers a thread the bot has just opened: its history is empty.
func (tm *threadMemory) add(id string) *threadConv { return tm.put(id, true) }

// adopt remembers a thread the bot opened earlier: its history is read
// back on first use (see turnsOr).
func (tm *threadMemory) adopt(id string) *threadConv { return tm.put(id, false) }

func (tm *threadMemory) put(id string, loaded bool) *threadConv {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	if c, ok := tm.byID[id]; ok {
		return c
	}
	if len(tm.order) >= tm.max {
		delete(tm.byID, tm.order[0])
		tm.order = tm.order[1:]
	}
	c := &threadConv{id: id, loaded: loaded}
	tm.byID[id] = c
	tm.order = append(tm.order, id)
	return c
}

// turnsOr returns the thread's turns, first filling them with load if the
// thread was adopted and has not been loaded yet. load runs once, under the
// thread's lock, so that two messages arriving together read the history
// once and both see it.
func (c *threadConv) turnsOr(load func() []bot.Turn) []bot.Turn {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loaded {
		c.loaded = true
		c.hist = append(load(), c.hist...)
		if len(c.hist) > maxThreadTurns {
			c.hist = c.hist[len(c.hist)-maxThreadTurns:]
		}
	}
	return append([]bot.Turn(nil), c.hist...)
}

func (c *threadConv) remember(t bot.Turn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hist = append(c.hist, t)
	if len(c.hist) > maxThreadTurns {
		c.hist = c.hist[len(c.hist)-maxThreadTurns:]
	}
}
