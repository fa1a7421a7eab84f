package retrieval

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofrs/flock"

	"github.com/leviathan-bot/leviathan/content"
)

// checkComplete fails unless ix holds every passage of the essay: a store
// read while another Open was writing it would hold fewer.
func checkComplete(ix *Index, essay *content.Essay) error {
	dims := NewOffline().Dimensions()
	if ix.vecs.dims != dims || ix.vecs.n != len(essay.Passages) || len(ix.vecs.data) != dims*ix.vecs.n {
		return fmt.Errorf("store holds %d vectors of %d dimensions, want %d of %d", ix.vecs.n, ix.vecs.dims, len(essay.Passages), dims)
	}
	for i, p := range essay.Passages {
		v := make([]float32, dims)
		for j := range v {
			v[j] = ix.vecs.get(i, j)
		}
		if isZero(v) {
			return fmt.Errorf("passage %s has no vector", p.Label)
		}
	}
	return nil
}

// TestConcurrentOpens: many Opens at once on an empty directory, some of
// them rebuilding, all succeed with a complete store on disk.
func TestConcurrentOpens(t *testing.T) {
	essay := content.Load()
	dir := t.TempDir()
	const n = 16
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ix, err := Open(t.Context(), essay, Options{Dir: dir, Embedder: NewOffline(), Rebuild: i%4 == 3})
			if err == nil {
				err = checkComplete(ix, essay)
			}
			if err == nil && ix.Stats().Memory {
				err = fmt.Errorf("fell back to memory: %s", ix.Stats().Reason)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// openProcessEnv names the data directory for TestHelperOpenProcess.
const openProcessEnv = "LEVIATHAN_TEST_OPEN_DIR"

// TestHelperOpenProcess is not a test: TestConcurrentOpenProcesses runs
// the test binary with it, as separate processes sharing one directory.
func TestHelperOpenProcess(t *testing.T) {
	dir := os.Getenv(openProcessEnv)
	if dir == "" {
		t.Skip("runs only as a child of TestConcurrentOpenProcesses")
	}
	essay := content.Load()
	ix, err := Open(context.Background(), essay, Options{Dir: dir, Embedder: NewOffline()})
	if err != nil {
		t.Fatal(err)
	}
	if err := checkComplete(ix, essay); err != nil {
		t.Fatal(err)
	}
	if ix.Stats().Memory {
		t.Fatalf("fell back to memory: %s", ix.Stats().Reason)
	}
}

// TestConcurrentOpenProcesses: processes starting at once on an empty
// directory all open a complete store (without the lock, one in four
// failed or read half a store).
func TestConcurrentOpenProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	const n = 10
	for round := range 3 {
		// Two rounds start on an empty directory, the last on the store
		// the one before left.
		if round < 2 {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				cmd := exec.Command(os.Args[0], "-test.run=^TestHelperOpenProcess$", "-test.count=1")
				cmd.Env = append(os.Environ(), openProcessEnv+"="+dir)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("round %d, process %d: %v\n%s", round, i, err, out)
				}
			})
		}
		wg.Wait()
	}
}

// logged returns a logger that writes into the returned buffer.
func logged() (*slog.Logger, *syncBuffer) {
	b := &syncBuffer{}
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestUnusableDirFallsBackToMemory: a data directory that cannot hold the
// store costs its reuse, not the run.
func TestUnusableDirFallsBackToMemory(t *testing.T) {
	essay := content.Load()
	tests := []struct {
		name  string
		dir   func(t *testing.T) string
		setup func(t *testing.T, dir string)
	}{
		{"a file", func(t *testing.T) string {
			f := filepath.Join(t.TempDir(), "file")
			if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
			return f
		}, nil},
		{"below a file", func(t *testing.T) string {
			f := filepath.Join(t.TempDir(), "file")
			if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(f, "leviathan")
		}, nil},
		{"read-only", func(t *testing.T) string {
			if os.Geteuid() == 0 {
				t.Skip("root writes into read-only directories")
			}
			d := filepath.Join(t.TempDir(), "ro")
			if err := os.Mkdir(d, 0o500); err != nil {
				t.Fatal(err)
			}
			return d
		}, nil},
		{"locked too long", func(t *testing.T) string { return t.TempDir() }, func(t *testing.T, dir string) {
			fl := flock.New(filepath.Join(dir, lockFile))
			if ok, err := fl.TryLock(); !ok || err != nil {
				t.Fatalf("couldn't take the lock: %v", err)
			}
			t.Cleanup(func() { _ = fl.Unlock() })
			old := lockWait
			lockWait = 20 * time.Millisecond
			t.Cleanup(func() { lockWait = old })
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.dir(t)
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			log, buf := logged()
			ix, err := Open(t.Context(), essay, Options{Dir: dir, Embedder: NewOffline(), Logger: log})
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if err := checkComplete(ix, essay); err != nil {
				t.Error(err)
			}
			if st := ix.Stats(); !st.Built || !st.Memory || !strings.HasPrefix(st.Reason, "in-memory store: ") {
				t.Errorf("stats %+v, want an in-memory build with the reason", st)
			}
			if !strings.Contains(buf.String(), "level=WARN") || !strings.Contains(buf.String(), "in memory") {
				t.Errorf("no warning logged:\n%s", buf)
			}
			if hits, err := ix.Search(t.Context(), "Technofeudalismus", 3); err != nil || len(hits) != 3 {
				t.Errorf("Search = %d hits, %v", len(hits), err)
			}
		})
	}
}

// signalHandler tells when a log message containing want was written.
type signalHandler struct {
	want string
	seen chan struct{}
	once *sync.Once
}

func (h signalHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h signalHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h signalHandler) WithGroup(string) slog.Handler            { return h }
func (h signalHandler) Handle(_ context.Context, r slog.Record) error {
	if strings.Contains(r.Message, h.want) {
		h.once.Do(func() { close(h.seen) })
	}
	return nil
}

// TestWaitsForAnotherBuild: an Open that finds the lock taken waits for
// it rather than reading what is there, and then uses the directory.
func TestWaitsForAnotherBuild(t *testing.T) {
	essay := content.Load()
	dir := t.TempDir()
	fl := flock.New(filepath.Join(dir, lockFile))
	if ok, err := fl.TryLock(); !ok || err != nil {
		t.Fatalf("couldn't take the lock: %v", err)
	}
	waiting := signalHandler{want: "waiting for it", seen: make(chan struct{}), once: &sync.Once{}}
	done := make(chan *Index, 1)
	go func() {
		ix, err := Open(context.Background(), essay, Options{Dir: dir, Embedder: NewOffline(), Logger: slog.New(waiting)})
		if err != nil {
			t.Error(err)
		}
		done <- ix
	}()
	// The waiting Open says so before it waits; only then is the lock let go.
	select {
	case <-waiting.seen:
	case ix := <-done:
		t.Fatalf("Open returned while the lock was held: %+v", ix)
	}
	if err := fl.Unlock(); err != nil {
		t.Fatal(err)
	}
	ix := <-done
	if ix == nil {
		return
	}
	if st := ix.Stats(); st.Memory || st.Reason != "no usable manifest" {
		t.Errorf("stats %+v, want a build on disk", st)
	}
}
