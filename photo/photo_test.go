package photo

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// gradient returns a w x h opaque image with varied content, so encoders cannot shrink it to nothing.
func gradient(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / max(1, w-1)), uint8(y * 255 / max(1, h-1)), uint8((x + y) % 256), 255})
		}
	}
	return img
}

func encJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encPNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngChunk encodes one PNG chunk with its CRC, which png.DecodeConfig verifies.
func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	return b.Bytes()
}

// pngHeaderOnly is a PNG signature, an IHDR for an 8-bit RGB w x h image and IEND, with no image
// data at all: decoding it fails, so only a header check can report its size.
func pngHeaderOnly(w, h uint32) []byte { return pngHeader(w, h, 8, 2, 0) }

// pngHeader is pngHeaderOnly with the bit depth, colour type and interlace method given.
func pngHeader(w, h uint32, depth, colour, interlace byte) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9], ihdr[12] = depth, colour, interlace
	out := append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...)
	return append(out, pngChunk("IEND", nil)...)
}

// jpegClaiming returns a real small JPEG whose frame header is patched to claim w x h.
func jpegClaiming(t testing.TB, w, h uint16) []byte {
	t.Helper()
	data := encJPEG(t, gradient(16, 16))
	i := bytes.Index(data, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0 in encoded JPEG")
	}
	binary.BigEndian.PutUint16(data[i+5:], h)
	binary.BigEndian.PutUint16(data[i+7:], w)
	return data
}

// progressive marks a JPEG from jpeg.Encode as progressive, without recoding its data.
func progressive(jpg []byte) []byte {
	jpg = slices.Clone(jpg)
	jpg[bytes.Index(jpg, []byte{0xFF, 0xC0})+1] = 0xC2
	return jpg
}

// withExif inserts an APP1 EXIF segment with the given orientation right after SOI.
func withExif(jpg []byte, orientation uint16, bo binary.ByteOrder) []byte {
	var t bytes.Buffer
	if bo == binary.ByteOrder(binary.LittleEndian) {
		t.WriteString("II")
	} else {
		t.WriteString("MM")
	}
	binary.Write(&t, bo, uint16(42))
	binary.Write(&t, bo, uint32(8)) // IFD0 right after the header
	binary.Write(&t, bo, uint16(2)) // two entries
	// An unrelated tag first (ImageWidth, LONG), so the parser has to walk the IFD.
	binary.Write(&t, bo, []uint16{0x0100, 4})
	binary.Write(&t, bo, []uint32{1, 1234})
	binary.Write(&t, bo, []uint16{0x0112, 3})
	binary.Write(&t, bo, uint32(1))
	binary.Write(&t, bo, []uint16{orientation, 0})
	binary.Write(&t, bo, uint32(0)) // no next IFD
	seg := append([]byte("Exif\x00\x00"), t.Bytes()...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

func gifBytes(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	img := image.NewPaletted(image.Rect(0, 0, 32, 32), color.Palette{color.Black, color.White})
	if err := gif.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func errKey(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *photo.Error", err, err)
	}
	if err.Error() != e.Key {
		t.Errorf("Error() = %q, want the key %q", err.Error(), e.Key)
	}
	return e.Key
}

// checkThumb asserts that p.Thumb is a JPEG of exactly tw x th.
func checkThumb(t *testing.T, p *Photo, tw, th int) image.Image {
	t.Helper()
	img, format, err := image.Decode(bytes.NewReader(p.Thumb))
	if err != nil || format != "jpeg" {
		t.Fatalf("thumbnail does not decode as JPEG: format %q, %v", format, err)
	}
	if b := img.Bounds(); b.Dx() != tw || b.Dy() != th {
		t.Fatalf("thumbnail is %dx%d, want %dx%d", b.Dx(), b.Dy(), tw, th)
	}
	return img
}

func TestCheckAccepts(t *testing.T) {
	gray := image.NewGray(image.Rect(0, 0, 300, 240))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i)
	}
	pal := image.NewPaletted(image.Rect(0, 0, 50, 200), color.Palette{color.White, color.RGBA{200, 0, 0, 255}})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(i % 3 % 2)
	}
	deep := image.NewRGBA64(image.Rect(0, 0, 64, 48))
	for i := range deep.Pix {
		deep.Pix[i] = uint8(i * 7)
	}
	tests := []struct {
		name   string
		data   []byte
		ct     string
		w, h   int
		tw, th int
	}{
		{"jpeg landscape", encJPEG(t, gradient(400, 200)), JPEG, 400, 200, 160, 80},
		{"jpeg portrait", encJPEG(t, gradient(200, 400)), JPEG, 200, 400, 80, 160},
		{"jpeg gray", encJPEG(t, gray), JPEG, 300, 240, 160, 128},
		{"jpeg minimum size", encJPEG(t, gradient(16, 16)), JPEG, 16, 16, 16, 16},
		{"png landscape strip", encPNG(t, gradient(1000, 30)), PNG, 1000, 30, 160, 5},
		{"png small not enlarged", encPNG(t, gradient(100, 50)), PNG, 100, 50, 100, 50},
		{"png exactly the box", encPNG(t, gradient(160, 160)), PNG, 160, 160, 160, 160},
		{"png one over the box", encPNG(t, gradient(161, 17)), PNG, 161, 17, 160, 17},
		{"png paletted", encPNG(t, pal), PNG, 50, 200, 40, 160},
		{"png 16-bit", encPNG(t, deep), PNG, 64, 48, 64, 48},
		{"png gray", encPNG(t, gray), PNG, 300, 240, 160, 128},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Check(t.Context(), tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if p.ContentType != tt.ct || p.Width != tt.w || p.Height != tt.h {
				t.Errorf("got %s %dx%d, want %s %dx%d", p.ContentType, p.Width, p.Height, tt.ct, tt.w, tt.h)
			}
			if !bytes.Equal(p.Data, tt.data) {
				t.Error("Data differs from the input")
			}
			checkThumb(t, p, tt.tw, tt.th)
		})
	}
}

