package discord

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/command"
)

// maxChain is how many earlier messages of a reply chain are read (as in
// llmcord, the chain is the conversation's memory; the bound keeps both the
// REST calls and the prompt small).
const maxChain = 8

// maxThreadTurns is how many turns a thread remembers.
const maxThreadTurns = 6

var mentionRe = regexp.MustCompile(`<@!?(\d+)>`)

// onMessage answers mentions, replies to the bot's answers, messages in
// the bot's threads and (if allowed) DMs. Everything else, and every bot
// (the bot itself included), is ignored.
func (b *Bot) onMessage(_ *discordgo.Session, mc *discordgo.MessageCreate) {
	m := mc.Message
	self := b.selfID()
	if m == nil || m.Author == nil || m.Author.Bot || m.Author.ID == self || self == "" {
		return
	}
	dm := m.GuildID == ""
	thread := b.threads.get(m.ChannelID)
	mentioned := false
	for _, u := range m.Mentions {
		mentioned = mentioned || u.ID == self
	}
	replyToBot := m.ReferencedMessage != nil && m.ReferencedMessage.Author != nil && m.ReferencedMessage.Author.ID == self
	if !dm && thread == nil && !mentioned && !replyToBot {
		return
	}
	if !b.enter() {
		return // shutting down: a question sent now is not taken
	}
	defer b.leave()
	start := time.Now()
	ctx := b.work
	kind := "mention"
	if replyToBot || thread != nil {
		kind = "followup"
	}
	text := strings.TrimSpace(stripMention(m.Content, self))
	reply := &messageTarget{s: b.s, channel: m.ChannelID,
		replyTo: &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID}}
	roles := []string(nil)
	if m.Member != nil {
		roles = m.Member.Roles
	}
	if no := b.admit(ctx, asker{userID: m.Author.ID, roles: roles, channelID: m.ChannelID, dm: dm}, true); no != nil {
		if no.text != "" {
			b.say(ctx, reply, no.text)
		}
		b.metrics.Question(kind, no.outcome, time.Since(start))
		return
	}
	if text == "" {
		if !mentioned && !dm {
			// Without MESSAGE_CONTENT, a reply that does not ping the bot
			// and a message in its thread arrive empty: nothing to answer.
			b.log.Debug("message without readable content; MESSAGE_CONTENT may be off", "channel", m.ChannelID)
			return
		}
		b.say(ctx, reply, command.HelpReply().Body())
		b.metrics.Question(command.Help, command.OutcomeOK, time.Since(start))
		return
	}
	cmd := command.Parse(text)
	switch cmd.Name {
	case command.Help, command.Quit, command.Reset:
		b.say(ctx, reply, command.HelpFor(cmd).Body())
		b.metrics.Question(command.Help, command.OutcomeOK, time.Since(start))
		return
	}
	if err := b.h.Check(cmd); err != nil {
		b.say(ctx, reply, err.Error())
		b.metrics.Question(kind, command.OutcomeRejected, time.Since(start))
		return
	}
	if wait := b.takeCooldown(m.Author.ID); wait > 0 {
		b.say(ctx, reply, cooldownText(wait))
		b.metrics.Question(kind, "cooldown", time.Since(start))
		return
	}

	var history []bot.Turn
	var t target = reply
	switch {
	case thread != nil:
		history = thread.turns()
	case replyToBot:
		history = b.chain(ctx, m, self)
	case b.cfg.Threads && !dm && b.parentOf(ctx, m.ChannelID) == "": // no threads inside threads
		if th := b.openThread(ctx, m, cmd.Arg); th != "" {
			thread = b.threads.add(th)
			b.mu.Lock()
			b.parents[th] = m.ChannelID
			b.mu.Unlock()
			t = &messageTarget{s: b.s, channel: th}
		}
	}
	if thread != nil && t == reply && m.ChannelID == thread.id {
		t = &messageTarget{s: b.s, channel: thread.id} // in a thread, answers need no reply marker
	}
	if cmd.Name != command.Ask {
		history = nil
	}
	var remember func(command.Reply)
	if thread != nil && cmd.Name == command.Ask {
		remember = func(r command.Reply) {
			if r.Answer {
				thread.remember(bot.Turn{Question: r.Question, Answer: r.AnswerText})
			}
		}
	}
	b.answer(ctx, t, kind, cmd, history, start, remember)
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

// stripMention removes mentions of the bot from a message.
func stripMention(s, self string) string {
	return mentionRe.ReplaceAllStringFunc(s, func(m string) string {
		if mentionRe.FindStringSubmatch(m)[1] == self {
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
			got, err := b.s.ChannelMessage(ch, ref.MessageID, discordgo.WithContext(ctx))
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
		question = strings.TrimSpace(stripMention(msg.Content, self))
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
	th, err := b.s.MessageThreadStartComplex(m.ChannelID, m.ID, &discordgo.ThreadStart{
		Name: clip(name, 100), AutoArchiveDuration: 1440,
	}, discordgo.WithContext(ctx))
	if err != nil {
		b.log.Warn("couldn't open a thread; answering in the channel", "channel", m.ChannelID, "err", err)
		return ""
	}
	return th.ID
}

// threadMemory remembers the bot's threads and their conversations, up to
// a number of threads (the oldest is forgotten first). It lives in memory:
// after a restart, old threads are no longer followed without a mention.
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
}

func newThreadMemory(n int) *threadMemory {
	return &threadMemory{max: n, byID: map[string]*threadConv{}}
}

func (tm *threadMemory) get(id string) *threadConv {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.byID[id]
}

func (tm *threadMemory) add(id string) *threadConv {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	if c, ok := tm.byID[id]; ok {
		return c
	}
	if len(tm.order) >= tm.max {
		delete(tm.byID, tm.order[0])
		tm.order = tm.order[1:]
	}
	c := &threadConv{id: id}
	tm.byID[id] = c
	tm.order = append(tm.order, id)
	return c
}

func (c *threadConv) turns() []bot.Turn {
	c.mu.Lock()
	defer c.mu.Unlock()
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
