package discordtest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// IDs and names the fake uses unless a test says otherwise.
const (
	Token            = "fake-token" // the bot token; the session sends "Bot " + Token
	BotID            = "900000000000000001"
	AppID            = BotID // Discord gives bots the application's ID
	BotName          = "Leviathan"
	DefaultGuildID   = "800000000000000001"
	DefaultChannelID = "800000000000000002"
	DefaultUserID    = "800000000000000003"
)

// Option configures a Server.
type Option func(*config)

type config struct {
	token          string
	botID, appID   string
	noContent      bool
	noValidation   bool
	allowViolation bool
	heartbeatMS    int
	deadline       time.Duration
}

// WithToken makes the fake accept only this bot token (default [Token]):
// IDENTIFY with another closes with 4004, REST answers 401.
func WithToken(token string) Option { return func(c *config) { c.token = token } }

// WithBotID sets the bot user's ID and the application ID.
func WithBotID(botID, appID string) Option {
	return func(c *config) { c.botID, c.appID = botID, appID }
}

// WithoutMessageContentIntent models an application whose MESSAGE_CONTENT
// intent is not enabled in the developer portal: IDENTIFY asking for it
// (1<<15) is closed with 4014, and message content the bot may not see is
// blanked in events and REST answers.
func WithoutMessageContentIntent() Option { return func(c *config) { c.noContent = true } }

// WithoutSpecValidation skips the OpenAPI check (about 10 ms a request), for
// benchmarks; the limits the spec does not encode are still checked.
func WithoutSpecValidation() Option { return func(c *config) { c.noValidation = true } }

// AllowViolations keeps recording violations (and answering 400 where Discord
// would) without failing the test, for tests that provoke them on purpose.
func AllowViolations() Option { return func(c *config) { c.allowViolation = true } }

// WithResponseDeadline sets how long after INTERACTION_CREATE the first
// callback is accepted (Discord: 3 s, the default); later ones get 10062
// Unknown interaction, as on Discord. 0 turns the check off.
func WithResponseDeadline(d time.Duration) Option { return func(c *config) { c.deadline = d } }

// WithHeartbeatInterval sets the interval sent in HELLO (default 45 s).
func WithHeartbeatInterval(d time.Duration) Option {
	return func(c *config) { c.heartbeatMS = int(d / time.Millisecond) }
}

// Request is one REST request the fake received.
type Request struct {
	Method string
	Path   string // without the /api/v9 prefix, e.g. "/channels/1/messages"
	Query  url.Values
	Raw    []byte // the body as sent
	Body   any    // the body decoded from JSON (nil if none)
	Status int    // the status the fake answered
	Time   time.Time
}

// Decode unmarshals the request body into v, e.g. a *discordgo.WebhookEdit.
func (r Request) Decode(v any) error { return json.Unmarshal(r.Raw, v) }

// Violation is a request that broke Discord's rules or the bot's own (nothing
// may ping). Kind is "spec" (OpenAPI), "limit" (a limit the spec does not
// encode), "mentions" (content without allowed_mentions parse []), or
// "interaction" (a callback of the wrong type).
type Violation struct {
	Method, Path, Kind, Detail string
}

// Callback is one accepted interaction callback. Raw is the body as sent;
// Server.Original and Server.Choices show what it produced.
type Callback struct {
	InteractionID, Token string
	Type                 discordgo.InteractionResponseType
	Raw                  []byte
	// Data is the response's data decoded as a message (content, flags,
	// embeds, components), which unlike discordgo.InteractionResponse
	// decodes components; empty for types without data.
	Data *discordgo.Message
}

type interaction struct {
	id, token, channelID, guildID string
	typ                           discordgo.InteractionType
	created                       time.Time
	acked                         bool
	original                      *discordgo.Message
	followups                     []*discordgo.Message
	choices                       []*discordgo.ApplicationCommandOptionChoice
}

// Server is the fake Discord. All methods are safe for concurrent use.
type Server struct {
	t   testing.TB
	cfg config
	srv *httptest.Server

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every change; see Wait
	nextID   int64
	requests []Request
	// answering counts requests between reading their body and being
	// listed; a route changes the fake's state before the middleware lists
	// its request, so Requests waits on settled until none is left.
	answering    int
	settled      *sync.Cond // on mu; broadcast when answering drops to 0
	violations   []Violation
	callbacks    []Callback
	commands     map[string][]*discordgo.ApplicationCommand // by guild ID, "" = global
	channels     map[string]*discordgo.Channel
	messages     map[string][]*discordgo.Message // by channel ID, in order
	interactions map[string]*interaction         // by token
	faults       []*fault
	gw           gateway
}

