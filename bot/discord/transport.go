package discord

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bwmarrin/discordgo"
)

// discordOrigin is where discordgo sends every REST call (its endpoint
// variables are fixed at package init).
const discordOrigin = "discord.com"

// originRewriter sends requests meant for https://discord.com to another
// origin, keeping the path and query. A path in the target origin (a proxy
// mounted under a prefix) is put in front of the request's path.
type originRewriter struct {
	base   http.RoundTripper
	target *url.URL
}

func (o originRewriter) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != discordOrigin {
		return o.base.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.URL.Scheme = o.target.Scheme
	r.URL.Host = o.target.Host
	r.Host = ""
	if p := strings.TrimRight(o.target.Path, "/"); p != "" {
		r.URL.Path = p + r.URL.Path
		r.URL.RawPath = ""
	}
	return o.base.RoundTrip(r)
}

// newHTTPClient returns the client for REST calls: its own transport (so
// shutdown can close its idle connections), the origin rewrite when apiURL
// is not Discord's, and a timeout.
func newHTTPClient(apiURL string, cfg Config) (*http.Client, *http.Transport, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	var rt http.RoundTripper = tr
	if apiURL != "" && apiURL != "https://"+discordOrigin {
		u, err := url.Parse(apiURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, nil, fmt.Errorf("couldn't use %q as the Discord API origin: want http(s)://host[:port]", apiURL)
		}
		rt = originRewriter{base: tr, target: u}
	}
	return &http.Client{Transport: rt, Timeout: cfg.HTTPTimeout}, tr, nil
}

// The discordgo logger is a package variable, so the bridge is installed once
// and logs to whichever adapter was created last. One process runs one
// adapter; tests that run several share the line format, which is harmless.
var (
	bridgeOnce   sync.Once
	bridgeLogger atomic.Pointer[slog.Logger]
)

// bridgeLogs sends discordgo's log lines to log/slog.
func bridgeLogs(log *slog.Logger) {
	bridgeLogger.Store(log)
	bridgeOnce.Do(func() {
		discordgo.Logger = func(msgL, caller int, format string, a ...any) {
			l := bridgeLogger.Load()
			level := slog.LevelDebug
			switch msgL {
			case discordgo.LogError:
				level = slog.LevelError
			case discordgo.LogWarning:
				level = slog.LevelWarn
			case discordgo.LogInformational:
				level = slog.LevelDebug // discordgo is chatty at info
			}
			msg := fmt.Sprintf(format, a...)
			if !l.Enabled(context.Background(), level) && !strings.Contains(msg, "4014") {
				return
			}
			l.Log(context.Background(), level, "discordgo: "+strings.TrimSpace(msg))
			if strings.Contains(msg, "close 4014") {
				l.Error(intentHint)
			}
		}
	})
}

// intentHint is logged when Discord refuses the MESSAGE_CONTENT intent.
const intentHint = "Discord refused the MESSAGE_CONTENT intent (gateway close 4014): enable \"Message Content Intent\" " +
	"for this bot in the Developer Portal (Bot → Privileged Gateway Intents), or unset DISCORD_MESSAGE_CONTENT " +
	"(and DISCORD_THREADS, which needs it)"
