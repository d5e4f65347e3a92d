package detection

import "time"

// EventType names what the engine noticed. The values are stable: they appear in
// alerts, SNS message attributes, metrics and audit records.
type EventType string

// Event types.
const (
	EventFall          EventType = "fall"
	EventBedExit       EventType = "bed_exit"
	EventZoneIntrusion EventType = "restricted_zone"
	EventInactivity    EventType = "inactivity"
	EventCameraTamper  EventType = "camera_tamper"
	EventCameraOffline EventType = "camera_offline"
)

// Severity orders events for triage and for alert routing.
type Severity string

// Severities, most urgent first.
const (
	SeverityCritical Severity = "critical"
	SeverityHigh     Severity = "high"
	SeverityMedium   Severity = "medium"
	SeverityLow      Severity = "low"
)

// Event is one episode the engine raised: at most one Event per episode.
//
// An Event is de-identified by construction: it carries no pixels, no image
// coordinates of people, and no patient identifiers (names, MRNs, dates of
// birth). Ward and Room are facility location codes; Reason is a fixed
// vocabulary word (for tamper: covered, defocused, moved; for zones: the zone
// name from the camera configuration).
type Event struct {
	EpisodeID  string    `json:"episode_id"`
	CameraID   string    `json:"camera_id"`
	Ward       string    `json:"ward"`
	Room       string    `json:"room"`
	Type       EventType `json:"type"`
	Reason     string    `json:"reason,omitempty"`
	Severity   Severity  `json:"severity"`
	Confidence float64   `json:"confidence"`
	StartedAt  time.Time `json:"started_at"`  // first frame of the episode (video time)
	DetectedAt time.Time `json:"detected_at"` // frame at which the rule fired (video time)
	FrameRef   string    `json:"frame_ref"`   // reference of the frame that fired (file name, S3 key), never its pixels
}
