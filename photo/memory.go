package photo

import (
	"bytes"
	"image"
	"image/color"
)

// The memory a decode takes, computed from the header the way the standard decoders allocate,
// so that Check can refuse a photo before it costs anything. Pixels are not the measure: at the
// same size a 16-bit PNG takes 8 bytes a pixel and a camera's JPEG 1.5.
const (
	// rowBytes is what the decoder's and the thumbnail's row buffers take per pixel of width.
	rowBytes = 48
	// thumbBytes covers the thumbnail's sums, its pixels and its JPEG.
	thumbBytes = 1 << 20
)

// decodedBytes is the memory decoding the photo and making its thumbnail will take.
func decodedBytes(ct string, data []byte, cfg image.Config) int64 {
	w, h := int64(cfg.Width), int64(cfg.Height)
	var pixels int64
	if ct == JPEG {
		pixels = jpegDecodedBytes(data, cfg)
	} else {
		pixels = w * h * pngBytesPerPixel(cfg.ColorModel)
		// The IHDR's interlace method, which DecodeConfig has read: image/png decodes each Adam7
		// pass apart, the last being half the image, and merges it into the full one.
		if data[28] == 1 {
			pixels += pixels / 2
		}
	}
	return pixels + w*rowBytes + thumbBytes
}

// pngBytesPerPixel is the size of a pixel in the image image/png decodes to for the colour model
// DecodeConfig reports.
func pngBytesPerPixel(m color.Model) int64 {
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	switch m {
	case color.GrayModel:
		return 1
	case color.Gray16Model:
		return 2
	case color.RGBAModel, color.NRGBAModel:
		return 4
	}
	return 8 // 16-bit colour, the widest the decoder makes
}

// jpegFrame is what the start of frame tells about a JPEG's decoding.
type jpegFrame struct {
	progressive bool
	comps       []jpegComponent
}

type jpegComponent struct {
	id   byte
	h, v int64 // sampling factors
}

// jpegDecodedBytes follows image/jpeg: one plane of samples per component at that component's
// sampling, the coefficients of every 8 x 8 block (64 int32) kept between the scans of a
// progressive JPEG, and a copy at 4 bytes a pixel of RGB and four-component images.
func jpegDecodedBytes(data []byte, cfg image.Config) int64 {
	f, ok := readJPEGFrame(data)
	if !ok {
		// The frame is past something the reader above does not walk but image/jpeg tolerates:
		// assume the costliest frame of this colour model.
		f = jpegFrame{progressive: true, comps: []jpegComponent{{id: 'R', h: 1, v: 1}}}
		switch cfg.ColorModel {
		case color.YCbCrModel:
			f.comps = append(f.comps, jpegComponent{id: 'G', h: 1, v: 1}, jpegComponent{id: 'B', h: 1, v: 1})
		case color.CMYKModel:
			f.comps = append(f.comps, jpegComponent{h: 1, v: 1}, jpegComponent{h: 1, v: 1}, jpegComponent{h: 1, v: 1})
		}
	}
	if len(f.comps) == 1 {
		// A single component is coded one block at a time whatever its factors.
		f.comps[0].h, f.comps[0].v = 1, 1
	}
	w, h := int64(cfg.Width), int64(cfg.Height)
	h0, v0 := f.comps[0].h, f.comps[0].v
	mcuCols, mcuRows := (w+8*h0-1)/(8*h0), (h+8*v0-1)/(8*v0)
	var samples int64
	for _, c := range f.comps {
		samples += 64 * mcuCols * mcuRows * c.h * c.v
	}
	n := samples
	if f.progressive {
		n += 4 * samples
	}
	rgb := len(f.comps) == 3 && (f.comps[0].id == 'R' && f.comps[1].id == 'G' && f.comps[2].id == 'B' || adobeRGB(data))
	if len(f.comps) == 4 || rgb {
		n += 4 * w * h
	}
	return n
}

// readJPEGFrame reads the first start-of-frame segment image/jpeg decodes (baseline, extended or
// progressive), or reports false.
func readJPEGFrame(data []byte) (jpegFrame, bool) {
	var f jpegFrame
	found := false
	jpegSegments(data, func(marker byte, seg []byte) bool {
		if marker < 0xC0 || marker > 0xC2 {
			return true
		}
		if len(seg) < 6 {
			return false
		}
		n := int(seg[5])
		if n != 1 && n != 3 && n != 4 || len(seg) < 6+3*n {
			return false
		}
		f.progressive = marker == 0xC2
		for i := range n {
			c := seg[6+3*i:]
			h, v := int64(c[1]>>4), int64(c[1]&0x0F)
			if h < 1 || h > 4 || v < 1 || v > 4 {
				return false
			}
			f.comps = append(f.comps, jpegComponent{id: c[0], h: h, v: v})
		}
		found = true
		return false
	})
	return f, found
}

// adobeRGB reports whether an Adobe APP14 segment marks the colours as RGB (transform 0), which
// makes image/jpeg copy the image once more. It looks through the whole file, because the decoder
// honours the segment wherever it is, even after the image data.
func adobeRGB(data []byte) bool {
	for i := 0; ; {
		k := bytes.Index(data[i:], []byte{0xFF, 0xEE})
		if k < 0 {
			return false
		}
		k += i
		// After the marker: two bytes of length, "Adobe", the version, two flags and the transform.
		if seg := data[k+2:]; len(seg) >= 14 && string(seg[2:7]) == "Adobe" && seg[13] == 0 {
			return true
		}
		i = k + 2
	}
}
