package retrieval

import (
	"math"
	"testing"
)

func TestHalfPrecision(t *testing.T) {
	for _, f := range []float32{0, 1, -1, 0.5, 0.1, -0.333, 65504, 1e-5, 6e-8, 1e-9, 70000, -70000} {
		got := fromHalf(toHalf(f))
		switch {
		case math.Abs(float64(f)) > 65520:
			if !math.IsInf(float64(got), int(math.Copysign(1, float64(f)))) {
				t.Errorf("%g → %g, want infinity", f, got)
			}
		case math.Abs(float64(f)) < 3e-8:
			if got != 0 {
				t.Errorf("%g → %g, want 0", f, got)
			}
		case math.Abs(float64(got-f)) > math.Max(math.Abs(float64(f))/2048, 6e-8):
			t.Errorf("%g → %g: more than half a unit off", f, got)
		}
	}
	// Every half value survives the way back.
	for h := range 1 << 16 {
		if f := fromHalf(uint16(h)); !math.IsNaN(float64(f)) && toHalf(f) != uint16(h) {
			t.Fatalf("%#04x → %g → %#04x", h, f, toHalf(f))
		}
	}
}

func TestVectorScores(t *testing.T) {
	vs := newVectors([][]float32{{1, 0, 0, 0}, {0, 3, 4, 0}, {0, 0, 0, 0}})
	got := vs.scores([]float32{0, 0, 2, 0})
	want := []float64{0, 0.8, 0}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-3 {
			t.Errorf("scores = %v, want %v", got, want)
		}
	}
	if vs.get(1, 1) < 0.599 || vs.get(1, 1) > 0.601 {
		t.Errorf("component (1,1) = %g, want 0.6", vs.get(1, 1))
	}
}
