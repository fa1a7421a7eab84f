package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/leviathan-bot/leviathan/bot/discord"
	"github.com/leviathan-bot/leviathan/bot/ops"
)

// The check lives here, where the two meet, so that bot/ops (metrics) does
// not link the Discord adapter and everything it imports.
var _ discord.Metrics = (*ops.Metrics)(nil)

// serveOps is serve's operational side: the metrics the Discord adapter
// records into, the readiness /readyz reports, and the HTTP server that
// shows both.
type serveOps struct {
	Metrics *ops.Metrics
	// Ready starts with "index" and "gateway" unmet. serve calls
	// Ready.OK("index") once the store is open and
	// Ready.Track("gateway", bot.Ready) once the adapter exists.
	Ready *ops.Readiness
	srv   *ops.Server
	log   *slog.Logger
}

// startOps starts the health and metrics server on cfg.HTTPAddr (none when
// it is empty). serve calls it first, before opening the store and
// connecting to Discord, so that /healthz answers from the first moment —
// a liveness probe must not kill a pod that is still building its store or
// waiting for Discord — while /readyz says what is still missing.
func startOps(cfg Config, log *slog.Logger) (*serveOps, error) {
	o := &serveOps{
		Metrics: ops.NewMetrics(),
		Ready:   ops.NewReadiness("index", "gateway"),
		log:     log,
	}
	if cfg.HTTPAddr == "" {
		log.Info("health and metrics server off (LEVIATHAN_HTTP_ADDR is empty)")
		return o, nil
	}
	o.srv = ops.NewServer(cfg.HTTPAddr, o.Metrics, o.Ready.Check, log)
	if err := o.srv.Start(); err != nil {
		return nil, err
	}
	return o, nil
}

// Addr is where the server listens ("" when it is off).
func (o *serveOps) Addr() string {
	if o.srv == nil {
		return ""
	}
	return o.srv.Addr()
}

// Stop shuts the server down, giving scrapes in flight a moment. serve
// calls it last, after the adapter has finished, so that probes keep
// answering (/readyz with "shutting down") during the graceful shutdown.
func (o *serveOps) Stop() {
	if o.srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := o.srv.Shutdown(ctx); err != nil {
		o.log.Warn("health server did not stop cleanly", "err", err)
	}
}
