package photo

import (
	"encoding/binary"
	"image"
	"image/draw"
)

// fit returns the size of a w x h image shrunk to fit a box x box square with its aspect kept.
// Smaller images are not enlarged, since that would only add blur and bytes.
func fit(w, h, box int) (int, int) {
	if w <= box && h <= box {
		return w, h
	}
	if w >= h {
		return box, max(1, (h*box+w/2)/w)
	}
	return max(1, (w*box+h/2)/h), box
}

// scale shrinks src to tw x th (each no larger than the source) with an area-average (box)
// filter and composites it onto white, so transparent PNG areas do not turn black in a JPEG.
// The source is read one row at a time, so a large photo costs no second full-size copy.
//
// Coordinates are scaled so both grids are integers: source column x covers [x*tw, (x+1)*tw)
// and thumbnail column ox covers [ox*w, (ox+1)*w). As tw <= w, a source pixel overlaps at most
// two thumbnail columns, and likewise for rows; the overlap lengths are exact integer weights.
func scale(src image.Image, tw, th int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	// Per source column: first thumbnail column and the weights in it and the next.
	type span struct{ o, w0, w1 int }
	cols := make([]span, w)
	for x := range cols {
		start, end := x*tw, (x+1)*tw
		o := start / w
		edge := (o + 1) * w
		if end <= edge {
			cols[x] = span{o, tw, 0}
		} else {
			cols[x] = span{o, edge - start, end - edge}
		}
	}
	// Sums of premultiplied RGBA, 8-bit values times weights: at most 255*w*h per entry,
	// which MaxPixels keeps far inside uint64.
	acc := make([]uint64, 4*tw*th)
	rowSum := make([]uint64, 4*tw)
	row := image.NewRGBA(image.Rect(0, 0, w, 1))
	for y := range h {
		draw.Draw(row, row.Rect, src, image.Pt(b.Min.X, b.Min.Y+y), draw.Src)
		clear(rowSum)
		for x, c := range cols {
			p := row.Pix[4*x : 4*x+4 : 4*x+4]
			i := 4 * c.o
			for k := range 4 {
				rowSum[i+k] += uint64(p[k]) * uint64(c.w0)
			}
			if c.w1 > 0 {
				for k := range 4 {
					rowSum[i+4+k] += uint64(p[k]) * uint64(c.w1)
				}
			}
		}
		start, end := y*th, (y+1)*th
		o := start / h
		edge := (o + 1) * h
		w0, w1 := th, 0
		if end > edge {
			w0, w1 = edge-start, end-edge
		}
		addRow(acc[4*tw*o:4*tw*(o+1)], rowSum, uint64(w0))
		if w1 > 0 {
			addRow(acc[4*tw*(o+1):4*tw*(o+2)], rowSum, uint64(w1))
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	area := uint64(w) * uint64(h)
	for i := 0; i < len(acc); i += 4 {
		a := (acc[i+3] + area/2) / area
		for k := range 3 {
			// Premultiplied colour over white: c + (1-alpha)*255.
			v := (acc[i+k]+area/2)/area + 255 - a
			dst.Pix[i+k] = uint8(min(v, 255))
		}
		dst.Pix[i+3] = 255
	}
	return dst
}

func addRow(dst, src []uint64, weight uint64) {
	for i, v := range src {
		dst[i] += v * weight
	}
}

// orientRGBA turns an image stored with EXIF orientation o (1-8) the right way up, because
// phone cameras often store the sensor's orientation and only record the rotation in a tag.
func orientRGBA(src *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return src
	}
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := sw, sh
	if o >= 5 {
		dw, dh = sh, sw
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range dh {
		for x := range dw {
			var sx, sy int
			switch o {
			case 2: // mirrored horizontally
				sx, sy = sw-1-x, y
			case 3: // rotated 180°
				sx, sy = sw-1-x, sh-1-y
			case 4: // mirrored vertically
				sx, sy = x, sh-1-y
			case 5: // transposed
				sx, sy = y, x
			case 6: // needs 90° clockwise
				sx, sy = y, sh-1-x
			case 7: // transversed
				sx, sy = sw-1-y, sh-1-x
			case 8: // needs 90° anticlockwise
				sx, sy = sw-1-y, x
			}
			s := src.PixOffset(sx, sy)
			d := dst.PixOffset(x, y)
			copy(dst.Pix[d:d+4], src.Pix[s:s+4])
		}
	}
	return dst
}

// exifOrientation returns the orientation tag (1-8) of a JPEG's EXIF block, or 1 when there is
// none or it cannot be read; a bad tag must never make a good photo unusable.
func exifOrientation(data []byte) int {
	o := 1
	jpegSegments(data, func(marker byte, seg []byte) bool {
		if marker == 0xE1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			o = tiffOrientation(seg[6:])
			return false
		}
		return true
	})
	return o
}

// jpegSegments calls fn with each marker segment of a JPEG before its image data, and the
// segment's payload, until fn returns false. It stops quietly at anything malformed.
func jpegSegments(data []byte, fn func(marker byte, seg []byte) bool) {
	i := 2 // after SOI
	for i+4 <= len(data) {
		if data[i] != 0xFF {
			return
		}
		marker := data[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xD8 || marker == 0x01 || marker >= 0xD0 && marker <= 0xD7 {
			i += 2
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // image data or end
			return
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return
		}
		if !fn(marker, data[i+4:i+2+n]) {
			return
		}
		i += 2 + n
	}
}

// tiffOrientation reads tag 0x0112 from IFD0 of a TIFF structure, as found in EXIF.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(t[2:]) != 42 {
		return 1
	}
	off := uint64(bo.Uint32(t[4:]))
	if off+2 > uint64(len(t)) {
		return 1
	}
	n := uint64(bo.Uint16(t[off:]))
	entries := off + 2
	for k := range n {
		e := entries + 12*k
		if e+12 > uint64(len(t)) {
			return 1
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		// SHORT, count 1: the value sits in the first two bytes of the value field.
		if bo.Uint16(t[e+2:]) != 3 || bo.Uint32(t[e+4:]) != 1 {
			return 1
		}
		if o := int(bo.Uint16(t[e+8:])); o >= 1 && o <= 8 {
			return o
		}
		return 1
	}
	return 1
}
