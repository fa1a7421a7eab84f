package main

import "context"

// runServe runs the Discord bot (stub: issue 4).
func (m *Main) runServe(ctx context.Context, args []string) int { return exitError }
