package retrieval

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"testing"

	"github.com/leviathan-bot/leviathan/content"
)

func dot(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func TestOfflineDeterministicAndNormalized(t *testing.T) {
	e := NewOffline()
	texts := []string{"Technofeudalismus und Big Tech", "What is technofeudalism?", "Ökonom Benoît Cœuré", ""}
	a, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewOffline().Embed(context.Background(), texts)
	for i, v := range a {
		if len(v) != e.Dimensions() {
			t.Fatalf("%q: %d dimensions, want %d", texts[i], len(v), e.Dimensions())
		}
		for j := range v {
			if v[j] != b[i][j] {
				t.Fatalf("%q: embedding differs between runs", texts[i])
			}
		}
		norm := math.Sqrt(dot(v, v))
		if texts[i] == "" {
			if norm != 0 {
				t.Errorf("empty text has norm %v, want 0", norm)
			}
			continue
		}
		if math.Abs(norm-1) > 1e-5 {
			t.Errorf("%q: norm %v, want 1", texts[i], norm)
		}
	}
}

func TestOfflineCrossLingual(t *testing.T) {
	e := NewOffline()
	vec := func(s string) []float32 {
		v, err := e.Embed(context.Background(), []string{s})
		if err != nil {
			t.Fatal(err)
		}
		return v[0]
	}
	tests := []struct{ a, b, unrelated string }{
		{"technofeudalism", "Technofeudalismus", "Fußball"},
		{"critical infrastructure", "kritische Infrastrukturen", "Apfelstrudel Rezept"},
		{"central banks", "Zentralbanken", "Lasagne"},
		// Words that share no letters across the languages
		// ("dependence"/"Abhängigkeit") are joined by the dictionary, on
		// the lexical side (see TestDictionaryFindsTranslations).
	}
	for _, tt := range tests {
		related, other := dot(vec(tt.a), vec(tt.b)), dot(vec(tt.a), vec(tt.unrelated))
		t.Logf("%s ~ %s: %.3f, ~ %s: %.3f", tt.a, tt.b, related, tt.unrelated, other)
		if related < 0.15 || related <= other+0.1 {
			t.Errorf("%s ~ %s = %.3f, ~ %s = %.3f: want the cognate clearly closer", tt.a, tt.b, related, tt.unrelated, other)
		}
	}
}

// offlineFingerprints pins, for each offlineVersion, a fingerprint of the
// vectors the offline embedder gives the essay's passages: the vectors a
// store keeps. A change to the algorithm that changes them (a stopword that
// occurs in the essay, a concept, a weight) without a new version would
// leave old stores in use with vectors that no longer agree with the
// queries'; this test is what notices. A change that leaves the passages'
// vectors alone (a stopword only questions use) needs no new version.
var offlineFingerprints = map[int]string{
	1: "01b77b35baa94a2c",
	2: "14e7bd34a4772379",
	3: "3712ef0d5ba6e38f",
}

func TestOfflineNameVersioned(t *testing.T) {
	if got, want := NewOffline().Name(), "offline-hash-v"+strconv.Itoa(offlineVersion)+"-d2048"; got != want {
		t.Errorf("Name() = %q, want %q", got, want)
	}
	var texts []string
	for _, p := range content.Load().Passages {
		texts = append(texts, indexText(p))
	}
	vecs, err := NewOffline().Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	h := fnv.New64a()
	for _, v := range vecs {
		for _, x := range v {
			// Rounded, so that a platform that fuses multiply-adds
			// differently does not count as a new algorithm.
			binary.Write(h, binary.LittleEndian, int32(math.Round(float64(x)*1e4)))
		}
	}
	got := fmt.Sprintf("%016x", h.Sum64())
	if want := offlineFingerprints[offlineVersion]; got != want {
		t.Errorf("the offline vectors of the essay have fingerprint %s, but version %d pinned %q: "+
			"if the algorithm changed, bump offlineVersion (stores are then rebuilt) and pin the new fingerprint", got, offlineVersion, want)
	}
}
