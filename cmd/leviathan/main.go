// Command leviathan answers questions about Cédric Durand's essay on Trump,
// Big Tech and technofeudalism: from the command line, in a local console,
// and as a Discord bot.
//
// main only wires: it reads the configuration (environment and flags,
// validated at start), builds the parts and runs one subcommand until it is
// done or the context is cancelled. The work lives in content/, retrieval/
// and bot/.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := (&Main{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Environ: os.Environ(),
	}).Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // something failed at run time
	exitUsage = 2 // the command line or the configuration is wrong
)

// Main is the program, with its outside world passed in so that tests can
// run it end to end without a process.
type Main struct {
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	Environ []string
}
