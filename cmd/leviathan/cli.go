package main

import "context"

// (stubs: issue 2)
func (m *Main) runAsk(ctx context.Context, args []string) int      { return exitError }
func (m *Main) runSearch(ctx context.Context, args []string) int   { return exitError }
func (m *Main) runQuote(ctx context.Context, args []string) int    { return exitError }
func (m *Main) runSummary(ctx context.Context, args []string) int  { return exitError }
func (m *Main) runPassages(ctx context.Context, args []string) int { return exitError }
func (m *Main) runIndex(ctx context.Context, args []string) int    { return exitError }
func (m *Main) runVersion(ctx context.Context, args []string) int  { return exitError }
