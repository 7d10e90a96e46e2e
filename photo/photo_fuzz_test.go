package photo

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var photoKeys = []string{ErrEmpty, ErrTooLarge, ErrNotImage, ErrTooManyPixel, ErrTooSmall, ErrTooMuchMemory, ErrBase64}

// photoKey returns the catalogue key of a result, "" for a photo, and fails on anything else.
func photoKey(t *testing.T, p *Photo, err error) string {
	t.Helper()
	if err == nil {
		if p == nil {
			t.Fatal("neither a photo nor an error")
		}
		return ""
	}
	var e *Error
	if !errors.As(err, &e) || !slices.Contains(photoKeys, e.Key) || p != nil {
		t.Fatalf("unexpected result %v, %v", p, err)
	}
	return e.Key
}

// clientForms writes data the ways mobile clients send a photo, all of which must read alike.
var clientForms = []func([]byte) string{
	base64.StdEncoding.EncodeToString,
	base64.RawStdEncoding.EncodeToString,
	base64.URLEncoding.EncodeToString,
	base64.RawURLEncoding.EncodeToString,
	func(b []byte) string { return "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(b) },
	func(b []byte) string { return "DATA:image/png;BASE64," + base64.RawURLEncoding.EncodeToString(b) },
	func(b []byte) string {
		s := base64.StdEncoding.EncodeToString(b)
		var w strings.Builder
		for i := 0; len(s) > 76; i++ {
			w.WriteString(s[:76] + []string{"\r\n", "\n", " \t", "\v\f"}[i%4])
			s = s[76:]
		}
		return " \t" + w.String() + s + "\n"
	},
}

// FuzzDecodeBase64Forms checks that every encoding a client may use gives exactly what Check gives
// for the decoded bytes: the same photo or the same refusal.
func FuzzDecodeBase64Forms(f *testing.F) {
	jpg := encJPEG(f, gradient(40, 24))
	for form := range clientForms {
		for _, data := range [][]byte{jpg, withExif(jpg, 6, binary.LittleEndian), encPNG(f, gradient(20, 33)), encPNG(f, gradient(8, 8)), pngHeaderOnly(100000, 100000), []byte("text, not an image"), {}, {0xfb, 0xff}} {
			f.Add(data, uint8(form))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, form uint8) {
		s := clientForms[int(form)%len(clientForms)](data)
		want, wantErr := Check(t.Context(), data)
		got, err := DecodeBase64(t.Context(), s)
		if k, wk := photoKey(t, got, err), photoKey(t, want, wantErr); k != wk {
			t.Fatalf("form %d: DecodeBase64 says %q, Check says %q", form, k, wk)
		}
		if got != nil && (!bytes.Equal(got.Data, data) || got.ContentType != want.ContentType || got.Width != want.Width || got.Height != want.Height) {
			t.Fatalf("form %d: decoded %s %dx%d of %d bytes, want %s %dx%d of %d bytes", form,
				got.ContentType, got.Width, got.Height, len(got.Data), want.ContentType, want.Width, want.Height, len(data))
		}
	})
}

// FuzzDecodeBase64 feeds any text to DecodeBase64: it never panics, refuses with a catalogue key,
// and a photo it accepts is one that its plain standard encoding also gives.
func FuzzDecodeBase64(f *testing.F) {
	jpg := encJPEG(f, gradient(40, 24))
	for _, s := range []string{
		base64.StdEncoding.EncodeToString(jpg), "data:image/jpeg;base64," + base64.URLEncoding.EncodeToString(jpg),
		"!!!not base64!!!", "QUJD=QUJD", "QUI====", "ab+c-d_/", "QUJDR", "data:image/jpeg,QUJD", "data:", "data:,",
		"data:image/jpeg;base64", "", " \n\t ", "data:image/jpeg;base64,", "/9j/", "iVBORw0KGgo=",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := DecodeBase64(t.Context(), s)
		if photoKey(t, p, err) != "" {
			return
		}
		again, err := DecodeBase64(t.Context(), base64.StdEncoding.EncodeToString(p.Data))
		if err != nil || !bytes.Equal(again.Data, p.Data) || again.Width != p.Width || again.Height != p.Height {
			t.Fatalf("%q is accepted but its standard encoding gives %v", s, err)
		}
	})
}

// safeName is every name FileName may return: a plain file name in the photo directory that
// cannot climb out of it or pass for a command-line option.
var safeName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_-]{0,49}_[0-9]{8}_[0-9a-f]{8}\.(jpg|png)$`)

// FuzzFileName checks that any insurance number, date and content type make a safe file name that
// keeps the number's safe characters and uses the random bytes given.
func FuzzFileName(f *testing.F) {
	for _, s := range []string{"010203045", "../../etc/passwd", `..\..\Windows\win.ini`, "AB-12_cd", "--rf", "12 34\x0056", "ünï/cødé", "../..", strings.Repeat("9", 80), "", "\xff\xfe"} {
		f.Add(s, int64(1709683140), JPEG, []byte{0xde, 0xad, 0xbe, 0xef})
	}
	f.Add("1", int64(-62135596800), PNG, []byte{1})
	f.Add("1", int64(253402300799), "image/gif", []byte{})
	f.Fuzz(func(t *testing.T, chfid string, unix int64, ct string, random []byte) {
		// Years 0 to 9999, the range a date of eight digits can write.
		const year0, span = -62167219200, 315569520000
		date := time.Unix(year0+(unix%span+span)%span, 0).UTC()
		name := FileName(chfid, date, ct, random)
		if !safeName.MatchString(name) || filepath.Base(name) != name || strings.Contains(name, "..") {
			t.Fatalf("FileName(%q, %v, %q) = %q", chfid, date, ct, name)
		}
		var kept strings.Builder
		for _, r := range chfid {
			if strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_", r) || r == '-' && kept.Len() > 0 {
				kept.WriteRune(r)
			}
		}
		want := kept.String()
		want = want[:min(len(want), maxNameID)]
		if want == "" {
			want = "photo"
		}
		if !strings.HasPrefix(name, want+"_"+date.Format("20060102")+"_") {
			t.Fatalf("FileName(%q) = %q, want it to start with %q", chfid, name, want)
		}
		if len(random) >= 4 && !strings.Contains(name, "_"+hex.EncodeToString(random[:4])+".") {
			t.Fatalf("FileName(%q, random % x) = %q", chfid, random, name)
		}
		if (ct == PNG) != strings.HasSuffix(name, ".png") {
			t.Fatalf("FileName for type %q = %q", ct, name)
		}
	})
}

// FuzzEXIFOrientation feeds any bytes to the EXIF reader, which runs on uploads before they are
// decoded: it never panics and always answers an orientation from 1 to 8.
func FuzzEXIFOrientation(f *testing.F) {
	jpg := encJPEG(f, gradient(16, 16))
	for o := range uint16(10) {
		f.Add(withExif(jpg, o, binary.LittleEndian))
		f.Add(withExif(jpg, o, binary.BigEndian))
	}
	// The TIFF block alone (after SOI, the APP1 marker and length, and the EXIF name), cut at
	// every length, for the reader's bounds checks.
	tiff := withExif(jpg, 6, binary.BigEndian)[2+4+len("Exif\x00\x00"):]
	for n := range 40 {
		f.Add(tiff[:n])
	}
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF})
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x0E, 'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 0xFF, 0xFF, 0xFF, 0xFF})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := exifOrientation(data); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
		if o := tiffOrientation(data); o < 1 || o > 8 {
			t.Fatalf("TIFF orientation %d", o)
		}
	})
}
