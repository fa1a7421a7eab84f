package discordtest

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// DefaultDMChannelID is the DM channel used when an event has DM set and no channel.
const DefaultDMChannelID = "800000000000000004"

// Interaction describes an INTERACTION_CREATE to send. Zero fields take
// defaults: a slash command in DefaultChannelID of DefaultGuildID by
// DefaultUserID ("alice"), locale "de".
type Interaction struct {
	Type     discordgo.InteractionType // default discordgo.InteractionApplicationCommand
	Name     string                    // command name (commands and autocomplete)
	Options  []CommandOption           // command options; mark the one being typed Focused for autocomplete
	CustomID string                    // component custom_id (Type discordgo.InteractionMessageComponent)
	// MessageID is the message whose component was clicked; it must be in
	// ChannelID's history (for example the bot's answer).
	MessageID   string
	GuildID     string
	ChannelID   string
	DM          bool // sent in a DM: user instead of member, no guild_id
	User        *discordgo.User
	Roles       []string
	Permissions int64 // the member's permissions in the channel
	Locale      string
}

// CommandOption is one option value of a slash command.
type CommandOption struct {
	Name    string
	Type    discordgo.ApplicationCommandOptionType
	Value   any
	Focused bool // the option the user is typing (autocomplete)
	Options []CommandOption
}

// Str is a string option, e.g. Str("question", "Was ist DOGE?").
func Str(name, value string) CommandOption {
	return CommandOption{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: value}
}

// InteractionRef identifies a sent interaction; Token is the key for
// Original, Followups and Choices.
type InteractionRef struct{ ID, Token string }

func optionsJSON(opts []CommandOption) []map[string]any {
	out := []map[string]any{}
	for _, o := range opts {
		m := map[string]any{"name": o.Name, "type": o.Type}
		if o.Value != nil {
			m["value"] = o.Value
		}
		if o.Focused {
			m["focused"] = true
		}
		if len(o.Options) > 0 {
			m["options"] = optionsJSON(o.Options)
		}
		out = append(out, m)
	}
	return out
}

// SendInteraction dispatches an INTERACTION_CREATE shaped like Discord's
// and returns its ID and token.
func (s *Server) SendInteraction(in Interaction) InteractionRef {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.Type == 0 {
		in.Type = discordgo.InteractionApplicationCommand
	}
	if in.User == nil {
		in.User = &discordgo.User{ID: DefaultUserID, Username: "alice", GlobalName: "Alice"}
	}
	if in.Locale == "" {
		in.Locale = "de"
	}
	s.defaultPlace(&in.ChannelID, &in.GuildID, in.DM)
	id := s.newID()
	token := "itoken-" + id
	var data map[string]any
	switch in.Type {
	case discordgo.InteractionMessageComponent:
		data = map[string]any{"custom_id": in.CustomID, "component_type": discordgo.ButtonComponent}
	default:
		cmdID := s.newID()
		for _, c := range append(s.commands[in.GuildID], s.commands[""]...) {
			if c.Name == in.Name {
				cmdID = c.ID
			}
		}
		data = map[string]any{"id": cmdID, "name": in.Name, "type": discordgo.ChatApplicationCommand, "options": optionsJSON(in.Options)}
	}
	payload := map[string]any{
		"id": id, "application_id": s.cfg.appID, "type": in.Type, "data": data, "token": token, "version": 1,
		"channel_id": in.ChannelID, "channel": map[string]any{"id": in.ChannelID, "type": s.channels[in.ChannelID].Type},
		"app_permissions": "2248473465835073", "locale": in.Locale, "entitlements": []any{},
	}
	if in.DM {
		payload["user"] = in.User
		payload["context"] = discordgo.InteractionContextBotDM
	} else {
		payload["guild_id"] = in.GuildID
		payload["guild_locale"] = "de"
		payload["context"] = discordgo.InteractionContextGuild
		roles := in.Roles
		if roles == nil {
			roles = []string{}
		}
		payload["member"] = map[string]any{"user": in.User, "roles": roles, "permissions": strconv.FormatInt(in.Permissions, 10),
			"joined_at": "2024-01-01T00:00:00.000000+00:00", "nick": nil, "deaf": false, "mute": false, "flags": 0, "pending": false}
	}
	it := &interaction{id: id, token: token, channelID: in.ChannelID, guildID: in.GuildID, typ: in.Type, created: time.Now()}
	if in.Type == discordgo.InteractionMessageComponent {
		m := s.findMessageLocked(in.ChannelID, in.MessageID)
		if m == nil {
			s.t.Errorf("discordtest: component interaction on message %q, which is not in channel %s", in.MessageID, in.ChannelID)
		} else {
			payload["message"] = m
			it.original = m // @original of a component interaction is the message it sits on
		}
	}
	s.interactions[token] = it
	if s.gw.sessionID == "" {
		s.t.Errorf("discordtest: interaction sent before the bot identified (call WaitReady first)")
	}
	s.dispatchLocked("INTERACTION_CREATE", payload)
	return InteractionRef{ID: id, Token: token}
}

