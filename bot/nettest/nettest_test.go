//go:build unix

package nettest

import (
	"errors"
	"net"
	"syscall"
	"testing"
)

func TestRefusedAddrRefuses(t *testing.T) {
	addr := RefusedAddr(t)
	for range 3 {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			t.Fatalf("dialing %s succeeded, want connection refused", addr)
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("dialing %s: %v, want connection refused", addr, err)
		}
	}
	// The port stays taken: nobody else can listen on it meanwhile.
	if l, err := net.Listen("tcp", addr); err == nil {
		l.Close()
		t.Errorf("could listen on %s while it is held", addr)
	}
}
