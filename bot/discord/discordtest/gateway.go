package discordtest

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Identify is what the bot sent in one IDENTIFY.
type Identify struct {
	Token   string
	Intents discordgo.Intent
	Shard   *[2]int // nil when the bot did not shard
}

// Gateway close codes worth provoking (gateway.mdx, "Gateway Close Event Codes").
var closeText = map[int]string{
	4000: "Unknown error.", 4004: "Authentication failed.", 4009: "Session timed out.",
	4013: "Invalid intent(s).", 4014: "Disallowed intent(s).",
}

type gateway struct {
	conn       *wsConn // the connection events go to; nil while the bot is away
	all        map[*wsConn]bool
	wg         sync.WaitGroup // one per connection handler, so Close leaves no goroutine behind
	closed     bool
	sessionID  string
	seq        int64
	log        []frame // dispatched events of the session, replayed on RESUME
	identifies []Identify
	readies    int
	resumes    int
	closeCodes []int
	// beats counts heartbeats on conn. discordgo sends its first one as a
	// connection starts, from a goroutine of its own; a test that closes
	// the connection before it arrives races discordgo's listener against
	// that goroutine, and both then reconnect (and close each other's
	// connection). Tests wait for it first.
	beats int
}

type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s"`
	T  *string         `json:"t"`
}

type wsConn struct {
	mu sync.Mutex // gorilla allows one writer at a time
	c  *websocket.Conn
}

func (c *wsConn) write(v any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.c.WriteJSON(v)
}

func (c *wsConn) closeWith(code int) {
	c.mu.Lock()
	_ = c.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, closeText[code]), time.Now().Add(time.Second))
	c.mu.Unlock()
	c.close()
}

func (c *wsConn) close() { _ = c.c.UnderlyingConn().Close() }

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered the client already
	}
	conn := &wsConn{c: c}
	s.mu.Lock()
	if s.gw.closed {
		s.mu.Unlock()
		conn.close()
		return
	}
	s.gw.all[conn] = true
	s.gw.wg.Add(1)
	s.mu.Unlock()
	defer func() {
		conn.close()
		s.mu.Lock()
		delete(s.gw.all, conn)
		s.mu.Unlock()
		s.gw.wg.Done()
	}()
	hello, _ := json.Marshal(map[string]int{"heartbeat_interval": s.cfg.heartbeatMS})
	if conn.write(frame{Op: 10, D: hello}) != nil {
		return
	}
	for {
		var in struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if err := c.ReadJSON(&in); err != nil {
			s.mu.Lock()
			if s.gw.conn == conn {
				s.gw.conn = nil
				s.notify()
			}
			s.mu.Unlock()
			return
		}
		switch in.Op {
		case 1: // heartbeat
			if conn.write(frame{Op: 11}) != nil {
				return
			}
			s.mu.Lock()
			if s.gw.conn == conn {
				s.gw.beats++
				s.notify()
			}
			s.mu.Unlock()
		case 2:
			s.identify(conn, in.D)
		case 6:
			s.resume(conn, in.D)
		}
	}
}

func (s *Server) identify(conn *wsConn, d json.RawMessage) {
	var id struct {
		Token   string           `json:"token"`
		Intents discordgo.Intent `json:"intents"`
		Shard   *[2]int          `json:"shard"`
	}
	_ = json.Unmarshal(d, &id)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gw.identifies = append(s.gw.identifies, Identify{Token: id.Token, Intents: id.Intents, Shard: id.Shard})
	s.notify()
	switch {
	case id.Token != "Bot "+s.cfg.token && id.Token != s.cfg.token:
		s.closeLocked(conn, 4004)
		return
	case s.cfg.noContent && id.Intents&discordgo.IntentMessageContent != 0:
		s.closeLocked(conn, 4014)
		return
	}
	s.gw.sessionID = s.newID()
	s.gw.seq = 0
	s.gw.log = nil
	s.gw.conn = conn
	s.gw.beats = 0
	s.gw.readies++
	s.dispatchLocked("READY", map[string]any{
		"v": 10, "session_id": s.gw.sessionID, "resume_gateway_url": s.gatewayURL(),
		"user":        s.botUser(),
		"application": map[string]any{"id": s.cfg.appID, "flags": 0},
		"guilds":      []map[string]any{{"id": DefaultGuildID, "unavailable": true}},
		"shard":       id.Shard,
	})
}