// defaultPlace fills in the channel and guild of an event. Callers hold s.mu.
func (s *Server) defaultPlace(channelID, guildID *string, dm bool) {
	if dm {
		*guildID = ""
		if *channelID == "" {
			*channelID = DefaultDMChannelID
		}
		if s.channels[*channelID] == nil {
			s.channels[*channelID] = &discordgo.Channel{ID: *channelID, Type: discordgo.ChannelTypeDM}
		}
		return
	}
	if *channelID == "" {
		*channelID = DefaultChannelID
	}
	c := s.channels[*channelID]
	if c == nil {
		if *guildID == "" {
			*guildID = DefaultGuildID
		}
		c = &discordgo.Channel{ID: *channelID, GuildID: *guildID, Type: discordgo.ChannelTypeGuildText}
		s.channels[c.ID] = c
	}
	if *guildID == "" {
		*guildID = c.GuildID
	}
}

// Message describes a MESSAGE_CREATE from a user. Mentions in Content
// ("<@id>", "<@&role>", "@everyone") are parsed as Discord does; use
// [Server.BotMention] to mention the bot. A mention of the bot's managed
// role does not make the content readable without MESSAGE_CONTENT (only a
// mention of the bot user is documented to).
type Message struct {
	ChannelID string // default DefaultChannelID; a thread's ID for messages in a thread
	GuildID   string // default: the channel's guild
	DM        bool
	Content   string
	Author    *discordgo.User // default alice (DefaultUserID)
	ReplyTo   string          // ID of a message in the same channel this one replies to
}

var (
	userMention = regexp.MustCompile(`<@!?(\d+)>`)
	roleMention = regexp.MustCompile(`<@&(\d+)>`)
)

// SendMessageCreate stores a user's message and dispatches MESSAGE_CREATE,
// as Discord would: only with the GUILD_MESSAGES (or DIRECT_MESSAGES) intent,
// and with content blanked unless the bot may read it. It returns the stored
// message (with full content).
func (s *Server) SendMessageCreate(in Message) *discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.defaultPlace(&in.ChannelID, &in.GuildID, in.DM)
	m := &discordgo.Message{ChannelID: in.ChannelID, GuildID: in.GuildID, Content: in.Content, Author: in.Author,
		Timestamp: time.Now().UTC(), MentionEveryone: strings.Contains(in.Content, "@everyone") || strings.Contains(in.Content, "@here")}
	for _, sm := range userMention.FindAllStringSubmatch(in.Content, -1) {
		u := &discordgo.User{ID: sm[1], Username: "user" + sm[1]}
		if sm[1] == s.cfg.botID {
			u = s.botUser()
		}
		m.Mentions = append(m.Mentions, u)
	}
	for _, sm := range roleMention.FindAllStringSubmatch(in.Content, -1) {
		m.MentionRoles = append(m.MentionRoles, sm[1])
	}
	if in.ReplyTo != "" {
		target := s.findMessageLocked(in.ChannelID, in.ReplyTo)
		if target == nil {
			s.t.Errorf("discordtest: reply to message %s, which is not in channel %s", in.ReplyTo, in.ChannelID)
		} else {
			m.MessageReference = &discordgo.MessageReference{MessageID: target.ID, ChannelID: in.ChannelID, GuildID: in.GuildID}
			m.ReferencedMessage = copyMessage(target)
		}
	}
	if !in.DM {
		m.Member = &discordgo.Member{Roles: []string{}, JoinedAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	}
	s.storeLocked(m)
	if s.gw.sessionID == "" {
		s.t.Errorf("discordtest: message sent before the bot identified (call WaitReady first)")
	}
	s.dispatchMessageLocked(m)
	return copyMessage(m)
}

// dispatchMessageLocked sends MESSAGE_CREATE if the bot's intents ask for it.
func (s *Server) dispatchMessageLocked(m *discordgo.Message) {
	var intents discordgo.Intent
	if n := len(s.gw.identifies); n > 0 {
		intents = s.gw.identifies[n-1].Intents
	}
	want := discordgo.IntentGuildMessages
	if m.GuildID == "" {
		want = discordgo.IntentDirectMessages
	}
	if s.gw.sessionID == "" || intents&want == 0 {
		return
	}
	s.dispatchLocked("MESSAGE_CREATE", s.visibleLocked(m, intents&discordgo.IntentMessageContent == 0))
}

// visibleLocked returns m as a bot without MESSAGE_CONTENT sees it: content,
// embeds and components only for DMs, messages that mention the bot and the
// bot's own messages (the same rule applies to referenced messages).
func (s *Server) visibleLocked(m *discordgo.Message, noContent bool) *discordgo.Message {
	c := copyMessage(m)
	if c.ReferencedMessage != nil {
		c.ReferencedMessage = s.visibleLocked(c.ReferencedMessage, noContent)
	}
	if !noContent || c.GuildID == "" || (c.Author != nil && c.Author.ID == s.cfg.botID) {
		return c
	}
	for _, u := range c.Mentions {
		if u.ID == s.cfg.botID {
			return c
		}
	}
	c.Content, c.Embeds, c.Components, c.Attachments = "", nil, nil, nil
	return c
}