func TestContentTypeFromBytes(t *testing.T) {
	jpg := encJPEG(t, gradient(40, 30))
	pn := encPNG(t, gradient(40, 30))
	tests := []struct {
		claim string
		data  []byte
		want  string
	}{
		{"image/jpeg", pn, PNG},
		{"image/png", jpg, JPEG},
		{"image/gif", jpg, JPEG},
		{"text/html", pn, PNG},
	}
	for _, tt := range tests {
		t.Run(tt.claim+" "+tt.want, func(t *testing.T) {
			p, err := DecodeBase64(t.Context(), "data:"+tt.claim+";base64,"+base64.StdEncoding.EncodeToString(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if p.ContentType != tt.want {
				t.Errorf("ContentType = %q, want %q", p.ContentType, tt.want)
			}
		})
	}
}

func TestCheckRefuses(t *testing.T) {
	jpg := encJPEG(t, gradient(64, 64))
	pn := encPNG(t, gradient(64, 64))
	// A real PNG whose IHDR (with a recomputed CRC) claims 100000x100000 while its data is for 64x64.
	bigPNG := slices.Clone(pn)
	binary.BigEndian.PutUint32(bigPNG[16:], 100000)
	binary.BigEndian.PutUint32(bigPNG[20:], 100000)
	binary.BigEndian.PutUint32(bigPNG[29:], crc32.ChecksumIEEE(bigPNG[12:29]))
	tests := []struct {
		name string
		data []byte
		key  string
		args []any
	}{
		{"nil", nil, ErrEmpty, nil},
		{"empty", []byte{}, ErrEmpty, nil},
		{"one byte over the limit", append(slices.Clone(jpg), make([]byte, MaxBytes+1-len(jpg))...), ErrTooLarge, []any{2}},
		{"at the limit but not an image", bytes.Repeat([]byte{'A'}, MaxBytes), ErrNotImage, nil},
		{"text", []byte("Hello, this is a text file, not a photo.\n"), ErrNotImage, nil},
		{"html", []byte("<html><script>alert(1)</script></html>"), ErrNotImage, nil},
		{"jpeg magic only", []byte{0xFF, 0xD8, 0xFF}, ErrNotImage, nil},
		{"truncated jpeg", jpg[:len(jpg)/2], ErrNotImage, nil},
		{"truncated png", pn[:len(pn)/2], ErrNotImage, nil},
		{"png magic only", []byte("\x89PNG\r\n\x1a\n"), ErrNotImage, nil},
		{"gif", gifBytes(t), ErrNotImage, nil},
		{"bmp", append([]byte("BM"), make([]byte, 64)...), ErrNotImage, nil},
		{"png header with bad crc", func() []byte { b := pngHeaderOnly(64, 64); b[29]++; return b }(), ErrNotImage, nil},
		{"png header 100000x100000", pngHeaderOnly(100000, 100000), ErrTooManyPixel, []any{MaxPixels}},
		{"png 100000x100000 with data", bigPNG, ErrTooManyPixel, []any{MaxPixels}},
		{"png header one row over the limit", pngHeaderOnly(4000, 4001), ErrTooManyPixel, []any{MaxPixels}},
		// At exactly MaxPixels the header passes and decoding is attempted, which fails for lack of data.
		{"png header at the limit", pngHeaderOnly(4000, 4000), ErrNotImage, nil},
		{"png header 1x100000000", pngHeaderOnly(1, 100_000_000), ErrTooManyPixel, []any{MaxPixels}},
		// 4000 x 4000 at 16 bits is 128 MB decoded: 124 MiB with the row buffers and the thumbnail.
		{"png header 16-bit 4000x4000", pngHeader(4000, 4000, 16, 2, 0), ErrTooMuchMemory, []any{124, MaxDecodedBytes >> 20}},
		{"png header interlaced 4000x4000", pngHeader(4000, 4000, 8, 2, 1), ErrTooMuchMemory, []any{93, MaxDecodedBytes >> 20}},
		// A camera's 12-megapixel JPEG fits; the same progressive keeps 4 bytes of coefficients per sample.
		{"jpeg header 4000x3000", jpegClaiming(t, 4000, 3000), ErrNotImage, nil},
		{"jpeg header 4000x3000 progressive", progressive(jpegClaiming(t, 4000, 3000)), ErrTooMuchMemory, []any{88, MaxDecodedBytes >> 20}},
		{"jpeg 65535x65535", jpegClaiming(t, 65535, 65535), ErrTooManyPixel, []any{MaxPixels}},
		{"jpeg zero width", jpegClaiming(t, 0, 16), ErrNotImage, nil},
		{"png 8x8", encPNG(t, gradient(8, 8)), ErrTooSmall, []any{MinSide}},
		{"jpeg 8x8", encJPEG(t, gradient(8, 8)), ErrTooSmall, []any{MinSide}},
		{"png 16x15", encPNG(t, gradient(16, 15)), ErrTooSmall, []any{MinSide}},
		{"jpeg 15x400", encJPEG(t, gradient(15, 400)), ErrTooSmall, []any{MinSide}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Check(t.Context(), tt.data)
			if p != nil {
				t.Errorf("got a photo %s %dx%d", p.ContentType, p.Width, p.Height)
			}
			if got := errKey(t, err); got != tt.key {
				t.Fatalf("error %q, want %q", got, tt.key)
			}
			var e *Error
			errors.As(err, &e)
			if !slices.Equal(e.Args, tt.args) {
				t.Errorf("Args = %v, want %v", e.Args, tt.args)
			}
		})
	}
}

func TestTooManyPixelsIsCheap(t *testing.T) {
	data := pngHeaderOnly(100000, 100000)
	allocs := testing.AllocsPerRun(10, func() { Check(t.Context(), data) })
	// Decoding would allocate tens of gigabytes in one go; the header check needs a few small buffers.
	if allocs > 50 {
		t.Errorf("%v allocations to refuse an oversized header", allocs)
	}
}

func TestThumbnailTransparency(t *testing.T) {
	tests := []struct {
		name string
		c    color.NRGBA
		want uint8 // expected grey level of the thumbnail
	}{
		{"transparent", color.NRGBA{0, 0, 0, 0}, 255},
		{"transparent with colour values", color.NRGBA{10, 200, 30, 0}, 255},
		{"half transparent black", color.NRGBA{0, 0, 0, 128}, 127},
		{"opaque black", color.NRGBA{0, 0, 0, 255}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := image.NewNRGBA(image.Rect(0, 0, 320, 200))
			for i := 0; i < len(img.Pix); i += 4 {
				img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = tt.c.R, tt.c.G, tt.c.B, tt.c.A
			}
			p, err := Check(t.Context(), encPNG(t, img))
			if err != nil {
				t.Fatal(err)
			}
			th := checkThumb(t, p, 160, 100)
			r, g, b, _ := th.At(80, 50).RGBA()
			for _, v := range []uint32{r >> 8, g >> 8, b >> 8} {
				if d := int(v) - int(tt.want); d < -3 || d > 3 {
					t.Errorf("thumbnail pixel (%d,%d,%d), want about %d", r>>8, g>>8, b>>8, tt.want)
					break
				}
			}
		})
	}
}

