package core

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
)

// Images are read and scaled with the standard library alone: decoding is
// image/jpeg, image/png and image/gif, and a thumbnail needs only a box
// filter, a few lines that keep the core free of dependencies.

const (
	// ThumbnailSize is the longest side of a thumbnail, in pixels.
	ThumbnailSize = 320
	// maxImagePixels bounds what is decoded for a thumbnail (a decompression
	// bomb declares a huge size in a small file); larger images keep their
	// width and height but get no thumbnail.
	maxImagePixels = 40_000_000
	// samples is the grid of source points averaged per thumbnail pixel
	// (per side), enough for a smooth reduction at any ratio.
	samples = 4
)

// imageInfo is what probing an upload found.
type imageInfo struct {
	format        string // jpeg, png or gif
	width, height int
	thumb         []byte // encoded thumbnail, nil when none
	thumbMime     string
	thumbW        int
	thumbH        int
}

// probeImage reads an upload's header and, when it is a JPEG, PNG or GIF
// image of sane size, decodes it and renders a thumbnail. ok is false for
// anything that is not such an image; that is not an error.
func probeImage(r io.ReadSeeker) (info imageInfo, ok bool) {
	cfg, format, err := image.DecodeConfig(r)
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return info, false
	}
	switch format {
	case "jpeg", "png", "gif":
	default:
		return info, false
	}
	info = imageInfo{format: format, width: cfg.Width, height: cfg.Height}
	if int64(cfg.Width)*int64(cfg.Height) > maxImagePixels {
		return info, true
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return info, true
	}
	img, _, err := image.Decode(r)
	if err != nil {
		return info, true
	}
	th := scaleDown(img, ThumbnailSize)
	var buf bytes.Buffer
	if format == "jpeg" {
		info.thumbMime = "image/jpeg"
		err = jpeg.Encode(&buf, th, &jpeg.Options{Quality: 80})
	} else {
		info.thumbMime = "image/png"
		err = png.Encode(&buf, th)
	}
	if err != nil {
		return info, true
	}
	b := th.Bounds()
	info.thumb, info.thumbW, info.thumbH = buf.Bytes(), b.Dx(), b.Dy()
	return info, true
}

// scaleDown returns img fitted into a side×side box (never enlarged), each
// pixel the average of a samples×samples grid of source points over the
// area it covers.
func scaleDown(img image.Image, side int) *image.RGBA {
	sb := img.Bounds()
	sw, sh := sb.Dx(), sb.Dy()
	dw, dh := sw, sh
	if sw > side || sh > side {
		if sw >= sh {
			dw, dh = side, int(int64(sh)*int64(side)/int64(sw))
		} else {
			dw, dh = int(int64(sw)*int64(side)/int64(sh)), side
		}
	}
	dw, dh = max(dw, 1), max(dh, 1)
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			var r, g, b, a uint64
			var n uint64
			for j := 0; j < samples; j++ {
				sy := sb.Min.Y + int((int64(y)*samples+int64(j))*int64(sh)/(int64(dh)*samples))
				for i := 0; i < samples; i++ {
					sx := sb.Min.X + int((int64(x)*samples+int64(i))*int64(sw)/(int64(dw)*samples))
					cr, cg, cb, ca := img.At(sx, sy).RGBA()
					r, g, b, a, n = r+uint64(cr), g+uint64(cg), b+uint64(cb), a+uint64(ca), n+1
				}
			}
			dst.SetRGBA(x, y, color.RGBA{uint8(r / n >> 8), uint8(g / n >> 8), uint8(b / n >> 8), uint8(a / n >> 8)})
		}
	}
	return dst
}

// The decoders image.Decode knows; named here so the imports stay used.
var _ = gif.Decode
