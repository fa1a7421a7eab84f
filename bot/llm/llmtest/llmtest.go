// Package llmtest is a fake OpenAI-compatible backend on httptest for
// tests: chat completions (streamed as server-sent events, and not) and
// /v1/embeddings, with the failures real backends have: JSON error bodies,
// 429 with Retry-After, 5xx, hangs, streams cut mid-answer, garbage JSON and
// empty answers. Every request is recorded so that tests can assert what
// the prompt contained.
package llmtest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
	"unicode"

	openai "github.com/sashabaranov/go-openai"
)

// Reply scripts one response of the fake.
type Reply struct {
	// Status is the HTTP status (default 200). With a status of 400 or
	// more the body is an OpenAI-style JSON error unless Body is set.
	Status int
	// RetryAfter is sent as the Retry-After header when set.
	RetryAfter string
	// Body, if set, is sent as is (garbage JSON, an HTML error page).
	Body string
	// Text is the chat answer. Streamed, it is split into word-sized
	// chunks unless Chunks is set.
	Text   string
	Chunks []string
	// CutAfter, if positive, aborts a stream's connection after that many
	// chunks, without a finish reason or [DONE].
	CutAfter int
	// Hang blocks until the client gives up (or the server closes).
	Hang bool
	// StallAfter, if positive, stops a stream after that many chunks and
	// blocks like Hang: a backend that went quiet mid-answer.
	StallAfter int
	// NoUsage leaves the token counts out.
	NoUsage bool
	// KeepAlive, if positive, sends that many chunks without text before
	// the answer, one every KeepAliveEvery (default 10ms), as backends do
	// to keep a connection open while the model thinks (or hangs).
	// KeepAliveComments sends them as SSE comments (": keep-alive")
	// instead of empty deltas.
	KeepAlive         int
	KeepAliveEvery    time.Duration
	KeepAliveComments bool
	// IgnoreMaxTokens sends the whole Text even when the request's
	// max_completion_tokens (or max_tokens) is smaller, as Ollama does
	// (ollama/ollama#7125). Otherwise the fake stops at the limit, at four
	// characters a token, with finish reason "length", as OpenAI does.
	IgnoreMaxTokens bool
	// ErrorAfter, if positive, ends a stream after that many chunks with an
	// error event, as OpenAI does when a request fails mid-stream:
	// `data: {"error": {...}}`, of type ErrorType (default "server_error").
	ErrorAfter int
	ErrorType  string
}

// Request is one recorded request.
type Request struct {
	Method, Path string
	Header       http.Header
	Body         []byte
	// Chat is set for /chat/completions.
	Chat *openai.ChatCompletionRequest
	// Embeddings is set for /embeddings; Inputs are its texts.
	Embeddings *openai.EmbeddingRequestStrings
}

// Server is the fake backend. Set Respond, or queue replies with Push;
// with neither, chat answers are "OK [1]".
type Server struct {
	*httptest.Server
	// Respond, if set, answers chat requests that the queue does not.
	Respond func(r Request) Reply
	// Dimensions of the embeddings (default 64).
	Dimensions int

	mu       sync.Mutex
	queue    []Reply
	requests []Request
	closing  chan struct{}
	once     sync.Once
}

