package main

import "context"

// runHealthcheck probes a running serve (stub: issue 5).
func (m *Main) runHealthcheck(ctx context.Context, args []string) int { return exitError }
