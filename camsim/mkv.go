package camsim

import (
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/at-wat/ebml-go"
	"github.com/at-wat/ebml-go/webm"
)

// CodecH264 is the Matroska codec ID of H.264 video with AVCC codec private
// data, the format KVS image generation, HLS and GetImages require.
const CodecH264 = "V_MPEG4/ISO/AVC"

// ImageGenerationTag is the Matroska simple tag (no value) that makes KVS
// generate images from the fragment (Cluster) before it.
const ImageGenerationTag = "AWS_KINESISVIDEO_IMAGE_GENERATION"

// timecodeScale is the Matroska timecode unit of the stream camsim sends:
// one millisecond, the unit of the PutMedia fragment timecodes.
const timecodeScale = uint64(time.Millisecond)

// Track is the video track every fragment belongs to.
type Track struct {
	CodecID      string
	CodecPrivate []byte // AVCDecoderConfigurationRecord
	Width        int
	Height       int
}

// Frame is one encoded video frame of a fragment.
type Frame struct {
	// Offset is the frame's time after the fragment's start.
	Offset   time.Duration
	Keyframe bool
	Data     []byte
}

// Fragment is a run of frames that starts with a keyframe: one Matroska
// Cluster, the unit KVS acknowledges and generates images from.
type Fragment struct {
	Track Track
	// Start is the fragment's time after the start of the video.
	Start  time.Duration
	Frames []Frame
}

// End is the time after the start of the video of the fragment's last frame.
func (f Fragment) End() time.Duration {
	if len(f.Frames) == 0 {
		return f.Start
	}
	return f.Start + f.Frames[len(f.Frames)-1].Offset
}

// mkvFile is what camsim reads of a Matroska file.
type mkvFile struct {
	Header  webm.EBMLHeader `ebml:"EBML"`
	Segment webm.Segment    `ebml:"Segment"`
}

// maxFragmentSpan is the longest fragment a Cluster with millisecond
// timecodes can hold: block timecodes are signed 16-bit offsets.
const maxFragmentSpan = math.MaxInt16 * time.Millisecond

// ReadFragment reads one Matroska file holding a single H.264 video track
// whose first frame is a keyframe (an ffmpeg segment) as a Fragment. Its
// clusters are merged: KVS takes the fragment as the unit.
func ReadFragment(r io.Reader) (Fragment, error) {
	var file mkvFile
	if err := ebml.Unmarshal(r, &file); err != nil {
		return Fragment{}, fmt.Errorf("parse Matroska fragment: %w", err)
	}
	seg := file.Segment
	if file.Header.DocType != "matroska" && file.Header.DocType != "webm" {
		return Fragment{}, fmt.Errorf("parse Matroska fragment: doc type %q is not matroska", file.Header.DocType)
	}
	if len(seg.Tracks.TrackEntry) != 1 {
		return Fragment{}, fmt.Errorf("parse Matroska fragment: %d tracks, want one video track", len(seg.Tracks.TrackEntry))
	}
	entry := seg.Tracks.TrackEntry[0]
	if entry.CodecID != CodecH264 || entry.Video == nil || len(entry.CodecPrivate) == 0 {
		return Fragment{}, fmt.Errorf("parse Matroska fragment: track codec %q is not H.264 with codec private data", entry.CodecID)
	}
	scale := seg.Info.TimecodeScale
	if scale == 0 {
		scale = timecodeScale
	}
	frag := Fragment{Track: Track{
		CodecID:      entry.CodecID,
		CodecPrivate: entry.CodecPrivate,
		Width:        int(entry.Video.PixelWidth),
		Height:       int(entry.Video.PixelHeight),
	}}
	first := true
	for _, cluster := range seg.Cluster {
		if len(cluster.BlockGroup) > 0 {
			return Fragment{}, errors.New("parse Matroska fragment: BlockGroups are not supported; encode without B-frames")
		}
		for _, block := range cluster.SimpleBlock {
			if block.TrackNumber != entry.TrackNumber {
				continue
			}
			if len(block.Data) != 1 {
				return Fragment{}, errors.New("parse Matroska fragment: laced video blocks are not supported")
			}
			at := time.Duration((int64(cluster.Timecode) + int64(block.Timecode)) * int64(scale))
			if first {
				if !block.Keyframe {
					return Fragment{}, errors.New("parse Matroska fragment: it does not start with a keyframe")
				}
				frag.Start = at
				first = false
			}
			offset := at - frag.Start
			if offset < 0 || offset > maxFragmentSpan {
				return Fragment{}, fmt.Errorf("parse Matroska fragment: frame at %v is outside 0..%v of the fragment start", offset, maxFragmentSpan)
			}
			frag.Frames = append(frag.Frames, Frame{Offset: offset, Keyframe: block.Keyframe, Data: block.Data[0]})
		}
	}
	if first {
		return Fragment{}, errors.New("parse Matroska fragment: no video frames")
	}
	return frag, nil
}

