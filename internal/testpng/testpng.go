// Package testpng writes PNG files for tests: tiny on disk, large once decoded.
package testpng

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"testing"
)

// BlackPNG is a black w x h RGB photo with depth bits per sample (8 or 16), written a row at a
// time. It compresses about a thousandfold: 4000 x 4000 at 16 bits is under 100 KB of PNG and
// 128 MB decoded, the way an upload can try to exhaust the server's memory.
func BlackPNG(t testing.TB, w, h, depth int) []byte {
	t.Helper()
	var idat bytes.Buffer
	z := zlib.NewWriter(&idat)
	row := make([]byte, 1+3*depth/8*w) // filter type 0, then the samples
	for range h {
		if _, err := z.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = byte(depth), 2 // colour type 2: RGB
	out := []byte("\x89PNG\r\n\x1a\n")
	for _, c := range []struct {
		typ  string
		data []byte
	}{{"IHDR", ihdr}, {"IDAT", idat.Bytes()}, {"IEND", nil}} {
		out = binary.BigEndian.AppendUint32(out, uint32(len(c.data)))
		body := append([]byte(c.typ), c.data...)
		out = append(out, body...)
		out = binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(body))
	}
	return out
}
