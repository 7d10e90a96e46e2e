package photo

import (
	"context"
	"errors"
	"image"
	"image/color"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/openimis-go/openimis/internal/testpng"
)

func TestDeepPNGRefusedBeforeDecoding(t *testing.T) {
	data := testpng.BlackPNG(t, 4000, 4000, 16)
	if len(data) > 200<<10 {
		t.Fatalf("the test photo has %d bytes; it should be about 100 KB", len(data))
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	p, err := Check(t.Context(), data)
	runtime.ReadMemStats(&after)
	if got := errKey(t, err); got != ErrTooMuchMemory || p != nil {
		t.Fatalf("a %d-byte PNG of 4000 x 4000 at 16 bits: %v, %q; want %q", len(data), p, got, ErrTooMuchMemory)
	}
	var e *Error
	errors.As(err, &e)
	if !slices.Equal(e.Args, []any{124, MaxDecodedBytes >> 20}) {
		t.Errorf("Args = %v, want the 124 MiB needed and the limit", e.Args)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("refusing it allocated %d bytes", n)
	}
	// The same depth at a quarter of the pixels is an ordinary photo.
	if _, err := Check(t.Context(), testpng.BlackPNG(t, 2000, 2000, 16)); err != nil {
		t.Errorf("2000 x 2000 at 16 bits: %v", err)
	}
}

// jpegHeader is the start of a JPEG up to its first scan: SOI, the segments given, and a start
// of frame (marker sof) of w x h with the components given as id and sampling-factor pairs.
func jpegHeader(sof byte, w, h uint16, comps []byte, segments ...[]byte) []byte {
	out := []byte{0xFF, 0xD8}
	for _, s := range segments {
		out = append(out, s...)
	}
	frame := []byte{0xFF, sof, 0, byte(8 + 3*len(comps)/2), 8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(len(comps) / 2)}
	for i := 0; i < len(comps); i += 2 {
		frame = append(frame, comps[i], comps[i+1], 0)
	}
	return append(append(out, frame...), 0xFF, 0xDA)
}

// adobe is an APP14 segment with the colour transform given.
func adobe(transform byte) []byte {
	return []byte{0xFF, 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, transform}
}

func TestJPEGDecodedBytes(t *testing.T) {
	const w, h = 64, 48 // 3,072 pixels, whole 16 x 16 blocks
	ycc420 := []byte{1, 0x22, 2, 0x11, 3, 0x11}
	exif := []byte{0xFF, 0xE1, 0, 8, 'E', 'x', 'i', 'f', 0, 0}
	tests := []struct {
		name  string
		data  []byte
		model color.Model
		want  int64
	}{
		{"4:2:0 baseline", jpegHeader(0xC0, w, h, ycc420, exif), color.YCbCrModel, 4608},
		{"4:2:0 extended", jpegHeader(0xC1, w, h, ycc420), color.YCbCrModel, 4608},
		{"4:2:0 progressive", jpegHeader(0xC2, w, h, ycc420), color.YCbCrModel, 5 * 4608},
		{"4:4:4", jpegHeader(0xC0, w, h, []byte{1, 0x11, 2, 0x11, 3, 0x11}), color.YCbCrModel, 3 * 3072},
		{"gray, its factors ignored", jpegHeader(0xC0, w, h, []byte{1, 0x22}), color.GrayModel, 3072},
		{"gray progressive", jpegHeader(0xC2, w, h, []byte{1, 0x11}), color.GrayModel, 5 * 3072},
		{"RGB by component ids", jpegHeader(0xC0, w, h, []byte{'R', 0x11, 'G', 0x11, 'B', 0x11}), color.YCbCrModel, 7 * 3072},
		{"RGB by Adobe transform", jpegHeader(0xC0, w, h, ycc420, adobe(0)), color.YCbCrModel, 4608 + 4*3072},
		{"RGB by Adobe transform after the data", append(jpegHeader(0xC0, w, h, ycc420), adobe(0)...), color.YCbCrModel, 4608 + 4*3072},
		{"YCbCr by Adobe transform", jpegHeader(0xC0, w, h, ycc420, adobe(1)), color.YCbCrModel, 4608},
		{"truncated Adobe segment", append(jpegHeader(0xC0, w, h, ycc420), adobe(0)[:10]...), color.YCbCrModel, 4608},
		{"CMYK", jpegHeader(0xC0, w, h, []byte{1, 0x11, 2, 0x11, 3, 0x11, 4, 0x11}), color.CMYKModel, 8 * 3072},
		// A frame the reader cannot reach is costed as the worst of its colour model.
		{"unreadable, colour", []byte{0xFF, 0xD8, 0x00}, color.YCbCrModel, 19 * 3072},
		{"unreadable, gray", []byte{0xFF, 0xD8, 0x00}, color.GrayModel, 5 * 3072},
		{"unreadable, CMYK", []byte{0xFF, 0xD8, 0x00}, color.CMYKModel, 24 * 3072},
		{"bad sampling factor", jpegHeader(0xC0, w, h, []byte{1, 0x02, 2, 0x11, 3, 0x11}), color.YCbCrModel, 19 * 3072},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := image.Config{ColorModel: tt.model, Width: w, Height: h}
			if got := jpegDecodedBytes(tt.data, cfg); got != tt.want {
				t.Errorf("got %d bytes, want %d", got, tt.want)
			}
		})
	}
	// The decoder fills whole blocks: one pixel less each way takes as much.
	odd := image.Config{ColorModel: color.YCbCrModel, Width: w - 1, Height: h - 1}
	if got := jpegDecodedBytes(jpegHeader(0xC0, w-1, h-1, ycc420), odd); got != 4608 {
		t.Errorf("%d x %d: got %d bytes, want 4608", w-1, h-1, got)
	}
}

func TestPNGBytesPerPixel(t *testing.T) {
	for _, tt := range []struct {
		model color.Model
		want  int64
	}{
		{color.Palette{color.Black, color.White}, 1},
		{color.GrayModel, 1},
		{color.Gray16Model, 2},
		{color.RGBAModel, 4},
		{color.NRGBAModel, 4},
		{color.RGBA64Model, 8},
		{color.NRGBA64Model, 8},
	} {
		if got := pngBytesPerPixel(tt.model); got != tt.want {
			t.Errorf("%T %v: %d bytes, want %d", tt.model, tt.model, got, tt.want)
		}
	}
}

// TestDecodingTakesTurns holds every decoding turn, as MaxDecoding slow decodes would.
func TestDecodingTakesTurns(t *testing.T) {
	for range MaxDecoding {
		decoding <- struct{}{}
	}
	held := MaxDecoding
	defer func() {
		for range held {
			<-decoding
		}
	}()
	small := encPNG(t, gradient(64, 48))

	// A photo refused on its header does not wait for a turn.
	if _, err := Check(t.Context(), pngHeader(4000, 4000, 16, 2, 0)); errKey(t, err) != ErrTooMuchMemory {
		t.Fatalf("deep PNG while all turns are taken: %v", err)
	}
	// A request that ends while it waits gets its context's error and no photo.
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if p, err := Check(ctx, small); p != nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("while all turns are taken: %v, %v; want the deadline", p, err)
	}
	// A waiting photo is decoded as soon as a turn is free.
	done := make(chan error, 1)
	go func() {
		_, err := Check(t.Context(), small)
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("decoded while all %d turns were taken (%v)", MaxDecoding, err)
	case <-time.After(50 * time.Millisecond):
	}
	<-decoding
	held--
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("not decoded after a turn was freed")
	}
}
