package retrieval

import (
	"context"
	"math"
	"testing"
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
		{"dependence", "Abhängigkeit", "Wetter"},
		{"central banks", "Zentralbanken", "Lasagne"},
		{"contradiction", "Widerspruch", "Fahrrad"},
	}
	for _, tt := range tests {
		related, other := dot(vec(tt.a), vec(tt.b)), dot(vec(tt.a), vec(tt.unrelated))
		t.Logf("%s ~ %s: %.3f, ~ %s: %.3f", tt.a, tt.b, related, tt.unrelated, other)
		if related < 0.15 || related <= other+0.1 {
			t.Errorf("%s ~ %s = %.3f, ~ %s = %.3f: want the cognate clearly closer", tt.a, tt.b, related, tt.unrelated, other)
		}
	}
}

func TestOfflineNameVersioned(t *testing.T) {
	if got := NewOffline().Name(); got != "offline-hash-v1-d2048" {
		// Changing the algorithm must change the name (and so rebuild
		// stores); this test is the reminder to bump offlineVersion.
		t.Errorf("Name() = %q", got)
	}
}
