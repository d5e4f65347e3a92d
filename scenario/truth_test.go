package scenario

import (
	"math"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func zonePolygon(t *testing.T, tr Truth, kind string) []Point {
	t.Helper()
	var cfg testZones
	if err := yaml.Unmarshal(tr.CameraConfigYAML(), &cfg); err != nil {
		t.Fatalf("%s: camera.yaml: %v", tr.Name, err)
	}
	for _, z := range cfg.Zones {
		if z.Kind == kind {
			var poly []Point
			for _, p := range z.Polygon {
				poly = append(poly, Point{p[0], p[1]})
			}
			return poly
		}
	}
	t.Fatalf("%s: no %s zone in camera.yaml", tr.Name, kind)
	return nil
}

func patientBox(frame []PersonBox) (PersonBox, bool) {
	for _, b := range frame {
		if b.Patient {
			return b, true
		}
	}
	return PersonBox{}, false
}

// frameIndex is the 0-based index of the frame captured at ts.
func frameIndex(tr Truth, ts time.Time) int {
	return int(math.Round(ts.Sub(tr.Start).Seconds() * float64(tr.FPS)))
}

func TestTruthAgreesWithDrawnGeometry(t *testing.T) {
	t.Parallel()
	for _, tr := range append(mustCatalogTruths(t), mustVariantTruths(t)...) {
		switch tr.Kind {
		case KindBedExit, KindBedExitNotAtRisk, KindBedExitFall, KindBedExitReturn:
			bed := zonePolygon(t, tr, "bed")
			exit, back := -1, -1
			for i, frame := range tr.Boxes {
				b, ok := patientBox(frame)
				if ok && !pointInPolygon(b.Foot(), bed) && exit < 0 {
					exit = i
				}
				if ok && exit >= 0 && back < 0 && pointInPolygon(b.Foot(), bed) {
					back = i
				}
			}
			switch {
			case tr.Kind == KindBedExitReturn && (back < 0 || frameIndex(tr, tr.Events[0].End) != back):
				t.Errorf("%s: patient back in bed at frame %d, truth episode ends at frame %d", tr.Name, back+1, frameIndex(tr, tr.Events[0].End)+1)
			case tr.Kind != KindBedExitReturn && back >= 0:
				t.Errorf("%s: patient back in the bed zone at frame %d", tr.Name, back+1)
			}
			if b, _ := patientBox(tr.Boxes[0]); !pointInPolygon(b.Foot(), bed) {
				t.Errorf("%s: patient not in the bed zone at the start", tr.Name)
			}
			if exit < 0 {
				t.Errorf("%s: patient never leaves the bed zone", tr.Name)
			} else if tr.Kind != KindBedExitNotAtRisk && frameIndex(tr, tr.Events[0].Start) != exit {
				t.Errorf("%s: truth starts at frame %d, patient leaves the bed zone at frame %d", tr.Name, frameIndex(tr, tr.Events[0].Start)+1, exit+1)
			}
		}
		switch tr.Kind {
		case KindFall, KindBedExitFall:
			e := tr.Events[len(tr.Events)-1]
			impact := frameIndex(tr, e.Start)
			before, _ := patientBox(tr.Boxes[impact-int(1.5*float64(tr.FPS))])
			if r := (before.Y1 - before.Y0) * float64(tr.Height) / ((before.X1 - before.X0) * float64(tr.Width)); r < 2 {
				t.Errorf("%s: 1.5 s before the fall the patient box h/w is %.2f, want tall (>= 2)", tr.Name, r)
			}
			for i := impact; i < tr.Frames; i++ {
				b, _ := patientBox(tr.Boxes[i])
				if r := (b.Y1 - b.Y0) * float64(tr.Height) / ((b.X1 - b.X0) * float64(tr.Width)); r > 0.8 || !b.Fallen {
					t.Fatalf("%s: frame %d after the impact has h/w %.2f (fallen %t), want wide and fallen", tr.Name, i+1, r, b.Fallen)
				}
				if cy, cyBefore := (b.Y0+b.Y1)/2, (before.Y0+before.Y1)/2; cy <= cyBefore+0.05 {
					t.Fatalf("%s: frame %d: centroid %.2f did not drop from %.2f", tr.Name, i+1, cy, cyBefore)
				}
			}
			if down := e.End.Sub(e.Start); down < 20*time.Second {
				t.Errorf("%s: patient down for %s, want at least 20 s", tr.Name, down)
			}
		case KindRestrictedNight, KindRestrictedDaytime:
			zone := zonePolygon(t, tr, "restricted")
			inside := 0
			for i, frame := range tr.Boxes {
				b, _ := patientBox(frame)
				in := pointInPolygon(b.Foot(), zone)
				if in {
					inside++
				}
				if tr.Kind == KindRestrictedNight {
					e := tr.Events[0]
					ts := FrameTime(tr.Start, tr.FPS, i+1)
					inEpisode := !ts.Before(e.Start) && ts.Before(e.End)
					if in != inEpisode {
						t.Fatalf("%s: frame %d: foot in zone %t, in truth episode %t", tr.Name, i+1, in, inEpisode)
					}
				}
			}
			if inside < 3*tr.FPS {
				t.Errorf("%s: patient inside the restricted zone for %d frames, want several seconds", tr.Name, inside)
			}
		case KindInactivity:
			e := tr.Events[0]
			first, last := frameIndex(tr, e.Start)-60*tr.FPS, frameIndex(tr, e.End)-1
			// Still means no box edge moves by a pixel or more.
			shift := func(a, b PersonBox) float64 {
				return max(math.Abs(a.X0-b.X0)*float64(tr.Width), math.Abs(a.X1-b.X1)*float64(tr.Width),
					math.Abs(a.Y0-b.Y0)*float64(tr.Height), math.Abs(a.Y1-b.Y1)*float64(tr.Height))
			}
			ref, _ := patientBox(tr.Boxes[first])
			for i := first; i <= last; i++ {
				if b, _ := patientBox(tr.Boxes[i]); shift(b, ref) >= 1 {
					t.Fatalf("%s: patient moved at frame %d inside the still period", tr.Name, i+1)
				}
			}
			movedAfter := false
			for i := last + 1; i < min(tr.Frames, last+1+2*tr.FPS); i++ {
				b, _ := patientBox(tr.Boxes[i])
				movedAfter = movedAfter || shift(b, ref) >= 1
			}
			if !movedAfter {
				t.Errorf("%s: episode ends at frame %d but the patient does not move", tr.Name, last+2)
			}
		}
	}
}

func TestFigureProportions(t *testing.T) {
	t.Parallel()
	const w, h = 320, 240
	c := clothing{}
	tests := []struct {
		name   string
		p      placement
		lo, hi float64 // bounds of the box h/w ratio
	}{
		{"standing is tall", placement{pose: poseStand, at: Point{0.5, 0.9}, height: 0.5, facing: 1}, 2.5, 3.3},
		{"seated is squat", placement{pose: poseSitChair, at: Point{0.5, 0.9}, height: 0.5, facing: 1}, 1.4, 2.2},
		{"lying in bed is wide", placement{pose: poseStand, at: Point{0.2, 0.5}, height: 0.5, angle: math.Pi / 2, facing: 1}, 0.2, 0.5},
		{"fallen is wide and low", placement{pose: poseFallen, at: Point{0.2, 0.9}, height: 0.5, angle: -math.Pi / 2, facing: -1}, 0.3, 0.8},
	}
	for _, tc := range tests {
		b := tc.p.figure(0, w, h).box(c)
		if r := b.height() / b.width(); r < tc.lo || r > tc.hi {
			t.Errorf("%s: box h/w %.2f, want %.1f..%.1f", tc.name, r, tc.lo, tc.hi)
		}
	}
	// Walking keeps a standing person's proportions through the gait.
	for phase := 0.0; phase < 2*math.Pi; phase += 0.5 {
		p := placement{pose: poseWalk, at: Point{0.5, 0.9}, height: 0.5, facing: 1}
		b := p.figure(phase, w, h).box(c)
		if r := b.height() / b.width(); r < 2.3 || r > 3.4 {
			t.Errorf("walking at phase %.1f: box h/w %.2f, want 2.3..3.4", phase, r)
		}
	}
}

func TestPrivacyRegionsCoverFaceInBedAndWhiteboard(t *testing.T) {
	t.Parallel()
	for _, name := range LayoutNames() {
		spec := NewSpec("privacy", KindInactivity, 1)
		spec.Layout = name
		sc, err := newScene(mustNormalize(t, spec))
		if err != nil {
			t.Fatal(err)
		}
		regions := sc.cameraConfig().PrivacyRegions
		covered := func(p Point) bool {
			for _, r := range regions {
				if pointInPolygon(p, r) {
					return true
				}
			}
			return false
		}
		head := sc.lying().figure(0, spec.Width, spec.Height).j[jHead]
		if !covered(Point{head.X / float64(spec.Width), head.Y / float64(spec.Height)}) {
			t.Errorf("%s: the face of the patient lying in bed is outside every privacy region", name)
		}
		b := sc.lay.board
		if !covered(Point{(b.X0 + b.X1) / 2, (b.Y0 + b.Y1) / 2}) {
			t.Errorf("%s: the whiteboard is outside every privacy region", name)
		}
	}
}