// Matroska elements camsim writes besides the webm package's.
type (
	mkvTags struct {
		Tag []mkvTag `ebml:"Tag"`
	}
	mkvTag struct {
		SimpleTag []mkvSimpleTag `ebml:"SimpleTag"`
	}
	mkvSimpleTag struct {
		TagName   string `ebml:"TagName"`
		TagString string `ebml:"TagString,omitempty"`
	}
)

// streamHeader opens a PutMedia body: the EBML header and a Segment of
// unknown size (the stream has no end) holding the segment information and
// the video track; clusters follow as further children of the segment.
type streamHeader struct {
	Header  webm.EBMLHeader `ebml:"EBML"`
	Segment struct {
		Info   webm.Info   `ebml:"Info"`
		Tracks webm.Tracks `ebml:"Tracks"`
	} `ebml:"Segment,size=unknown"`
}

// videoTrackNumber is the track KVS expects video on.
const videoTrackNumber = 1

// writeStreamHeader starts a PutMedia body for track.
func writeStreamHeader(w io.Writer, track Track) error {
	var h streamHeader
	h.Header = webm.EBMLHeader{
		EBMLVersion: 1, EBMLReadVersion: 1, EBMLMaxIDLength: 4, EBMLMaxSizeLength: 8,
		DocType: "matroska", DocTypeVersion: 4, DocTypeReadVersion: 2,
	}
	h.Segment.Info = webm.Info{TimecodeScale: timecodeScale, MuxingApp: "mediguard-camsim", WritingApp: "mediguard-camsim"}
	h.Segment.Tracks = webm.Tracks{TrackEntry: []webm.TrackEntry{{
		Name:         "video",
		TrackNumber:  videoTrackNumber,
		TrackUID:     videoTrackNumber,
		CodecID:      track.CodecID,
		CodecPrivate: track.CodecPrivate,
		TrackType:    1, // video
		Video:        &webm.Video{PixelWidth: uint64(track.Width), PixelHeight: uint64(track.Height)},
	}}}
	if err := ebml.Marshal(&h, w); err != nil {
		return fmt.Errorf("write Matroska stream header: %w", err)
	}
	return nil
}

// writeCluster writes frag as one Cluster whose timecode is the absolute
// time timecode (milliseconds since the Unix epoch), then the image
// generation tag that applies to it.
func writeCluster(w io.Writer, frag Fragment, timecode time.Time) error {
	cluster := webm.Cluster{Timecode: uint64(timecode.UnixMilli())}
	for _, f := range frag.Frames {
		cluster.SimpleBlock = append(cluster.SimpleBlock, ebml.Block{
			TrackNumber: videoTrackNumber,
			Timecode:    int16(f.Offset / time.Millisecond),
			Keyframe:    f.Keyframe,
			Data:        [][]byte{f.Data},
		})
	}
	var out struct {
		Cluster webm.Cluster `ebml:"Cluster"`
		Tags    mkvTags      `ebml:"Tags"`
	}
	out.Cluster = cluster
	out.Tags = mkvTags{Tag: []mkvTag{{SimpleTag: []mkvSimpleTag{{TagName: ImageGenerationTag}}}}}
	if err := ebml.Marshal(&out, w); err != nil {
		return fmt.Errorf("write Matroska cluster %d: %w", cluster.Timecode, err)
	}
	return nil
}
