package sharedcache

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkCodec measures storing and reading an answer of K generated
// conversations (the bench's data), and reports the stored size against
// the upstream body.
func BenchmarkCodec(b *testing.B) {
	ks := []int{10000, 50000}
	if testing.Short() {
		ks = []int{1000}
	}
	for _, k := range ks {
		res := answer(b, k)
		data := encode(res, time.Now())
		b.Run(fmt.Sprintf("encode/K=%d", k), func(b *testing.B) {
			b.SetBytes(res.Bytes)
			for b.Loop() {
				encode(res, time.Now())
			}
			b.ReportMetric(float64(len(data))/float64(res.Bytes), "stored/body")
		})
		b.Run(fmt.Sprintf("decode/K=%d", k), func(b *testing.B) {
			b.SetBytes(res.Bytes)
			for b.Loop() {
				if _, _, err := decode(data, 1<<30); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