// New starts a fake backend; it is closed when the test ends.
func New(t interface{ Cleanup(func()) }) *Server {
	s := &Server{Dimensions: 64, closing: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// URL of the API, ending in /v1 like OPENAI_BASE_URL.
func (s *Server) BaseURL() string { return s.Server.URL + "/v1" }

// Close releases hanging requests and stops the server.
func (s *Server) Close() {
	s.once.Do(func() { close(s.closing) })
	s.Server.Close()
}

// Push queues replies for the next chat requests, in order.
func (s *Server) Push(r ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, r...)
}

// Requests returns what was asked so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ChatRequests returns the recorded chat completion requests.
func (s *Server) ChatRequests() []openai.ChatCompletionRequest {
	var out []openai.ChatCompletionRequest
	for _, r := range s.Requests() {
		if r.Chat != nil {
			out = append(out, *r.Chat)
		}
	}
	return out
}

// EmbeddingInputs returns the texts of each recorded embeddings request.
func (s *Server) EmbeddingInputs() [][]string {
	var out [][]string
	for _, r := range s.Requests() {
		if r.Embeddings != nil {
			out = append(out, r.Embeddings.Input)
		}
	}
	return out
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "couldn't read the body")
		return
	}
	rec := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
	switch r.URL.Path {
	case "/v1/chat/completions":
		var cr openai.ChatCompletionRequest
		if err := json.Unmarshal(body, &cr); err != nil {
			s.record(rec)
			writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
			return
		}
		rec.Chat = &cr
		s.record(rec)
		s.chat(w, r, &cr, s.next(rec))
	case "/v1/embeddings":
		var er openai.EmbeddingRequestStrings
		if err := json.Unmarshal(body, &er); err != nil {
			// OpenAI also accepts a single string as input.
			var one struct {
				Input string `json:"input"`
				Model string `json:"model"`
			}
			if json.Unmarshal(body, &one) != nil {
				s.record(rec)
				writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
				return
			}
			er = openai.EmbeddingRequestStrings{Input: []string{one.Input}, Model: openai.EmbeddingModel(one.Model)}
		}
		rec.Embeddings = &er
		s.record(rec)
		s.embeddings(w, &er)
	default:
		s.record(rec)
		writeError(w, http.StatusNotFound, "unknown path "+r.URL.Path)
	}
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r)
}