func TestScaleBoxFilter(t *testing.T) {
	grayRow := func(w, h int, vals ...uint8) *image.Gray {
		g := image.NewGray(image.Rect(0, 0, w, h))
		for y := range h {
			copy(g.Pix[y*g.Stride:], vals)
		}
		return g
	}
	tests := []struct {
		name   string
		src    image.Image
		tw, th int
		want   []uint8 // grey levels of the result, row by row
	}{
		{"halves", grayRow(4, 2, 0, 0, 255, 255), 2, 1, []uint8{0, 255}},
		// Column 0 covers source [0,1.5): (0+90/2)/1.5 = 30; column 1: (90/2+180)/1.5 = 150.
		{"fractional", grayRow(3, 3, 0, 90, 180), 2, 2, []uint8{30, 150, 30, 150}},
		{"identity", grayRow(3, 1, 7, 8, 9), 3, 1, []uint8{7, 8, 9}},
		{"to one pixel", grayRow(4, 4, 0, 100, 200, 100), 1, 1, []uint8{100}},
		{"offset bounds", grayRow(4, 2, 0, 0, 255, 255).SubImage(image.Rect(2, 0, 4, 2)), 1, 1, []uint8{255}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scale(tt.src, tt.tw, tt.th)
			if b := got.Bounds(); b.Dx() != tt.tw || b.Dy() != tt.th {
				t.Fatalf("size %v", b)
			}
			var levels []uint8
			for i := 0; i < len(got.Pix); i += 4 {
				if got.Pix[i] != got.Pix[i+1] || got.Pix[i] != got.Pix[i+2] || got.Pix[i+3] != 255 {
					t.Fatalf("pixel %v is not opaque grey", got.Pix[i:i+4])
				}
				levels = append(levels, got.Pix[i])
			}
			if !slices.Equal(levels, tt.want) {
				t.Errorf("got %v, want %v", levels, tt.want)
			}
		})
	}
}

