//go:build unix

// Package nettest gives tests an address that behaves like a backend that is
// down: connecting to it is refused at once. Tests of Leviathan's fallbacks
// (an unreachable model, Discord or health endpoint) need one.
//
// Listening on a port and closing it again is not enough: go test runs
// packages in parallel, and another package's server can be given the freed
// port before the test dials it, which turns "refused" into a stranger's
// answer. A socket that is bound but never listens keeps the port taken
// and refuses every connection, until the test ends.
package nettest

import (
	"fmt"
	"syscall"
	"testing"
)

// RefusedAddr returns "127.0.0.1:PORT" where connections are refused for as
// long as t runs.
func RefusedAddr(t testing.TB) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
}
