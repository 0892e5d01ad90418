package main

import (
	"bytes"
	"encoding/json"
	"io"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// benchKs are the numbers of conversations the micro-benchmarks run at:
// the K, or the small ones under -short (which also leaves out
// secondary variants, so that CI's -short -benchtime=1x run stays quick).
func benchKs() []int {
	if testing.Short() {
		return []int{0, 1, 1000}
	}
	return []int{0, 1, 1000, 10000, 50000}
}

var (
	bodiesMu sync.Mutex
	bodies   = map[int][]byte{}
)

// body is the upstream body of K generated conversations, as the fake API
// encodes it by default (the {"message","data"} envelope, query/answer
// turns): the same seed and dates as the bench command's.
func body(k int) []byte {
	bodiesMu.Lock()
	defer bodiesMu.Unlock()
	if b, ok := bodies[k]; ok {
		return b
	}
	cs := stammertest.Generate(stammertest.GenerateOptions{Seed: defaultSeed, N: k, Start: dataStart, End: dataEnd})
	b := stammertest.Encode(cs, stammertest.ShapeEnvelope, stammertest.StyleTurns)
	bodies[k] = b
	return b
}

// BenchmarkDecodeList decodes an upstream body at each K with the
// client's streaming decoder, as Client.ListConversations does.
func BenchmarkDecodeList(b *testing.B) {
	for _, k := range benchKs() {
		body := body(k)
		b.Run("K="+strconv.Itoa(k), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				res, err := stammer.DecodeList(bytes.NewReader(body), 0)
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Conversations) != k {
					b.Fatalf("decoded %d conversations, want %d", len(res.Conversations), k)
				}
			}
		})
	}
}

// envelope is what a quick client written for this one body shape would
// unmarshal into with encoding/json: the baseline of BenchmarkDecodeList.
// It knows the field names in advance and normalises nothing, so it does
// less than the streaming decoder (which recognises five shapes and many
// spellings); its figures are a floor for "decoding with the standard
// library", not a competitor.
type envelope struct {
	Message string `json:"message"`
	Data    []struct {
		ID                 int64     `json:"id"`
		UUID               string    `json:"uuid"`
		ConversationNumber int64     `json:"conversation_number"`
		ChatbotID          int64     `json:"chatbot_id"`
		ChatbotUUID        string    `json:"chatbot_uuid"`
		UserKey            string    `json:"user_key"`
		SourcePlatform     string    `json:"source_platform"`
		IsActive           bool      `json:"is_active"`
		CreatedAt          time.Time `json:"created_at"`
		UpdatedAt          time.Time `json:"updated_at"`
		Messages           []struct {
			Query     string    `json:"query"`
			Answer    *string   `json:"answer"`
			CreatedAt time.Time `json:"created_at"`
		} `json:"messages"`
	} `json:"data"`
}

// BenchmarkDecodeListBaseline decodes the same bodies with encoding/json:
// json.Unmarshal of the whole body (read into memory first, as
// io.ReadAll would) into a struct of the known shape.
func BenchmarkDecodeListBaseline(b *testing.B) {
	for _, k := range benchKs() {
		body := body(k)
		b.Run("K="+strconv.Itoa(k)+"/unmarshal", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				raw, err := io.ReadAll(bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				var e envelope
				if err := json.Unmarshal(raw, &e); err != nil {
					b.Fatal(err)
				}
				if len(e.Data) != k {
					b.Fatalf("decoded %d conversations, want %d", len(e.Data), k)
				}
			}
		})
		if testing.Short() {
			continue // -short: json.Unmarshal is the baseline; the Decoder variant only in full runs
		}
		b.Run("K="+strconv.Itoa(k)+"/decoder", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var e envelope
				if err := json.NewDecoder(bytes.NewReader(body)).Decode(&e); err != nil {
					b.Fatal(err)
				}
				if len(e.Data) != k {
					b.Fatalf("decoded %d conversations, want %d", len(e.Data), k)
				}
			}
		})
	}
}

// BenchmarkDecodeListRetained reports what a decoded result keeps alive:
// the heap in use after decoding and a full GC, per body byte. This is the
// floor of stammer-mcp's memory for one cached answer.
func BenchmarkDecodeListRetained(b *testing.B) {
	ks := benchKs()
	if testing.Short() {
		ks = ks[len(ks)-1:] // -short: the largest K only
	}
	for _, k := range ks {
		if k == 0 {
			continue
		}
		body := body(k)
		b.Run("K="+strconv.Itoa(k), func(b *testing.B) {
			var kept float64
			for b.Loop() {
				before := heapInUse()
				res, err := stammer.DecodeList(bytes.NewReader(body), 0)
				if err != nil {
					b.Fatal(err)
				}
				kept = float64(heapInUse() - before)
				if len(res.Conversations) != k { // keeps res alive past the measurement
					b.Fatal("short decode")
				}
			}
			b.ReportMetric(kept/float64(len(body)), "retained/body-byte")
			b.ReportMetric(kept, "retained-B")
		})
	}
}

// heapInUse is the live heap after a full collection.
func heapInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
