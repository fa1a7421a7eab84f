package retrieval

import "math"

// vectors holds every passage's vector in one block, dimension by
// dimension (data[j*n+i] is dimension j of passage i), each component a
// half-precision float. chromem-go keeps the store on disk; searching is
// done here, because the offline embedder's vectors are sparse (a question
// hashes to a small share of the 2,048 dimensions), and a dot product that
// visits only the question's dimensions, each one a contiguous run over
// all passages, is many times cheaper than chromem's, which visits every
// dimension of every passage: 30 ms become 2 over a book. Half precision
// halves what a book costs in memory (9,443 passages: 39 MB instead of
// 77); its relative error of 1/2048 changes no ranking the tests measure.
// One block also drops chromem's per-document copies and metadata once the
// store is open.
type vectors struct {
	dims, n int
	data    []uint16
}

// newVectors copies vecs (each normalized, as chromem stores them) into
// one block.
func newVectors(vecs [][]float32) vectors {
	if len(vecs) == 0 {
		return vectors{}
	}
	vs := makeVectors(len(vecs[0]), len(vecs))
	for i, v := range vecs {
		vs.set(i, v)
	}
	return vs
}

// makeVectors is a block for n vectors of dims dimensions, all zero.
func makeVectors(dims, n int) vectors {
	return vectors{dims: dims, n: n, data: make([]uint16, dims*n)}
}

// set stores vector i, normalized.
func (vs vectors) set(i int, v []float32) {
	for j, x := range normalized(v) {
		vs.data[j*vs.n+i] = toHalf(x)
	}
}

// get returns component j of vector i.
func (vs vectors) get(i, j int) float32 { return halfTable[vs.data[j*vs.n+i]] }

// isNormalizedTolerance is chromem-go's: a vector whose length is this
// close to 1 is used as it is.
const isNormalizedTolerance = 1e-6

// normalized returns v scaled to length 1 (v itself when it is already),
// as chromem does with what it stores and queries.
func normalized(v []float32) []float32 {
	var sq float64
	for _, x := range v {
		sq += float64(x) * float64(x)
	}
	n := math.Sqrt(sq)
	if math.Abs(n-1) < isNormalizedTolerance || n == 0 {
		return v
	}
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) / n)
	}
	return out
}

// scores is the cosine similarity of q with every vector, in order.
func (vs vectors) scores(q []float32) []float64 {
	out := make([]float64, vs.n)
	if vs.dims == 0 || len(q) != vs.dims {
		return out
	}
	acc := make([]float32, vs.n)
	for j, x := range normalized(q) {
		if x == 0 {
			continue
		}
		col := vs.data[j*vs.n : (j+1)*vs.n]
		for i, h := range col {
			acc[i] += x * halfTable[h]
		}
	}
	for i, a := range acc {
		out[i] = float64(a)
	}
	return out
}

// halfTable maps every half-precision bit pattern to its float32 value:
// 256 KB that make reading a component one load.
var halfTable = func() *[1 << 16]float32 {
	var t [1 << 16]float32
	for h := range t {
		t[h] = fromHalf(uint16(h))
	}
	return &t
}()

// toHalf rounds f to the nearest IEEE 754 half-precision value (to nearest
// even; overflow to infinity, underflow through subnormals to zero).
func toHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int((b>>23)&0xff) - 127 + 15
	mant := b & 0x7fffff
	switch {
	case (b>>23)&0xff == 0xff: // Inf or NaN
		if mant != 0 {
			return sign | 0x7e00
		}
		return sign | 0x7c00
	case exp >= 0x1f:
		return sign | 0x7c00
	case exp <= 0:
		if exp < -10 {
			return sign
		}
		mant |= 0x800000
		shift := uint(14 - exp)
		half := mant >> shift
		rem := mant & (1<<shift - 1)
		mid := uint32(1) << (shift - 1)
		if rem > mid || rem == mid && half&1 == 1 {
			half++
		}
		return sign | uint16(half)
	}
	half := uint32(exp)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || rem == 0x1000 && half&1 == 1 {
		half++ // may carry into the exponent, which is right
	}
	return sign | uint16(half)
}

// fromHalf is the float32 value of a half-precision bit pattern.
func fromHalf(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp == 0:
		if mant == 0 {
			return math.Float32frombits(sign)
		}
		// Subnormal: mant × 2^-24.
		v := float32(mant) * (1.0 / (1 << 24))
		if sign != 0 {
			v = -v
		}
		return v
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}
