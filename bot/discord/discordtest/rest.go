package discordtest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

type fault struct {
	method, pattern string
	n               int
	status, code    int
	retryAfter      float64
}

// RateLimitNext answers the next n requests matching method and pathPattern
// with 429 and Discord's body and headers, telling the client to retry after
// retryAfter seconds (discordgo sleeps that long, then retries).
func (s *Server) RateLimitNext(method, pathPattern string, n int, retryAfter float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{method: method, pattern: pathPattern, n: n, status: http.StatusTooManyRequests, retryAfter: retryAfter})
}

// FailNext answers the next request matching method and pathPattern with
// status and a Discord error body carrying code (e.g. 403 and 50013 missing
// permissions, or 500 and 0).
func (s *Server) FailNext(method, pathPattern string, status, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{method: method, pattern: pathPattern, n: 1, status: status, code: code})
}

// matchPath reports whether path matches pattern segment by segment.
func matchPath(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i, p := range ps {
		if p != xs[i] && p != "*" && !(strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}")) {
			return false
		}
	}
	return true
}

// apiError is Discord's error body.
type apiError struct {
	Code    int            `json:"code"`
	Message string         `json:"message"`
	Errors  map[string]any `json:"errors,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(wire(v))
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, apiError{Code: code, Message: msg})
}

// invalidForm answers like Discord does for a body it rejects.
func invalidForm(w http.ResponseWriter, field, detail string) {
	writeJSON(w, http.StatusBadRequest, apiError{Code: 50035, Message: "Invalid Form Body", Errors: map[string]any{
		field: map[string]any{"_errors": []map[string]string{{"code": "BASE_TYPE_INVALID", "message": detail}}}}})
}

type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/gateway", s.serveGateway)
	mux.HandleFunc("/gateway/", s.serveGateway)
	api := http.NewServeMux()
	handle := func(pattern string, h http.HandlerFunc) {
		method, path, _ := strings.Cut(pattern, " ")
		api.HandleFunc(method+" /api/{v}"+path, h)
	}
	handle("GET /gateway", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]string{"url": s.gatewayURL()})
	})
	handle("GET /gateway/bot", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"url": s.gatewayURL(), "shards": 1, "session_start_limit": map[string]int{
			"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}})
	})
	handle("GET /users/@me", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, s.botUser()) })
	handle("PUT /applications/{app}/commands", s.putCommands)
	handle("PUT /applications/{app}/guilds/{guild}/commands", s.putCommands)
	handle("POST /interactions/{id}/{token}/callback", s.callback)
	handle("GET /webhooks/{app}/{token}/messages/{msg}", s.webhookMessage)
	handle("PATCH /webhooks/{app}/{token}/messages/{msg}", s.webhookMessage)
	handle("DELETE /webhooks/{app}/{token}/messages/{msg}", s.webhookMessage)
	handle("POST /webhooks/{app}/{token}", s.followup)
	handle("GET /channels/{c}", s.getChannel)
	handle("GET /channels/{c}/messages", s.listMessages)
	handle("POST /channels/{c}/messages", s.createMessage)
	handle("GET /channels/{c}/messages/{m}", s.channelMessage)
	handle("PATCH /channels/{c}/messages/{m}", s.channelMessage)
	handle("POST /channels/{c}/messages/{m}/threads", s.startThread)
	handle("POST /channels/{c}/typing", func(w http.ResponseWriter, r *http.Request) {
		if s.Channel(r.PathValue("c")) == nil {
			writeError(w, 404, 10003, "Unknown Channel")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	api.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// A route Discord has but the fake lacks is the fake's gap, not the
		// bot's bug: say so instead of letting a bare 404 mislead.
		if path, _ := trimAPI(r.URL.Path); !s.cfg.noValidation && knownRoute(r.Method, path) {
			s.t.Errorf("discordtest: %s %s is a Discord route the fake does not implement", r.Method, path)
		}
		writeError(w, 404, 0, "404: Not Found")
	})
	mux.Handle("/", s.middleware(api))
	return mux
}

// middleware records each request, injects faults, checks the token and
// validates the request before the route sees it.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(raw))
		path, _ := trimAPI(r.URL.Path)
		req := Request{Method: r.Method, Path: path, Query: r.URL.Query(), Raw: raw, Time: time.Now()}
		if len(raw) > 0 {
			_ = json.Unmarshal(raw, &req.Body)
		}
		rec := &recorder{ResponseWriter: w, status: 200}
		// The route changes the fake's state (and wakes Wait) before the
		// request is listed here: count it as being answered meanwhile,
		// so that Requests never misses a request whose effect shows.
		s.mu.Lock()
		s.answering++
		s.mu.Unlock()
		defer func() {
			req.Status = rec.status
			s.mu.Lock()
			s.requests = append(s.requests, req)
			if s.answering--; s.answering == 0 {
				s.settled.Broadcast()
			}
			s.notify()
			s.mu.Unlock()
		}()
		s.serve(rec, r, req, next)
	})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, req Request, next http.Handler) {
	if f := s.takeFault(req); f != nil {
		if f.status == http.StatusTooManyRequests {
			h := w.Header()
			reset := float64(time.Now().UnixMilli())/1000 + f.retryAfter
			h.Set("X-RateLimit-Limit", "5")
			h.Set("X-RateLimit-Remaining", "0")
			h.Set("X-RateLimit-Reset", strconv.FormatFloat(reset, 'f', 3, 64))
			h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(f.retryAfter, 'f', 3, 64))
			h.Set("X-RateLimit-Bucket", "fake-bucket")
			h.Set("X-RateLimit-Scope", "user")
			h.Set("Retry-After", strconv.Itoa(int(math.Ceil(f.retryAfter))))
			writeJSON(w, 429, map[string]any{"message": "You are being rate limited.", "retry_after": f.retryAfter, "global": false})
			return
		}
		writeError(w, f.status, f.code, fmt.Sprintf("%d: %s", f.status, http.StatusText(f.status)))
		return
	}
	// Interaction and webhook routes authenticate with the token in the URL.
	if !strings.HasPrefix(req.Path, "/interactions/") && !strings.HasPrefix(req.Path, "/webhooks/") &&
		r.Header.Get("Authorization") != "Bot "+s.cfg.token {
		writeError(w, 401, 0, "401: Unauthorized")
		return
	}
	if !s.cfg.noValidation {
		if err := validateSpec(r, req); err != nil {
			s.mu.Lock()
			s.violate(Violation{Method: req.Method, Path: req.Path, Kind: "spec", Detail: err.Error()})
			s.mu.Unlock()
			invalidForm(w, "body", firstLine(err.Error()))
			return
		}
	}
	next.ServeHTTP(w, r)
}

func (s *Server) takeFault(req Request) *fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.method == req.Method && matchPath(f.pattern, req.Path) {
			if f.n--; f.n <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return f
		}
	}
	return nil
}

// decodeMessage checks the limits and mentions of a message body (the
// "data" of an interaction callback) and decodes it as a Message, whose
// decoder, unlike those of discordgo's request types, understands
// components. It answers 400 itself and returns nil when Discord would
// refuse the body. Callers hold s.mu.
func (s *Server) decodeMessage(w http.ResponseWriter, r *http.Request, raw []byte) *discordgo.Message {
	path, _ := trimAPI(r.URL.Path)
	var body map[string]json.RawMessage
	if err := json.Unmarshal(raw, &body); err != nil {
		invalidForm(w, "body", "not JSON")
		return nil
	}
	if strings.HasSuffix(path, "/callback") {
		raw = body["data"]
		if len(raw) == 0 || string(raw) == "null" {
			return &discordgo.Message{}
		}
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		invalidForm(w, "data", "not an object")
		return nil
	}
	if mention := checkMentions(fields); mention != "" {
		s.violate(Violation{Method: r.Method, Path: path, Kind: "mentions", Detail: mention})
	}
	if problems := checkMessageLimits(fields); len(problems) > 0 {
		s.violate(Violation{Method: r.Method, Path: path, Kind: "limit", Detail: strings.Join(problems, "; ")})
		invalidForm(w, "content", problems[0])
		return nil
	}
	var m discordgo.Message
	if err := json.Unmarshal(raw, &m); err != nil {
		invalidForm(w, "body", err.Error())
		return nil
	}
	return &m
}

func (s *Server) putCommands(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var cmds []*discordgo.ApplicationCommand
	if err := json.Unmarshal(raw, &cmds); err != nil {
		invalidForm(w, "body", err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.PathValue("app") != s.cfg.appID {
		writeError(w, 403, 50001, "Missing Access")
		return
	}
	if problems := checkCommands(cmds); len(problems) > 0 {
		path, _ := trimAPI(r.URL.Path)
		s.violate(Violation{Method: r.Method, Path: path, Kind: "limit", Detail: strings.Join(problems, "; ")})
		invalidForm(w, "0", problems[0])
		return
	}
	guild := r.PathValue("guild")
	for _, c := range cmds {
		c.ID, c.ApplicationID, c.GuildID, c.Version = s.newID(), s.cfg.appID, guild, s.newID()
		if c.Type == 0 {
			c.Type = discordgo.ChatApplicationCommand
		}
	}
	s.commands[guild] = cmds
	s.notify()
	writeJSON(w, 200, cmds)
}

// callbackTypes lists the responses Discord accepts per interaction type.
var callbackTypes = map[discordgo.InteractionType][]discordgo.InteractionResponseType{
	discordgo.InteractionApplicationCommand:             {4, 5, 9},
	discordgo.InteractionApplicationCommandAutocomplete: {8},
	discordgo.InteractionMessageComponent:               {4, 5, 6, 7, 9},
}

func (s *Server) callback(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.interactions[r.PathValue("token")]
	late := in != nil && !in.acked && s.cfg.deadline > 0 && time.Since(in.created) > s.cfg.deadline
	if in == nil || in.id != r.PathValue("id") || late {
		writeError(w, 404, 10062, "Unknown interaction")
		return
	}
	if in.acked {
		writeError(w, 400, 40060, "Interaction has already been acknowledged.")
		return
	}
	var resp struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data *struct {
			Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
		} `json:"data"`
	}
	_ = json.Unmarshal(raw, &resp) // the spec check has vetted the shape
	data := s.decodeMessage(w, r, raw)
	if data == nil {
		return
	}
	allowed := false
	for _, t := range callbackTypes[in.typ] {
		allowed = allowed || t == resp.Type
	}
	if !allowed {
		path, _ := trimAPI(r.URL.Path)
		s.violate(Violation{Method: r.Method, Path: path, Kind: "interaction", Detail: fmt.Sprintf("callback type %d for interaction type %d", resp.Type, in.typ)})
		invalidForm(w, "type", "Interaction callback type invalid")
		return
	}
	in.acked = true
	s.callbacks = append(s.callbacks, Callback{InteractionID: in.id, Token: in.token, Type: resp.Type, Raw: raw, Data: copyMessage(data)})
	switch resp.Type {
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseDeferredChannelMessageWithSource:
		m := &discordgo.Message{ID: s.newID(), ChannelID: in.channelID, GuildID: in.guildID, Author: s.botUser(),
			Content: data.Content, Embeds: data.Embeds, Components: data.Components, Flags: data.Flags, Timestamp: time.Now().UTC()}
		if resp.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource {
			m.Flags |= discordgo.MessageFlagsLoading
		}
		in.original = m
		if m.Flags&discordgo.MessageFlagsEphemeral == 0 {
			s.storeLocked(m)
		}
	case discordgo.InteractionResponseUpdateMessage:
		if in.original != nil {
			updateMessage(in.original, raw, "data")
		}
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		if resp.Data == nil {
			break
		}
		if len(resp.Data.Choices) > 25 {
			path, _ := trimAPI(r.URL.Path)
			s.violate(Violation{Method: r.Method, Path: path, Kind: "limit", Detail: fmt.Sprintf("%d autocomplete choices (max 25)", len(resp.Data.Choices))})
		}
		in.choices = resp.Data.Choices
	}
	s.notify()
	w.WriteHeader(http.StatusNoContent)
}

// webhookLocked finds the interaction behind /webhooks/{app}/{token}.
func (s *Server) webhookLocked(w http.ResponseWriter, r *http.Request) *interaction {
	in := s.interactions[r.PathValue("token")]
	if in == nil || r.PathValue("app") != s.cfg.appID {
		writeError(w, 404, 10015, "Unknown Webhook")
		return nil
	}
	return in
}

func (s *Server) webhookMessage(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.webhookLocked(w, r)
	if in == nil {
		return
	}
	m := in.original
	if id := r.PathValue("msg"); id != "@original" {
		m = nil
		for _, f := range in.followups {
			if f.ID == id {
				m = f
			}
		}
	}
	if m == nil {
		writeError(w, 404, 10008, "Unknown Message")
		return
	}
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, 200, m)
	case http.MethodDelete:
		s.removeLocked(m)
		if m == in.original {
			in.original = nil
		}
		in.followups = slices.DeleteFunc(in.followups, func(f *discordgo.Message) bool { return f == m })
		s.notify()
		w.WriteHeader(http.StatusNoContent)
	case http.MethodPatch:
		if s.decodeMessage(w, r, raw) == nil {
			return
		}
		updateMessage(m, raw, "")
		m.Flags &^= discordgo.MessageFlagsLoading
		s.notify()
		writeJSON(w, 200, m)
	}
}

func (s *Server) followup(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.webhookLocked(w, r)
	if in == nil {
		return
	}
	if !in.acked {
		writeError(w, 404, 10015, "Unknown Webhook")
		return
	}
	p := s.decodeMessage(w, r, raw)
	if p == nil {
		return
	}
	// A follow-up sent while a deferred response still loads edits that
	// response and keeps its ephemeral state, whatever flags it asks for
	// (receiving-and-responding.mdx, "Create Followup Message").
	if o := in.original; o != nil && o.Flags&discordgo.MessageFlagsLoading != 0 {
		eph := o.Flags & discordgo.MessageFlagsEphemeral
		updateMessage(o, raw, "")
		o.Flags = o.Flags&^(discordgo.MessageFlagsLoading|discordgo.MessageFlagsEphemeral) | eph
		s.notify()
		writeJSON(w, 200, o)
		return
	}
	m := &discordgo.Message{ID: s.newID(), ChannelID: in.channelID, GuildID: in.guildID, Author: s.botUser(), WebhookID: s.cfg.appID,
		Content: p.Content, Embeds: p.Embeds, Components: p.Components, Flags: p.Flags, Timestamp: time.Now().UTC()}
	in.followups = append(in.followups, m)
	if m.Flags&discordgo.MessageFlagsEphemeral == 0 {
		s.storeLocked(m)
	}
	s.notify()
	if r.URL.Query().Get("wait") != "true" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, 200, m)
}

func (s *Server) getChannel(w http.ResponseWriter, r *http.Request) {
	if c := s.Channel(r.PathValue("c")); c != nil {
		writeJSON(w, 200, c)
		return
	}
	writeError(w, 404, 10003, "Unknown Channel")
}

// listMessages is GET /channels/{c}/messages: a channel's history, newest
// first, as Discord returns it. limit is 1-100 (default 50); before or
// after picks the messages older or newer than an ID (at most one of them;
// around is not modelled and fails the test that uses it).
func (s *Server) listMessages(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 50
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			invalidForm(w, "limit", "int value should be less than or equal to 100.")
			return
		}
		limit = n
	}
	if q.Has("around") {
		s.t.Errorf("discordtest: GET %s with around is not modelled by the fake", r.URL.Path)
		writeError(w, 501, 0, "around is not modelled by the fake")
		return
	}
	if q.Has("before") && q.Has("after") {
		invalidForm(w, "before", "Only one of before, after and around may be given.")
		return
	}
	before, hasBefore := snowflake(q.Get("before"))
	after, hasAfter := snowflake(q.Get("after"))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.channels[r.PathValue("c")] == nil {
		writeError(w, 404, 10003, "Unknown Channel")
		return
	}
	var picked []*discordgo.Message
	for _, m := range s.messages[r.PathValue("c")] {
		id, _ := snowflake(m.ID)
		if hasBefore && id >= before || hasAfter && id <= after {
			continue
		}
		picked = append(picked, m)
	}
	slices.SortFunc(picked, func(a, b *discordgo.Message) int {
		x, _ := snowflake(a.ID)
		y, _ := snowflake(b.ID)
		return cmp.Compare(y, x) // newest first
	})
	if len(picked) > limit {
		if hasAfter {
			picked = picked[len(picked)-limit:] // the oldest ones after the ID
		} else {
			picked = picked[:limit]
		}
	}
	out := make([]*discordgo.Message, len(picked))
	for i, m := range picked {
		out[i] = s.visibleLocked(m, s.cfg.noContent)
	}
	writeJSON(w, 200, out)
}

// snowflake reads an ID as the number it is (IDs sort by creation time).
func snowflake(id string) (uint64, bool) {
	n, err := strconv.ParseUint(id, 10, 64)
	return n, err == nil
}

func (s *Server) createMessage(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channels[r.PathValue("c")]
	if ch == nil {
		writeError(w, 404, 10003, "Unknown Channel")
		return
	}
	p := s.decodeMessage(w, r, raw)
	if p == nil {
		return
	}
	m := &discordgo.Message{ChannelID: ch.ID, GuildID: ch.GuildID, Author: s.botUser(), Content: p.Content,
		Embeds: p.Embeds, Components: p.Components, Flags: p.Flags}
	if ref := p.MessageReference; ref != nil {
		refCh := ref.ChannelID
		if refCh == "" {
			refCh = ch.ID
		}
		target := s.findMessageLocked(refCh, ref.MessageID)
		if target == nil && (ref.FailIfNotExists == nil || *ref.FailIfNotExists) {
			writeJSON(w, 400, apiError{Code: 50035, Message: "Invalid Form Body", Errors: map[string]any{"message_reference": map[string]any{
				"_errors": []map[string]string{{"code": "REPLIES_UNKNOWN_MESSAGE", "message": "Unknown message"}}}}})
			return
		}
		if target != nil {
			m.MessageReference = &discordgo.MessageReference{MessageID: target.ID, ChannelID: refCh, GuildID: ch.GuildID}
			m.ReferencedMessage = copyMessage(target)
		}
	}
	s.storeLocked(m)
	s.dispatchMessageLocked(m)
	writeJSON(w, 200, m)
}

func (s *Server) channelMessage(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.channels[r.PathValue("c")] == nil {
		writeError(w, 404, 10003, "Unknown Channel")
		return
	}
	m := s.findMessageLocked(r.PathValue("c"), r.PathValue("m"))
	if m == nil {
		writeError(w, 404, 10008, "Unknown Message")
		return
	}
	if r.Method == http.MethodGet {
		writeJSON(w, 200, s.visibleLocked(m, s.cfg.noContent))
		return
	}
	if m.Author == nil || m.Author.ID != s.cfg.botID {
		writeError(w, 403, 50005, "Cannot edit a message authored by another user")
		return
	}
	if s.decodeMessage(w, r, raw) == nil {
		return
	}
	updateMessage(m, raw, "")
	s.notify()
	writeJSON(w, 200, m)
}

func (s *Server) startThread(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var p discordgo.ThreadStart
	if err := json.Unmarshal(raw, &p); err != nil {
		invalidForm(w, "body", err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	parent := s.channels[r.PathValue("c")]
	m := s.findMessageLocked(r.PathValue("c"), r.PathValue("m"))
	switch {
	case parent == nil:
		writeError(w, 404, 10003, "Unknown Channel")
		return
	case m == nil:
		writeError(w, 404, 10008, "Unknown Message")
		return
	case s.channels[m.ID] != nil: // a thread from a message takes the message's ID
		writeError(w, 400, 160004, "A thread has already been created for this message")
		return
	case len([]rune(p.Name)) < 1 || len([]rune(p.Name)) > 100:
		path, _ := trimAPI(r.URL.Path)
		s.violate(Violation{Method: r.Method, Path: path, Kind: "limit", Detail: "thread name must be 1-100 characters"})
		invalidForm(w, "name", "Must be between 1 and 100 in length.")
		return
	}
	th := &discordgo.Channel{ID: m.ID, GuildID: parent.GuildID, ParentID: parent.ID, Name: p.Name,
		Type: discordgo.ChannelTypeGuildPublicThread, OwnerID: s.cfg.botID,
		ThreadMetadata: &discordgo.ThreadMetadata{AutoArchiveDuration: p.AutoArchiveDuration}}
	s.channels[th.ID] = th
	m.Thread = th
	if s.gw.sessionID != "" {
		s.dispatchLocked("THREAD_CREATE", &discordgo.ThreadCreate{Channel: th, NewlyCreated: true})
	}
	s.notify()
	writeJSON(w, 201, th)
}

// updateMessage applies the fields present in an edit body (under key, if
// set) to m, as Discord's PATCH does: absent fields stay, present ones
// replace.
func updateMessage(m *discordgo.Message, raw []byte, key string) {
	var edit map[string]json.RawMessage
	_ = json.Unmarshal(raw, &edit)
	if key != "" {
		inner := edit[key]
		edit = nil
		_ = json.Unmarshal(inner, &edit)
	}
	cur, _ := json.Marshal(m)
	var merged map[string]json.RawMessage
	_ = json.Unmarshal(cur, &merged)
	for _, k := range []string{"content", "embeds", "components", "flags"} {
		if v, ok := edit[k]; ok {
			merged[k] = v
		}
	}
	out, _ := json.Marshal(merged)
	var next discordgo.Message
	_ = json.Unmarshal(out, &next)
	now := time.Now().UTC()
	next.EditedTimestamp = &now
	*m = next
}

// removeLocked deletes m from its channel's history.
func (s *Server) removeLocked(m *discordgo.Message) {
	list := s.messages[m.ChannelID]
	for i, x := range list {
		if x == m {
			s.messages[m.ChannelID] = append(list[:i:i], list[i+1:]...)
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