func (s *Server) next(r Request) Reply {
	s.mu.Lock()
	if len(s.queue) > 0 {
		rep := s.queue[0]
		s.queue = s.queue[1:]
		s.mu.Unlock()
		return rep
	}
	s.mu.Unlock()
	if s.Respond != nil {
		return s.Respond(r)
	}
	return Reply{Text: "OK [1]"}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	typ := "invalid_request_error"
	switch {
	case status == http.StatusTooManyRequests:
		typ = "rate_limit_error"
	case status >= 500:
		typ = "server_error"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": typ, "code": nil}})
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request, cr *openai.ChatCompletionRequest, rep Reply) {
	if rep.Hang {
		select {
		case <-r.Context().Done():
		case <-s.closing:
		}
		return
	}
	if rep.RetryAfter != "" {
		w.Header().Set("Retry-After", rep.RetryAfter)
	}
	status := rep.Status
	if status == 0 {
		status = http.StatusOK
	}
	if rep.Body != "" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, rep.Body)
		return
	}
	if status >= 400 {
		writeError(w, status, http.StatusText(status))
		return
	}
	prompt := 0
	for _, m := range cr.Messages {
		prompt += Tokens(m.Content)
	}
	finish := openai.FinishReasonStop
	limit := cr.MaxCompletionTokens
	if limit == 0 {
		//lint:ignore SA1019 older clients still send max_tokens, and servers honour it
		limit = cr.MaxTokens
	}
	if limit > 0 && !rep.IgnoreMaxTokens && Tokens(rep.Text) > limit {
		rep.Text, rep.Chunks, finish = cutRunes(rep.Text, 4*limit), nil, openai.FinishReasonLength
	}
	usage := openai.Usage{PromptTokens: prompt, CompletionTokens: Tokens(rep.Text)}
	usage.TotalTokens = usage.PromptTokens + usage.CompletionTokens
	if !cr.Stream {
		resp := openai.ChatCompletionResponse{
			ID: "chatcmpl-fake", Object: "chat.completion", Model: cr.Model,
			Choices: []openai.ChatCompletionChoice{{
				Message:      openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: rep.Text},
				FinishReason: finish,
			}},
		}
		if !rep.NoUsage {
			resp.Usage = usage
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(resp)
		return
	}

	w.Header().Set("Content-Type", "text/event-stream")
	flusher, _ := w.(http.Flusher)
	send := func(v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		if flusher != nil {
			flusher.Flush()
		}
	}
	chunks := rep.Chunks
	if chunks == nil {
		chunks = splitWords(rep.Text)
	}
	chunk := func(delta string, finish openai.FinishReason) openai.ChatCompletionStreamResponse {
		return openai.ChatCompletionStreamResponse{
			ID: "chatcmpl-fake", Object: "chat.completion.chunk", Model: cr.Model,
			Choices: []openai.ChatCompletionStreamChoice{{Delta: openai.ChatCompletionStreamChoiceDelta{Content: delta}, FinishReason: finish}},
		}
	}
	send(chunk("", "")) // the role-only first chunk real servers send
	every := rep.KeepAliveEvery
	if every <= 0 {
		every = 10 * time.Millisecond
	}
	for range rep.KeepAlive {
		select {
		case <-r.Context().Done():
			return
		case <-s.closing:
			return
		case <-time.After(every):
		}
		if rep.KeepAliveComments {
			_, _ = io.WriteString(w, ": keep-alive\n\n")
			if flusher != nil {
				flusher.Flush()
			}
			continue
		}
		send(chunk("", ""))
	}
	for i, c := range chunks {
		if rep.StallAfter > 0 && i == rep.StallAfter {
			select {
			case <-r.Context().Done():
			case <-s.closing:
			}
			return
		}
		if rep.ErrorAfter > 0 && i == rep.ErrorAfter-1 {
			typ := rep.ErrorType
			if typ == "" {
				typ = "server_error"
			}
			send(map[string]any{"error": map[string]any{"message": "The server had an error while processing your request.", "type": typ, "code": nil}})
			return
		}
		if rep.CutAfter > 0 && i == rep.CutAfter {
			// Abort the connection the way a crashing backend or a proxy
			// timeout does: no finish reason, no [DONE].
			panic(http.ErrAbortHandler)
		}
		send(chunk(c, ""))
	}
	send(chunk("", finish))
	if cr.StreamOptions != nil && cr.StreamOptions.IncludeUsage && !rep.NoUsage {
		send(map[string]any{"id": "chatcmpl-fake", "object": "chat.completion.chunk", "choices": []any{}, "usage": usage})
	}
	_, _ = io.WriteString(w, "data: [DONE]\n\n")
}

// cutRunes cuts s to at most n bytes without splitting a character.
func cutRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

func splitWords(s string) []string {
	var out []string
	for len(s) > 0 {
		i := strings.IndexByte(s[1:], ' ')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

func (s *Server) embeddings(w http.ResponseWriter, er *openai.EmbeddingRequestStrings) {
	resp := openai.EmbeddingResponse{Object: "list", Model: er.Model}
	tokens := 0
	for i, text := range er.Input {
		resp.Data = append(resp.Data, openai.Embedding{Object: "embedding", Index: i, Embedding: Embed(text, s.Dimensions)})
		tokens += Tokens(text)
	}
	resp.Usage = openai.Usage{PromptTokens: tokens, TotalTokens: tokens}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

// Embed is the fake's embedding: hashed lower-case words, normalized, so
// that texts sharing words are near each other, as with a real model.
func Embed(text string, dims int) []float32 {
	v := make([]float32, dims)
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		h := fnv.New32a()
		_, _ = h.Write([]byte(w))
		v[h.Sum32()%uint32(dims)]++
	}
	var n float64
	for _, x := range v {
		n += float64(x * x)
	}
	if n == 0 {
		v[0], n = 1, 1
	}
	for i := range v {
		v[i] = float32(float64(v[i]) / math.Sqrt(n))
	}
	return v
}

// Tokens estimates a token count the usual way: four characters a token.
func Tokens(s string) int { return (len(s) + 3) / 4 }