func TestFit(t *testing.T) {
	tests := []struct{ w, h, tw, th int }{
		{400, 200, 160, 80},
		{200, 400, 80, 160},
		{160, 160, 160, 160},
		{100, 20, 100, 20},
		{3000, 2000, 160, 107},
		{2_500_000, 16, 160, 1},
		{16, 2_500_000, 1, 160},
	}
	for _, tt := range tests {
		if tw, th := fit(tt.w, tt.h, ThumbSize); tw != tt.tw || th != tt.th {
			t.Errorf("fit(%d, %d) = %d, %d, want %d, %d", tt.w, tt.h, tw, th, tt.tw, tt.th)
		}
	}
}

func TestEXIFOrientation(t *testing.T) {
	// 64x32 blue with a red top-left quadrant; after orientation the red corner must be where
	// a viewer honouring the tag would show it.
	src := image.NewRGBA(image.Rect(0, 0, 64, 32))
	for y := range 32 {
		for x := range 64 {
			c := color.RGBA{0, 0, 255, 255}
			if x < 32 && y < 16 {
				c = color.RGBA{255, 0, 0, 255}
			}
			src.Set(x, y, c)
		}
	}
	jpg := encJPEG(t, src)
	const tl, tr, br, bl = 0, 1, 2, 3
	tests := []struct {
		o      uint16
		corner int
	}{
		{1, tl}, {2, tr}, {3, br}, {4, bl}, {5, tl}, {6, tr}, {7, br}, {8, bl},
		{0, tl}, {9, tl}, {0xFFFF, tl}, // out of range: left as stored
	}
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		for _, tt := range tests {
			t.Run(bo.String()+"/"+strconv.Itoa(int(tt.o)), func(t *testing.T) {
				data := withExif(jpg, tt.o, bo)
				if got, want := exifOrientation(data), int(tt.o); want >= 1 && want <= 8 && got != want {
					t.Fatalf("exifOrientation = %d, want %d", got, want)
				}
				p, err := Check(t.Context(), data)
				if err != nil {
					t.Fatal(err)
				}
				w, h := 64, 32
				if tt.o >= 5 && tt.o <= 8 {
					w, h = 32, 64
				}
				if p.Width != w || p.Height != h {
					t.Errorf("photo is %dx%d, want %dx%d", p.Width, p.Height, w, h)
				}
				img := checkThumb(t, p, w, h)
				centres := []image.Point{{w / 4, h / 4}, {3 * w / 4, h / 4}, {3 * w / 4, 3 * h / 4}, {w / 4, 3 * h / 4}}
				for i, c := range centres {
					r, _, b, _ := img.At(c.X, c.Y).RGBA()
					if red := r > b; red != (i == tt.corner) {
						t.Errorf("corner %d at %v: red %v, want red only in corner %d", i, c, red, tt.corner)
					}
				}
			})
		}
	}
}