func (s *Server) resume(conn *wsConn, d json.RawMessage) {
	var r struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	_ = json.Unmarshal(d, &r)
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.SessionID == "" || r.SessionID != s.gw.sessionID {
		_ = conn.write(frame{Op: 9, D: json.RawMessage("false")}) // invalid session: identify anew
		return
	}
	s.gw.conn = conn
	s.gw.beats = 0
	s.gw.resumes++
	for _, f := range s.gw.log {
		if *f.S > r.Seq {
			_ = conn.write(f)
		}
	}
	// RESUMED carries the current sequence: discordgo stores every dispatch's
	// s, and a 0 would make its next RESUME replay everything.
	t, seq := "RESUMED", s.gw.seq
	_ = conn.write(frame{Op: 0, D: json.RawMessage("{}"), S: &seq, T: &t})
	s.notify()
}

// dispatchLocked sends an event (op 0) to the bot and keeps it for RESUME.
func (s *Server) dispatchLocked(typ string, data any) {
	raw, err := json.Marshal(wire(data))
	if err != nil {
		s.t.Errorf("discordtest: couldn't encode %s: %v", typ, err)
		return
	}
	s.gw.seq++
	seq := s.gw.seq
	f := frame{Op: 0, D: raw, S: &seq, T: &typ}
	s.gw.log = append(s.gw.log, f)
	if s.gw.conn != nil {
		_ = s.gw.conn.write(f) // a failed write shows up as a dropped connection
	}
	s.notify()
}

// Dispatch sends any gateway event (op 0 with t = typ) to the bot, for events
// without a helper. It is an error to dispatch before the first READY.
func (s *Server) Dispatch(typ string, data any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gw.sessionID == "" {
		s.t.Errorf("discordtest: %s dispatched before the bot identified (call WaitReady first)", typ)
		return
	}
	s.dispatchLocked(typ, data)
}

func (s *Server) closeLocked(conn *wsConn, code int) {
	s.gw.closeCodes = append(s.gw.closeCodes, code)
	if s.gw.conn == conn {
		s.gw.conn = nil
	}
	conn.closeWith(code)
	s.notify()
}

// DropConnection cuts the gateway connection without a close frame, as a
// network failure would; discordgo reconnects and sends RESUME. Events
// dispatched meanwhile are replayed on RESUME.
func (s *Server) DropConnection() {
	s.mu.Lock()
	conn := s.gw.conn
	s.gw.conn = nil
	s.notify()
	s.mu.Unlock()
	if conn != nil {
		conn.close()
	}
}

// Reconnect sends op 7 (Reconnect), as Discord does before moving a
// session; discordgo closes the connection and resumes.
func (s *Server) Reconnect() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gw.conn != nil {
		_ = s.gw.conn.write(frame{Op: 7, D: json.RawMessage("null")})
	}
}

// CloseWith closes the gateway connection with a close code, e.g. 4000
// (unknown error, resumable) or 4004 (authentication failed).
func (s *Server) CloseWith(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gw.conn != nil {
		s.closeLocked(s.gw.conn, code)
	}
}

// Identifies returns every IDENTIFY received, including refused ones.
func (s *Server) Identifies() []Identify {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Identify(nil), s.gw.identifies...)
}

// CloseCodes returns the close codes the fake sent, in order.
func (s *Server) CloseCodes() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.gw.closeCodes...)
}

// Readies counts the READY events sent (one per accepted IDENTIFY).
func (s *Server) Readies() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gw.readies
}

// Heartbeats counts the heartbeats received on the current connection.
// Wait for one before closing or dropping it (see the gateway's beats).
func (s *Server) Heartbeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gw.beats
}

// Resumes counts the accepted RESUMEs.
func (s *Server) Resumes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gw.resumes
}

// Connected reports whether the bot has a live, identified or resumed
// gateway connection.
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gw.conn != nil
}

// WaitIdentify waits for the first IDENTIFY and returns it.
func (s *Server) WaitIdentify(ctx context.Context) (Identify, error) {
	err := s.Wait(ctx, func() bool { return len(s.Identifies()) > 0 })
	if err != nil {
		return Identify{}, err
	}
	return s.Identifies()[0], nil
}

// WaitReady waits until the fake has sent READY at least once.
func (s *Server) WaitReady(ctx context.Context) error {
	return s.Wait(ctx, func() bool { return s.Readies() > 0 })
}

func (s *Server) gatewayURL() string { return "ws" + s.srv.URL[len("http"):] + "/gateway" }
