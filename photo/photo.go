// Package photo checks insuree photos before they are stored and makes the small thumbnail shown
// on the enquiry screen, so that a hostile or broken upload never reaches the disk or a browser.
package photo

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"image"
	"image/jpeg"
	"image/png"
	"runtime/debug"
	"strings"
	"time"
)

// Limits. They bound the memory and time one upload can cost the server.
const (
	// MaxBytes is the largest accepted upload; the mobile app sends a few hundred KB.
	MaxBytes = 2 << 20
	// MaxPixels is checked on the header before decoding, because a small file can
	// declare a huge image and exhaust memory when decoded.
	MaxPixels = 16_000_000
	// MaxDecodedBytes bounds the memory one photo takes while it is decoded, computed from its
	// header, because a PNG of 100 KB can hold 4000 x 4000 pixels at 16 bits (128 MB). Any
	// 16-megapixel photo from a camera (JPEG) or plain 8-bit PNG of that size fits.
	MaxDecodedBytes = 64 << 20
	// MaxDecoding is how many photos are decoded at once; the others wait their turn, so that
	// decoding never holds more than MaxDecoding x MaxDecodedBytes however many uploads arrive.
	// Decoding is CPU-bound: on a scheme's usual two cores more at once would not finish sooner.
	MaxDecoding = 2
	// MinSide is the smallest accepted width and height; anything smaller cannot identify anyone.
	MinSide = 16
	// ThumbSize is the side of the box a thumbnail fits in, aspect ratio kept.
	ThumbSize = 160
	// ThumbQuality is the JPEG quality of thumbnails, small yet clear enough at the reception desk.
	ThumbQuality = 80
)

// Content types, derived from the bytes and never from what the client claims.
const (
	JPEG = "image/jpeg"
	PNG  = "image/png"
)

// Message-catalogue keys of the errors returned by Check and DecodeBase64.
const (
	ErrEmpty         = "error.photo_empty"
	ErrTooLarge      = "error.photo_too_large"
	ErrNotImage      = "error.photo_not_image"
	ErrTooManyPixel  = "error.photo_too_many_pixels"
	ErrTooSmall      = "error.photo_too_small"
	ErrTooMuchMemory = "error.photo_too_much_memory"
	ErrBase64        = "error.photo_base64"
)

// Error is a rejected photo, as a message-catalogue key plus its arguments, so the user sees
// the reason in their own language.
type Error struct {
	Key  string
	Args []any
}

// Error returns the catalogue key, which is what callers translate.
func (e *Error) Error() string { return e.Key }

func fail(key string, args ...any) *Error { return &Error{Key: key, Args: args} }

// Photo is a checked image ready to store.
type Photo struct {
	ContentType string // JPEG or PNG, from the bytes
	// Width and Height are as displayed, after any EXIF orientation, so they match Thumb.
	Width, Height int
	Data          []byte // the original bytes, unchanged
	Thumb         []byte // a JPEG thumbnail fitting in ThumbSize x ThumbSize
}

var (
	jpegMagic = []byte{0xFF, 0xD8, 0xFF}
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
)

// Check validates raw photo bytes and makes the thumbnail. The header is read first so that an
// image declaring more than MaxPixels, or needing more than MaxDecodedBytes to decode, is refused
// without being decoded; then Check waits for one of the MaxDecoding turns, or until ctx ends
// (its error is then returned). A refused photo is an *Error whose message is a catalogue key:
// ErrEmpty, ErrTooLarge (Args: the limit in MiB), ErrNotImage, ErrTooManyPixel (Args: the limit
// in pixels), ErrTooSmall (Args: the minimum side) or ErrTooMuchMemory (Args: the MiB needed
// and the limit in MiB).
func Check(ctx context.Context, data []byte) (*Photo, error) {
	if len(data) == 0 {
		return nil, fail(ErrEmpty)
	}
	if len(data) > MaxBytes {
		return nil, fail(ErrTooLarge, MaxBytes>>20)
	}
	var (
		ct     string
		config func([]byte) (image.Config, error)
		decode func([]byte) (image.Image, error)
	)
	// The decoders are called directly rather than through image.Decode, so that a format
	// registered elsewhere in the program (GIF, WebP, ...) can never slip through.
	switch {
	case bytes.HasPrefix(data, jpegMagic):
		ct = JPEG
		config = func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) }
		decode = func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }
	case bytes.HasPrefix(data, pngMagic):
		ct = PNG
		config = func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) }
		decode = func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }
	default:
		return nil, fail(ErrNotImage)
	}
	cfg, err := config(data)
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fail(ErrNotImage)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, fail(ErrTooManyPixel, MaxPixels)
	}
	if cfg.Width < MinSide || cfg.Height < MinSide {
		return nil, fail(ErrTooSmall, MinSide)
	}
	need := decodedBytes(ct, data, cfg)
	if need > MaxDecodedBytes {
		return nil, fail(ErrTooMuchMemory, int((need+1<<20-1)>>20), MaxDecodedBytes>>20)
	}
	select {
	case decoding <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-decoding }()
	p, err := thumbnail(data, ct, cfg, decode)
	if need >= releaseAbove {
		// At once, not rate-limited: a collection of the server's small live heap takes milliseconds.
		debug.FreeOSMemory()
	}
	return p, err
}

