package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// buildBinary builds the leviathan command once per benchmark, so that
// start-up is measured as users see it: a new process.
func buildBinary(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "leviathan")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("couldn't build the command: %v\n%s", err, out)
	}
	return bin
}

func runBinary(b *testing.B, bin, dataDir string) {
	b.Helper()
	cmd := exec.Command(bin, "ask", "Was versteht der Autor unter Technofeudalismus?")
	cmd.Env = append(os.Environ(), "LEVIATHAN_DATA_DIR="+dataDir, "LEVIATHAN_LOG_LEVEL=warn", "OPENAI_API_KEY=", "OPENAI_BASE_URL=")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("ask failed: %v\n%s", err, out)
	}
}

// BenchmarkColdStart runs `leviathan ask` as a new process with an empty
// data directory: the store is built from scratch (target < 0.5 s).
func BenchmarkColdStart(b *testing.B) {
	bin := buildBinary(b)
	root := b.TempDir()
	i := 0
	for b.Loop() {
		i++
		runBinary(b, bin, filepath.Join(root, strconv.Itoa(i)))
	}
}

// BenchmarkWarmStart runs `leviathan ask` as a new process over a store
// that is already built and current.
func BenchmarkWarmStart(b *testing.B) {
	bin := buildBinary(b)
	dir := b.TempDir()
	runBinary(b, bin, dir)
	for b.Loop() {
		runBinary(b, bin, dir)
	}
}