// New starts a fake Discord that closes when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		t:            t,
		cfg:          config{token: Token, botID: BotID, appID: AppID, heartbeatMS: 45000, deadline: 3 * time.Second},
		changed:      make(chan struct{}),
		nextID:       1_000_000_000_000_000_000,
		commands:     map[string][]*discordgo.ApplicationCommand{},
		channels:     map[string]*discordgo.Channel{},
		messages:     map[string][]*discordgo.Message{},
		interactions: map[string]*interaction{},
		gw:           gateway{all: map[*wsConn]bool{}},
	}
	s.settled = sync.NewCond(&s.mu)
	for _, o := range opts {
		o(&s.cfg)
	}
	if !s.cfg.noValidation {
		if _, err := loadSpec(); err != nil {
			t.Fatalf("couldn't load the Discord OpenAPI spec: %v", err)
		}
	}
	s.AddChannel(&discordgo.Channel{ID: DefaultChannelID, GuildID: DefaultGuildID, Type: discordgo.ChannelTypeGuildText, Name: "general"})
	s.srv = httptest.NewServer(s.routes())
	t.Cleanup(s.Close)
	return s
}

// URL is the origin to use instead of https://discord.com, e.g.
// http://127.0.0.1:PORT.
func (s *Server) URL() string { return s.srv.URL }

// Close stops the gateway and the REST server. New registers it with
// t.Cleanup; calling it twice is fine.
func (s *Server) Close() {
	s.mu.Lock()
	for c := range s.gw.all {
		c.close()
	}
	s.gw.closed = true
	s.mu.Unlock()
	s.gw.wg.Wait()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// HTTPClient returns a client that sends requests for https://discord.com to
// the fake, for use as discordgo.Session.Client.
func (s *Server) HTTPClient() *http.Client {
	target, _ := url.Parse(s.srv.URL)
	return &http.Client{Timeout: 20 * time.Second, Transport: rewrite{target: target, next: s.srv.Client().Transport}}
}

type rewrite struct {
	target *url.URL
	next   http.RoundTripper
}

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == "discord.com" {
		req = req.Clone(req.Context())
		req.URL.Scheme, req.URL.Host = r.target.Scheme, r.target.Host
		req.Host = r.target.Host
	}
	return r.next.RoundTrip(req)
}

// newID returns a fresh snowflake-sized ID. Callers hold s.mu.
func (s *Server) newID() string {
	s.nextID++
	return strconv.FormatInt(s.nextID, 10)
}

// notify wakes everyone in Wait. Callers hold s.mu.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Wait returns when cond is true, re-checking after every change of the
// fake's state (request, gateway event, ...), or with ctx's error. cond may
// call the Server's methods.
func (s *Server) Wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// WaitFor returns the first request (in arrival order) for which match is
// true, waiting for it if needed.
func (s *Server) WaitFor(ctx context.Context, match func(Request) bool) (Request, error) {
	var found Request
	err := s.Wait(ctx, func() bool {
		for _, r := range s.Requests() {
			if match(r) {
				found = r
				return true
			}
		}
		return false
	})
	return found, err
}

// Requests returns every REST request so far, in the order they were
// answered. A request whose effect shows elsewhere (a stored message, an
// edit in [Server.Original], a callback) is listed: Requests waits for the
// requests being answered to be listed first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.answering > 0 {
		s.settled.Wait()
	}
	return append([]Request(nil), s.requests...)
}

// Violations returns the rule breaks recorded so far.
func (s *Server) Violations() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Violation(nil), s.violations...)
}

// Callbacks returns the accepted interaction callbacks, in order.
func (s *Server) Callbacks() []Callback {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Callback(nil), s.callbacks...)
}

// Commands returns the commands of the last bulk overwrite for guildID ("" =
// global), or nil if there was none.
func (s *Server) Commands(guildID string) []*discordgo.ApplicationCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*discordgo.ApplicationCommand(nil), s.commands[guildID]...)
}

// Messages returns copies of the messages in a channel, oldest first,
// including the bot's interaction responses that are not ephemeral.
func (s *Server) Messages(channelID string) []*discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*discordgo.Message
	for _, m := range s.messages[channelID] {
		out = append(out, copyMessage(m))
	}
	return out
}

