package main

import "context"

// runChat runs the local console (stub: issue 4).
func (m *Main) runChat(ctx context.Context, args []string) int { return exitError }
