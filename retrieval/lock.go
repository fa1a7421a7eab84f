package retrieval

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// lockFile is the data directory's lock: whoever holds it may read or
// write the store. chromem writes a store file by file and reads a whole
// directory at once, so without it a process starting while another
// builds reads half a store (and then "repairs" it by deleting it under
// the builder's feet).
const lockFile = "lock"

// lockWait bounds how long Open waits for another process's build. An
// offline build takes milliseconds and a remote embedder seconds; a lock
// held longer belongs to a process that hangs, and the store is then
// built in memory instead.
var lockWait = 2 * time.Minute

// lockPoll is how often a waiting Open tries the lock again. flock has no
// blocking call that honours a context.
const lockPoll = 5 * time.Millisecond

// storageError is a failure of the data directory itself (it cannot be
// created, locked, read or written), as opposed to the embedder's: Open
// falls back to an in-memory store on it.
type storageError struct{ err error }

func (e *storageError) Error() string { return e.err.Error() }
func (e *storageError) Unwrap() error { return e.err }

// lockDir takes the exclusive lock of dir, waiting up to lockWait for
// another process (or another Open in this one: flock locks belong to an
// open file, not to a process) to finish. The lock is advisory and is
// released by the kernel if the holder dies, so a crash never leaves the
// directory locked.
func lockDir(ctx context.Context, dir string, log *slog.Logger) (unlock func(), err error) {
	fl := flock.New(filepath.Join(dir, lockFile))
	ok, err := fl.TryLock()
	if err == nil && !ok {
		log.Debug("another process is using the passage store; waiting for it", "dir", dir)
		wctx, cancel := context.WithTimeout(ctx, lockWait)
		ok, err = fl.TryLockContext(wctx, lockPoll)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return nil, &storageError{fmt.Errorf("couldn't lock the data directory: another process held it for %s", lockWait)}
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("couldn't lock the data directory: %w", ctx.Err())
		}
		return nil, &storageError{fmt.Errorf("couldn't lock the data directory: %w", err)}
	}
	if !ok {
		return nil, &storageError{errors.New("couldn't lock the data directory")}
	}
	return func() {
		if err := fl.Unlock(); err != nil {
			log.Warn("couldn't unlock the data directory", "dir", dir, "err", err)
		}
	}, nil
}