// decoding holds one token per photo being decoded; see MaxDecoding.
var decoding = make(chan struct{}, MaxDecoding)

// releaseAbove is the decode size from which memory is handed back to the system at once.
const releaseAbove = 16 << 20

// thumbnail decodes a photo whose header passed the checks and makes its thumbnail.
func thumbnail(data []byte, ct string, cfg image.Config, decode func([]byte) (image.Image, error)) (*Photo, error) {
	img, err := decode(data)
	if err != nil {
		return nil, fail(ErrNotImage)
	}
	b := img.Bounds()
	if b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, fail(ErrNotImage)
	}
	orient := 1
	if ct == JPEG {
		orient = exifOrientation(data)
	}
	tw, th := fit(b.Dx(), b.Dy(), ThumbSize)
	thumb := orientRGBA(scale(img, tw, th), orient)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, thumb, &jpeg.Options{Quality: ThumbQuality}); err != nil {
		return nil, fail(ErrNotImage)
	}
	w, h := b.Dx(), b.Dy()
	if orient >= 5 {
		w, h = h, w
	}
	return &Photo{ContentType: ct, Width: w, Height: h, Data: data, Thumb: out.Bytes()}, nil
}

// DecodeBase64 decodes a photo as the mobile app sends it and runs Check with ctx. It accepts the standard
// and URL-safe alphabets, with or without padding, with or without a "data:<type>;base64," prefix,
// and ignores whitespace, because clients differ on all of these. Bad base64 is ErrBase64.
func DecodeBase64(ctx context.Context, s string) (*Photo, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 5 && strings.EqualFold(s[:5], "data:") {
		comma := strings.IndexByte(s, ',')
		if comma < 0 || !strings.HasSuffix(strings.ToLower(s[:comma]), ";base64") {
			return nil, fail(ErrBase64)
		}
		s = s[comma+1:]
	}
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n', '\v', '\f':
			return -1
		}
		return r
	}, s)
	// Up to two padding characters are allowed; decoding unpadded accepts both forms.
	for i := 0; i < 2 && strings.HasSuffix(s, "="); i++ {
		s = s[:len(s)-1]
	}
	enc := base64.RawStdEncoding
	if strings.ContainsAny(s, "-_") {
		enc = base64.RawURLEncoding
	}
	// Refuse an oversized upload from its length alone rather than decoding it first.
	if enc.DecodedLen(len(s)) > MaxBytes {
		return nil, fail(ErrTooLarge, MaxBytes>>20)
	}
	data, err := enc.DecodeString(s)
	if err != nil {
		return nil, fail(ErrBase64)
	}
	return Check(ctx, data)
}

// maxNameID bounds the insurance-number part of a file name; openIMIS numbers are far shorter.
const maxNameID = 50

// FileName returns the stored file name of an insuree photo, "<chfid>_<yyyymmdd>_<8 hex>.jpg" or
// ".png". Only [A-Za-z0-9_-] of chfid are kept, without a leading '-', so that a malicious number
// cannot escape the photo directory or pass for a command-line option; an empty result becomes
// "photo". The random part keeps two photos taken the same day apart: the first 4 bytes of random
// are used, and crypto/rand fills in when fewer are given.
func FileName(chfid string, date time.Time, ct string, random []byte) string {
	var id strings.Builder
	for _, r := range chfid {
		if id.Len() >= maxNameID {
			break
		}
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			id.WriteRune(r)
		case r == '-' && id.Len() > 0:
			id.WriteRune(r)
		}
	}
	name := id.String()
	if name == "" {
		name = "photo"
	}
	if len(random) < 4 {
		random = make([]byte, 4)
		_, _ = rand.Read(random) // crypto/rand.Read never fails on supported platforms
	}
	ext := ".jpg"
	if ct == PNG {
		ext = ".png"
	}
	return name + "_" + date.Format("20060102") + "_" + hex.EncodeToString(random[:4]) + ext
}
