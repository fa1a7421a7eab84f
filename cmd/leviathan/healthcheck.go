package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// runHealthcheck probes a running serve's /healthz and exits 0 when it
// answers 200, 1 otherwise. It exists because the image is FROM scratch:
// a container HEALTHCHECK has no shell, curl or wget to call.
//
// It reads only LEVIATHAN_HTTP_ADDR, not the whole configuration: a health
// probe must not fail because some unrelated setting is off (serve would
// have refused to start then anyway), and its exit code must stay 0 or 1,
// which is all container runtimes understand.
func (m *Main) runHealthcheck(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("leviathan healthcheck", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	url := fs.String("url", "", "URL to probe (default: /healthz on LEVIATHAN_HTTP_ADDR, with 127.0.0.1 for an empty or wildcard host)")
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	fs.Usage = func() {
		fmt.Fprint(m.Stderr, "Usage: leviathan healthcheck [flags]\n\nProbe a running serve's /healthz: exit 0 when it answers 200, 1 otherwise.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(m.Stderr, "leviathan healthcheck: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return exitUsage
	}
	if *url == "" {
		u, err := healthURL(httpAddrFrom(m.Environ))
		if err != nil {
			fmt.Fprintf(m.Stderr, "unhealthy: %v\n", err)
			return exitError
		}
		*url = u
	}
	if err := probe(ctx, *url, *timeout); err != nil {
		fmt.Fprintf(m.Stderr, "unhealthy: %v\n", err)
		return exitError
	}
	fmt.Fprintf(m.Stdout, "healthy: %s answered 200\n", *url)
	return exitOK
}

// httpAddrFrom returns LEVIATHAN_HTTP_ADDR as loadConfig would see it.
func httpAddrFrom(environ []string) string {
	for _, s := range settings {
		if s.Env != "LEVIATHAN_HTTP_ADDR" {
			continue
		}
		v := s.Default
		for _, kv := range environ {
			if k, val, ok := strings.Cut(kv, "="); ok && k == s.Env {
				v = strings.TrimSpace(val)
			}
		}
		return v
	}
	panic("LEVIATHAN_HTTP_ADDR missing from settings")
}

// healthURL turns a listen address into the URL a local probe uses: an
// empty or wildcard host means "every interface", which is reached on
// loopback.
func healthURL(addr string) (string, error) {
	if addr == "" {
		return "", errors.New("the health server is off (LEVIATHAN_HTTP_ADDR is empty)")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("couldn't read LEVIATHAN_HTTP_ADDR %q: %w", addr, err)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}

func probe(ctx context.Context, url string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("couldn't build a request for %s: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("%s did not answer within %s", url, timeout)
		}
		return fmt.Errorf("couldn't reach %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	if resp.StatusCode != http.StatusOK {
		msg := strings.TrimSpace(string(body))
		if msg != "" {
			msg = ": " + msg
		}
		return fmt.Errorf("%s answered %s%s", url, resp.Status, msg)
	}
	return nil
}
