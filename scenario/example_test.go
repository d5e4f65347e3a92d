package scenario_test

import (
	"fmt"
	"time"

	"github.com/mediguard/mediguard/scenario"
)

// Render a catalog scenario in memory: each frame goes to a callback, the
// ground truth comes back.
func ExampleRender() {
	spec := scenario.Catalog()[0] // fall-01
	frames := 0
	truth, err := scenario.Render(spec, func(i int, ts time.Time, jpeg []byte) error {
		frames++ // hand the frame to the engine here
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(truth.Name, frames, "frames at", truth.FPS, "fps")
	for _, e := range truth.Events {
		fmt.Println(e.Type, "from", e.Start.Sub(truth.Start), "to", e.End.Sub(truth.Start))
	}
	// Output:
	// fall-01 275 frames at 5 fps
	// fall from 10s to 55s
}
