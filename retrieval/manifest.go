package retrieval

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// storeFormat changes when the layout of the store (collection name,
// metadata keys, manifest fields) changes.
const storeFormat = 1

const (
	manifestFile   = "manifest.json"
	chromemDir     = "chromem"
	collectionName = "passages"
)

// manifest records what built the store. It is written last, after every
// passage is stored, so a build that was interrupted leaves no manifest (or
// an old one that no longer matches) and the next start rebuilds.
type manifest struct {
	Format      int    `json:"format"`
	ContentHash string `json:"content_hash"`
	Embedder    string `json:"embedder"`
	Dimensions  int    `json:"dimensions"`
	Passages    int    `json:"passages"`
}

// readManifest returns the manifest in dir; a missing one is
// fs.ErrNotExist.
func readManifest(dir string) (manifest, error) {
	var m manifest
	b, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if err != nil {
		return m, fmt.Errorf("couldn't read the store manifest: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("couldn't parse the store manifest: %w", err)
	}
	return m, nil
}

// writeManifest replaces the manifest atomically (write, then rename), so a
// crash never leaves half a manifest that happens to parse.
func writeManifest(dir string, m manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("couldn't encode the store manifest: %w", err)
	}
	tmp, err := os.CreateTemp(dir, manifestFile+".*")
	if err != nil {
		return fmt.Errorf("couldn't write the store manifest: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("couldn't write the store manifest: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("couldn't write the store manifest: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, manifestFile)); err != nil {
		return fmt.Errorf("couldn't write the store manifest: %w", err)
	}
	return nil
}

// removeManifest drops the manifest before a rebuild starts.
func removeManifest(dir string) error {
	err := os.Remove(filepath.Join(dir, manifestFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("couldn't remove the old store manifest: %w", err)
	}
	return nil
}

// mismatch says why a manifest does not describe the store wanted, or ""
// when it does. An embedder that learns its dimensions from its first
// response (a remote model) reports 0 until then; its name is enough.
func (m manifest) mismatch(want manifest) string {
	switch {
	case m.Format != want.Format:
		return fmt.Sprintf("store format %d, want %d", m.Format, want.Format)
	case m.ContentHash != want.ContentHash:
		return "the essay changed"
	case m.Embedder != want.Embedder:
		return fmt.Sprintf("built by embedder %q, now %q", m.Embedder, want.Embedder)
	case want.Dimensions != 0 && m.Dimensions != want.Dimensions:
		return fmt.Sprintf("built with %d dimensions, now %d", m.Dimensions, want.Dimensions)
	case m.Passages != want.Passages:
		return fmt.Sprintf("%d passages recorded, the essay has %d", m.Passages, want.Passages)
	}
	return ""
}