func TestEXIFOrientationMalformed(t *testing.T) {
	jpg := encJPEG(t, gradient(32, 32))
	good := withExif(jpg, 6, binary.BigEndian)
	app1 := func(payload []byte) []byte {
		seg := []byte{0xFF, 0xD8, 0xFF, 0xE1, 0, 0}
		binary.BigEndian.PutUint16(seg[4:], uint16(len(payload)+2))
		return append(seg, payload...)
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"no exif", jpg},
		{"soi only", []byte{0xFF, 0xD8}},
		{"truncated segment", good[:12]},
		{"segment length below 2", []byte{0xFF, 0xD8, 0xFF, 0xE1, 0, 1, 0, 0}},
		{"exif without tiff", app1([]byte("Exif\x00\x00"))},
		{"bad byte order", app1([]byte("Exif\x00\x00XX\x00\x2a\x00\x00\x00\x08\x00\x00"))},
		{"bad magic", app1([]byte("Exif\x00\x00MM\x00\x2b\x00\x00\x00\x08\x00\x00"))},
		{"ifd offset past end", app1([]byte("Exif\x00\x00MM\x00\x2a\xff\xff\xff\xf0"))},
		{"entry count past end", app1([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\xff\xff\x01\x12"))},
		{"orientation as LONG", app1([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x04\x00\x00\x00\x01\x00\x00\x00\x06"))},
		{"not a marker", []byte{0xFF, 0xD8, 0x00, 0xE1, 0x00, 0x10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if o := exifOrientation(tt.data); o != 1 {
				t.Errorf("exifOrientation = %d, want 1", o)
			}
		})
	}
	if o := exifOrientation(good); o != 6 {
		t.Errorf("well-formed tag read as %d, want 6", o)
	}
}

func TestDecodeBase64(t *testing.T) {
	data := encJPEG(t, gradient(120, 90))
	if len(data)%3 == 0 {
		data = append(data, 0) // make padding appear; bytes after the end marker are ignored
	}
	std := base64.StdEncoding.EncodeToString(data)
	if !strings.ContainsAny(std, "+/") {
		t.Fatal("test data does not exercise the alphabet difference")
	}
	url := base64.URLEncoding.EncodeToString(data)
	wrap := func(s, nl string) string {
		var b strings.Builder
		for len(s) > 76 {
			b.WriteString(s[:76] + nl)
			s = s[76:]
		}
		return b.String() + s
	}
	tests := map[string]string{
		"standard":              std,
		"standard unpadded":     strings.TrimRight(std, "="),
		"url-safe":              url,
		"url-safe unpadded":     strings.TrimRight(url, "="),
		"data prefix":           "data:image/jpeg;base64," + std,
		"data prefix uppercase": "DATA:IMAGE/JPEG;BASE64," + std,
		"data prefix url-safe":  "data:image/jpeg;base64," + strings.TrimRight(url, "="),
		"newlines":              wrap(std, "\n"),
		"crlf":                  wrap(std, "\r\n"),
		"spaces and tabs":       " \t" + wrap(url, " \t") + "\n",
		"data prefix wrapped":   "data:image/jpeg;base64,\n" + wrap(std, "\n") + "\n",
	}
	for name, s := range tests {
		t.Run(name, func(t *testing.T) {
			p, err := DecodeBase64(t.Context(), s)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(p.Data, data) || p.ContentType != JPEG || p.Width != 120 || p.Height != 90 {
				t.Errorf("got %s %dx%d, %d bytes", p.ContentType, p.Width, p.Height, len(p.Data))
			}
		})
	}
}

func TestDecodeBase64Refuses(t *testing.T) {
	tests := []struct {
		name, s, key string
	}{
		{"garbage", "!!!not base64!!!", ErrBase64},
		{"padding in the middle", "QUJD=QUJD", ErrBase64},
		{"too much padding", "QUI====", ErrBase64},
		{"mixed alphabets", "ab+c-d_/", ErrBase64},
		{"impossible length", "QUJDR", ErrBase64},
		{"data without base64", "data:image/jpeg,QUJD", ErrBase64},
		{"data without comma", "data:image/jpeg;base64", ErrBase64},
		{"empty", "", ErrEmpty},
		{"whitespace", " \n\t ", ErrEmpty},
		{"data prefix only", "data:image/jpeg;base64,", ErrEmpty},
		{"valid base64 of text", base64.StdEncoding.EncodeToString([]byte("just some text here")), ErrNotImage},
		{"too large", strings.Repeat("AAAA", MaxBytes/3+1), ErrTooLarge},
		{"tiny image", base64.StdEncoding.EncodeToString(encPNG(t, gradient(8, 8))), ErrTooSmall},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := DecodeBase64(t.Context(), tt.s)
			if p != nil {
				t.Error("got a photo")
			}
			if got := errKey(t, err); got != tt.key {
				t.Errorf("error %q, want %q", got, tt.key)
			}
		})
	}
}

func TestFileName(t *testing.T) {
	day := time.Date(2024, 3, 5, 23, 59, 0, 0, time.UTC)
	rnd := []byte{0xde, 0xad, 0xbe, 0xef, 0x01}
	tests := []struct {
		name, chfid, ct, want string
	}{
		{"digits kept", "010203045", JPEG, "010203045_20240305_deadbeef.jpg"},
		{"png", "010203045", PNG, "010203045_20240305_deadbeef.png"},
		{"unknown type stored as jpg", "010203045", "image/gif", "010203045_20240305_deadbeef.jpg"},
		{"path traversal", "../../etc/passwd", JPEG, "etcpasswd_20240305_deadbeef.jpg"},
		{"windows path", `..\..\Windows\win.ini`, PNG, "Windowswinini_20240305_deadbeef.png"},
		{"letters dash underscore", "AB-12_cd", JPEG, "AB-12_cd_20240305_deadbeef.jpg"},
		{"leading dash", "--rf", JPEG, "rf_20240305_deadbeef.jpg"},
		{"nul and spaces", "12 34\x0056", JPEG, "123456_20240305_deadbeef.jpg"},
		{"non-ascii", "ünï/cødé", JPEG, "ncd_20240305_deadbeef.jpg"},
		{"nothing left", "../..", JPEG, "photo_20240305_deadbeef.jpg"},
		{"too long", strings.Repeat("9", 80), JPEG, strings.Repeat("9", 50) + "_20240305_deadbeef.jpg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FileName(tt.chfid, day, tt.ct, rnd)
			if got != tt.want {
				t.Errorf("FileName(%q) = %q, want %q", tt.chfid, got, tt.want)
			}
			if filepath.Base(got) != got || strings.Contains(got, "..") {
				t.Errorf("%q is not a plain file name", got)
			}
		})
	}
	shape := regexp.MustCompile(`^010203045_20240305_[0-9a-f]{8}\.jpg$`)
	a, b := FileName("010203045", day, JPEG, nil), FileName("010203045", day, JPEG, []byte{1})
	if !shape.MatchString(a) || !shape.MatchString(b) {
		t.Errorf("names without enough random bytes: %q, %q", a, b)
	}
	if a == b {
		t.Errorf("two random names are equal: %q", a)
	}
}

func FuzzCheck(f *testing.F) {
	jpg := encJPEG(f, gradient(40, 24))
	f.Add(jpg)
	f.Add(encJPEG(f, image.NewGray(image.Rect(0, 0, 17, 33))))
	f.Add(withExif(jpg, 6, binary.LittleEndian))
	f.Add(withExif(jpg, 3, binary.BigEndian))
	f.Add(encPNG(f, gradient(33, 16)))
	f.Add(encPNG(f, image.NewNRGBA(image.Rect(0, 0, 20, 20))))
	f.Add(encPNG(f, image.NewPaletted(image.Rect(0, 0, 16, 16), color.Palette{color.White, color.Black})))
	f.Add(pngHeaderOnly(100000, 100000))
	f.Add(jpegClaiming(f, 65535, 65535))
	f.Add(gifBytes(f))
	f.Add([]byte{})
	keys := []string{ErrEmpty, ErrTooLarge, ErrNotImage, ErrTooManyPixel, ErrTooSmall, ErrTooMuchMemory}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Check(t.Context(), data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !slices.Contains(keys, e.Key) || p != nil {
				t.Fatalf("unexpected result %v, %v", p, err)
			}
			return
		}
		if p.ContentType != JPEG && p.ContentType != PNG {
			t.Fatalf("content type %q", p.ContentType)
		}
		if p.Width < MinSide || p.Height < MinSide || int64(p.Width)*int64(p.Height) > MaxPixels {
			t.Fatalf("accepted %dx%d", p.Width, p.Height)
		}
		img, err := jpeg.Decode(bytes.NewReader(p.Thumb))
		if err != nil {
			t.Fatalf("thumbnail does not decode: %v", err)
		}
		if b := img.Bounds(); b.Dx() < 1 || b.Dy() < 1 || b.Dx() > ThumbSize || b.Dy() > ThumbSize {
			t.Fatalf("thumbnail is %v", b)
		}
	})
}

func BenchmarkCheck(b *testing.B) {
	for _, size := range []image.Point{{640, 480}, {3000, 4000}} {
		data := encJPEG(b, gradient(size.X, size.Y))
		b.Run(strconv.Itoa(size.X)+"x"+strconv.Itoa(size.Y), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Check(b.Context(), data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
