// Package ops is what an operator watches while serve runs: Prometheus
// metrics and a small HTTP server with /healthz, /readyz and /metrics.
//
// Metrics implements the bot/discord Metrics interface on its own
// registry (not the global default one), so tests and several servers in
// one process never collide and /metrics shows exactly Leviathan's series
// plus the Go and process collectors.
//
// The server answers /healthz with 200 for as long as the process lives
// (a liveness probe: restart only when it stops answering), and /readyz with
// 200 or 503 and the reason, from a readiness function the caller provides
// (serve reports ready when the passage index is loaded and the Discord
// gateway is connected). Readiness is a small helper for composing such a
// function from named conditions.
package ops
