package detection

import (
	"image"
	"image/color"
)

// analysisSide is the longest side of the luma grid the pipeline analyses.
// Frames are reduced by an integer box factor so that neither side exceeds
// it: 320x240 -> 160x120, 640x480 -> 160x120, 1920x1080 -> 160x90, a
// portrait 240x320 -> 120x160. Box averaging (rather than nearest sampling)
// also suppresses sensor noise and JPEG block artefacts.
const analysisSide = 160

// lumaGrid is a downscaled 8-bit luma image in row-major order.
type lumaGrid struct {
	W, H int
	Pix  []uint8
}

// boxFactor is the integer reduction that brings both sides to <= analysisSide.
func boxFactor(width, height int) int {
	side := max(width, height)
	return max(1, (side+analysisSide-1)/analysisSide)
}

// extractLuma reduces the luma plane of img into g, reusing g.Pix and sums
// as scratch. It reads the Y plane of *image.YCbCr and the plane of
// *image.Gray directly; other decoder outputs (CMYK JPEGs) go through the
// colour model.
func extractLuma(img image.Image, g *lumaGrid, sums *[]uint32) {
	b := img.Bounds()
	f := boxFactor(b.Dx(), b.Dy())
	g.W, g.H = b.Dx()/f, b.Dy()/f
	if g.W < 1 {
		g.W = 1
	}
	if g.H < 1 {
		g.H = 1
	}
	n := g.W * g.H
	if cap(g.Pix) < n {
		g.Pix = make([]uint8, n)
	}
	g.Pix = g.Pix[:n]
	switch src := img.(type) {
	case *image.YCbCr:
		boxReduce(src.Y, src.YStride, g, f, sums)
	case *image.Gray:
		boxReduce(src.Pix, src.Stride, g, f, sums)
	default:
		for y := 0; y < g.H; y++ {
			for x := 0; x < g.W; x++ {
				var acc uint32
				for dy := 0; dy < f; dy++ {
					for dx := 0; dx < f; dx++ {
						c := color.GrayModel.Convert(img.At(b.Min.X+x*f+dx, b.Min.Y+y*f+dy)).(color.Gray)
						acc += uint32(c.Y)
					}
				}
				g.Pix[y*g.W+x] = uint8(acc / uint32(f*f))
			}
		}
	}
}

// boxReduce averages f x f blocks of an 8-bit plane into g.
func boxReduce(plane []uint8, stride int, g *lumaGrid, f int, sums *[]uint32) {
	if f == 1 {
		for y := 0; y < g.H; y++ {
			copy(g.Pix[y*g.W:(y+1)*g.W], plane[y*stride:y*stride+g.W])
		}
		return
	}
	if cap(*sums) < g.W {
		*sums = make([]uint32, g.W)
	}
	acc := (*sums)[:g.W]
	area := uint32(f * f)
	half := area / 2
	for y := 0; y < g.H; y++ {
		clear(acc)
		for dy := 0; dy < f; dy++ {
			row := plane[(y*f+dy)*stride:]
			row = row[:g.W*f]
			for x := range acc {
				var s uint32
				for _, v := range row[x*f : x*f+f] {
					s += uint32(v)
				}
				acc[x] += s
			}
		}
		out := g.Pix[y*g.W : (y+1)*g.W]
		for x, s := range acc {
			out[x] = uint8((s + half) / area)
		}
	}
}

// chromaLevel is the mean absolute chroma, |Cb-128| + |Cr-128| in grey
// levels, over a sparse grid of the frame (every chromaStep-th pixel in each
// direction). A monochrome image (an infrared night mode, a grayscale JPEG)
// has none; a colour image of a room has some even when dim.
func chromaLevel(img image.Image) float64 {
	const chromaStep = 8
	b := img.Bounds()
	var sum, n int
	switch src := img.(type) {
	case *image.Gray:
		return 0
	case *image.YCbCr:
		for y := b.Min.Y; y < b.Max.Y; y += chromaStep {
			for x := b.Min.X; x < b.Max.X; x += chromaStep {
				i := src.COffset(x, y)
				sum += absInt(int(src.Cb[i])-128) + absInt(int(src.Cr[i])-128)
				n++
			}
		}
	default:
		for y := b.Min.Y; y < b.Max.Y; y += chromaStep {
			for x := b.Min.X; x < b.Max.X; x += chromaStep {
				c := color.YCbCrModel.Convert(img.At(x, y)).(color.YCbCr)
				sum += absInt(int(c.Cb)-128) + absInt(int(c.Cr)-128)
				n++
			}
		}
	}
	return float64(sum) / float64(max(n, 1))
}

func absInt(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
