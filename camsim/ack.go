package camsim

import "fmt"

// Acknowledgement event types PutMedia streams back, one JSON object per
// event, for every fragment.
const (
	AckBuffering = "BUFFERING" // KVS started receiving the fragment
	AckReceived  = "RECEIVED"  // the whole fragment arrived
	AckPersisted = "PERSISTED" // the fragment is stored: it can be forgotten
	AckError     = "ERROR"     // the fragment failed; ErrorId says why
	AckIdle      = "IDLE"      // keep-alive while no data arrives
)

// Ack is one PutMedia acknowledgement.
type Ack struct {
	EventType string `json:"EventType"`
	// FragmentTimecode is the fragment's Cluster timecode (milliseconds
	// since the epoch with ABSOLUTE timecodes).
	FragmentTimecode uint64 `json:"FragmentTimecode"`
	FragmentNumber   string `json:"FragmentNumber,omitempty"`
	ErrorID          int    `json:"ErrorId,omitempty"`
}

// ackErrorKind says what a PutMedia error means to the producer.
type ackErrorKind struct {
	name string
	// retry: the failure is of the connection or transient on the service
	// side; reconnecting and resending the fragment can succeed.
	retry bool
}

// ackErrors are the PutMedia acknowledgement error IDs (Kinesis Video
// Streams API reference, PutMedia). Stream, data and key problems fail:
// resending the same bytes cannot fix them.
var ackErrors = map[int]ackErrorKind{
	4000: {"STREAM_READ_ERROR", true},
	4001: {"MAX_FRAGMENT_SIZE_REACHED", false},
	4002: {"MAX_FRAGMENT_DURATION_REACHED", false},
	4003: {"MAX_CONNECTION_DURATION_REACHED", true},
	4004: {"FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS", false},
	4005: {"MORE_THAN_ALLOWED_TRACKS_FOUND", false},
	4006: {"INVALID_MKV_DATA", false},
	4007: {"INVALID_PRODUCER_TIMESTAMP", false},
	4008: {"STREAM_NOT_ACTIVE", false},
	4009: {"FRAGMENT_METADATA_LIMIT_REACHED", false},
	4010: {"TRACK_NUMBER_MISMATCH", false},
	4011: {"FRAMES_MISSING_FOR_TRACK", false},
	4500: {"KMS_KEY_ACCESS_DENIED", false},
	4501: {"KMS_KEY_DISABLED", false},
	4502: {"KMS_KEY_VALIDATION_ERROR", false},
	4503: {"KMS_KEY_UNAVAILABLE", true},
	4504: {"KMS_KEY_INVALID_USAGE", false},
	4505: {"KMS_KEY_INVALID_STATE", false},
	4506: {"KMS_KEY_NOT_FOUND", false},
	4507: {"KMS_KEY_DELETED", false},
	5000: {"INTERNAL_ERROR", true},
	5001: {"ARCHIVAL_ERROR", true},
}

// AckFailure is an ERROR acknowledgement.
type AckFailure struct {
	ErrorID          int
	Name             string // the documented error name, or "UNKNOWN"
	FragmentTimecode uint64
	Retryable        bool
}

func (e *AckFailure) Error() string {
	return fmt.Sprintf("PutMedia error %d %s on fragment %d", e.ErrorID, e.Name, e.FragmentTimecode)
}

func (e *AckFailure) canRetry() bool { return e.Retryable }

// ackError classifies an ERROR acknowledgement. Unknown IDs in the 5xxx
// (service) range are retried; others fail.
func ackError(a Ack) *AckFailure {
	kind, ok := ackErrors[a.ErrorID]
	if !ok {
		kind = ackErrorKind{name: "UNKNOWN", retry: a.ErrorID >= 5000 && a.ErrorID < 6000}
	}
	return &AckFailure{ErrorID: a.ErrorID, Name: kind.name, FragmentTimecode: a.FragmentTimecode, Retryable: kind.retry}
}
