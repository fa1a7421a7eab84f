package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
)

// Secrets never reach a log line, whoever writes it: an error from the
// model backend may echo the API key ("Incorrect API key provided: Bearer
// sk-…"), discordgo logs request details, and a base URL may carry a
// password. Rather than trusting every call site, the one handler all
// logging goes through (set up in newLogger) rewrites what it is given.

// redacted replaces a secret in a log line.
const redacted = "[redacted]"

var (
	// bearerToken is an Authorization header's value, echoed in errors.
	bearerToken = regexp.MustCompile(`(?i)\bBearer\s+[^\s"',;]+`)
	// apiKeyShape is an OpenAI-style key ("sk-…", "sk-proj-…"), also as
	// backends echo it half masked ("sk-abc***********xyz").
	apiKeyShape = regexp.MustCompile(`\bsk-[A-Za-z0-9_\-*.]{6,}`)
	// urlUserinfo is the user:password@ of a URL.
	urlUserinfo = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.\-]*://)[^/@\s:]*:[^/@\s]*@`)
	// discordToken is the shape of a Discord bot token (three base64url
	// parts: user ID, timestamp, HMAC).
	discordToken = regexp.MustCompile(`\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}\b`)
)

// minSecret is the shortest configured secret replaced verbatim: a secret
// of one or two characters would blank out every word containing them,
// and is no secret anyway.
const minSecret = 4

// redactor knows the configured secrets and the shapes of unknown ones.
type redactor struct {
	secrets []string
}

// newRedactor collects the secrets of cfg: the API key, the Discord token
// and a password in the base URL.
func newRedactor(cfg Config) *redactor {
	r := &redactor{}
	add := func(s string) {
		if s = strings.TrimSpace(s); len(s) >= minSecret {
			r.secrets = append(r.secrets, s)
		}
	}
	add(cfg.APIKey)
	add(cfg.DiscordToken)
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			add(p)
			add(url.PathEscape(p))
		}
	}
	return r
}

// text replaces every secret in s.
func (r *redactor) text(s string) string {
	for _, sec := range r.secrets {
		s = strings.ReplaceAll(s, sec, redacted)
	}
	s = urlUserinfo.ReplaceAllString(s, "${1}"+redacted+"@")
	s = bearerToken.ReplaceAllString(s, "Bearer "+redacted)
	s = apiKeyShape.ReplaceAllString(s, redacted)
	return discordToken.ReplaceAllString(s, redacted)
}

// attr redacts an attribute's value: strings, errors and anything else
// that prints as text, and the attributes of groups.
func (r *redactor) attr(a slog.Attr) slog.Attr {
	a.Value = a.Value.Resolve()
	switch a.Value.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(r.text(a.Value.String()))
	case slog.KindGroup:
		attrs := a.Value.Group()
		out := make([]slog.Attr, len(attrs))
		for i, g := range attrs {
			out[i] = r.attr(g)
		}
		a.Value = slog.GroupValue(out...)
	case slog.KindAny:
		var s string
		if err, ok := a.Value.Any().(error); ok {
			s = err.Error()
		} else {
			s = fmt.Sprintf("%+v", a.Value.Any())
		}
		// Only a value that held a secret becomes text; others keep their
		// type (the JSON handler encodes them as they are).
		if red := r.text(s); red != s {
			a.Value = slog.StringValue(red)
		}
	}
	return a
}

// redactHandler is a slog.Handler that redacts secrets before handing a
// record on.
type redactHandler struct {
	next slog.Handler
	r    *redactor
}

func (h *redactHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h *redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.text(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.r.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *redactHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = h.r.attr(a)
	}
	return &redactHandler{next: h.next.WithAttrs(red), r: h.r}
}

func (h *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{next: h.next.WithGroup(name), r: h.r}
}
