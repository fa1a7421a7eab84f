package retrieval

import "math"

// vectors holds every passage's vector in one block, dimension by
// dimension (data[j*n+i] is dimension j of passage i). chromem-go keeps
// the store on disk; searching is done here, because the offline
// embedder's vectors are sparse (a question hashes to a small share of
// the 2,048 dimensions), and a dot product that visits only the
// question's dimensions, each one a contiguous run over all passages, is
// many times cheaper than chromem's, which visits every dimension of
// every passage: 30 ms become a few over a book. One block also drops
// chromem's per-document copies and metadata once the store is open.
type vectors struct {
	dims, n int
	data    []float32
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
	return vectors{dims: dims, n: n, data: make([]float32, dims*n)}
}

// set stores vector i, normalized.
func (vs vectors) set(i int, v []float32) {
	for j, x := range normalized(v) {
		vs.data[j*vs.n+i] = x
	}
}

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
		for i, v := range col {
			acc[i] += x * v
		}
	}
	for i, a := range acc {
		out[i] = float64(a)
	}
	return out
}