// Original returns a copy of the current interaction response (after all
// edits) for an interaction token, or nil before the interaction is
// answered.
func (s *Server) Original(token string) *discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in := s.interactions[token]; in != nil && in.original != nil {
		return copyMessage(in.original)
	}
	return nil
}

// Followups returns copies of the follow-up messages of an interaction.
func (s *Server) Followups(token string) []*discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*discordgo.Message
	if in := s.interactions[token]; in != nil {
		for _, m := range in.followups {
			out = append(out, copyMessage(m))
		}
	}
	return out
}

// Choices returns the autocomplete choices sent for an interaction token.
func (s *Server) Choices(token string) []*discordgo.ApplicationCommandOptionChoice {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in := s.interactions[token]; in != nil {
		return append([]*discordgo.ApplicationCommandOptionChoice(nil), in.choices...)
	}
	return nil
}

// AddChannel adds or replaces a channel, e.g. a thread
// (Type discordgo.ChannelTypeGuildPublicThread with ParentID set).
func (s *Server) AddChannel(c *discordgo.Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cc := *c
	s.channels[c.ID] = &cc
	s.notify()
}

// Channel returns a copy of a channel, or nil.
func (s *Server) Channel(id string) *discordgo.Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.channels[id]; c != nil {
		cc := *c
		return &cc
	}
	return nil
}

// AddMessage stores a message without dispatching it (for history the bot
// fetches, such as the start of a reply chain). Missing ID, channel, author
// and timestamp are filled in; the stored copy is returned.
func (s *Server) AddMessage(m *discordgo.Message) *discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copyMessage(s.storeLocked(copyMessage(m)))
}

// storeLocked fills in defaults, creates the channel if unknown and appends m.
func (s *Server) storeLocked(m *discordgo.Message) *discordgo.Message {
	if m.ID == "" {
		m.ID = s.newID()
	}
	if m.ChannelID == "" {
		m.ChannelID = DefaultChannelID
	}
	if m.Author == nil {
		m.Author = &discordgo.User{ID: DefaultUserID, Username: "alice"}
	}
	if m.Timestamp.IsZero() {
		m.Timestamp = time.Now().UTC()
	}
	if m.Type == 0 && m.MessageReference != nil {
		m.Type = discordgo.MessageTypeReply
	}
	if _, ok := s.channels[m.ChannelID]; !ok {
		s.channels[m.ChannelID] = &discordgo.Channel{ID: m.ChannelID, GuildID: m.GuildID, Type: discordgo.ChannelTypeGuildText}
	}
	s.messages[m.ChannelID] = append(s.messages[m.ChannelID], m)
	s.notify()
	return m
}

func (s *Server) findMessageLocked(channelID, id string) *discordgo.Message {
	for _, m := range s.messages[channelID] {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// BotMention is the text that mentions the bot in a message, "<@BOTID>".
func (s *Server) BotMention() string { return "<@" + s.cfg.botID + ">" }

func (s *Server) botUser() *discordgo.User {
	return &discordgo.User{ID: s.cfg.botID, Username: BotName, Bot: true}
}

// copyMessage copies a message deeply enough that callers can't race with
// the fake's later edits (the slices it replaces are never mutated in place).
func copyMessage(m *discordgo.Message) *discordgo.Message {
	c := *m
	return &c
}

// errorf fails the test unless violations are allowed, and records v.
// Callers hold s.mu.
func (s *Server) violate(v Violation) {
	s.violations = append(s.violations, v)
	if !s.cfg.allowViolation {
		s.t.Errorf("discordtest: %s %s: %s violation: %s", v.Method, v.Path, v.Kind, v.Detail)
	}
}

// trimAPI returns the path without the /api/vN prefix and whether it had one.
func trimAPI(p string) (string, bool) {
	rest, ok := strings.CutPrefix(p, "/api/v")
	if !ok {
		return p, false
	}
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return "/", true
	}
	return rest[i:], true
}

// Forget drops what the fake has recorded so far: requests, callbacks,
// violations (after reporting them as usual), interactions, the channels'
// messages and the gateway events kept for a RESUME. Channels, commands and
// the connection stay. A long run (a memory measurement of the bot) calls it
// now and then so that the fake's own records do not grow with it; a RESUME
// after it replays nothing from before.
func (s *Server) Forget() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.answering > 0 {
		s.settled.Wait()
	}
	s.requests, s.callbacks, s.violations = nil, nil, nil
	clear(s.interactions)
	clear(s.messages)
	s.gw.log = nil
}
