package stammer

import (
	"cmp"
	"testing"
	"time"
	"unsafe"
)

func TestInstantOf(t *testing.T) {
	for _, tt := range []struct {
		name string
		t    time.Time
		want int64 // Unix nanoseconds; 0 for unknown
	}{
		{"zero time", time.Time{}, 0},
		{"the Unix epoch", time.Unix(0, 0), 0},
		{"before 1970", time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC), 0},
		{"long before", time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), 0},
		{"after 2261", time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC), 0},
		{"far after", time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), 0},
		{"a second after the epoch", time.Unix(1, 0), 1e9},
		{"nanoseconds kept", time.Date(2026, 11, 1, 9, 30, 0, 123456789, time.UTC), 1793525400123456789},
		{"offset dropped", time.Date(2026, 11, 1, 6, 30, 0, 0, time.FixedZone("-03", -3*3600)), 1793525400e9},
		{"last year kept", time.Date(2261, 12, 31, 23, 59, 59, 0, time.UTC), 9214646399e9},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := InstantOf(tt.t)
			if int64(got) != tt.want {
				t.Fatalf("InstantOf(%v) = %d, want %d", tt.t, got, tt.want)
			}
			if got.IsZero() != (tt.want == 0) {
				t.Errorf("IsZero() = %v", got.IsZero())
			}
			back := got.Time()
			if tt.want == 0 {
				if !back.IsZero() {
					t.Errorf("Time() of an unknown instant = %v, want the zero time", back)
				}
				return
			}
			if !back.Equal(tt.t) || back.Location() != time.UTC {
				t.Errorf("Time() = %v, want %v in UTC", back, tt.t.UTC())
			}
		})
	}
}

// TestInstantsSortUnknownFirst: the tools sort by cmp.Compare on
// Instants and rely on an unknown time sorting before every known one, as
// time.Time's zero value did.
func TestInstantsSortUnknownFirst(t *testing.T) {
	unknown := InstantOf(time.Time{})
	early, late := InstantOf(time.Unix(1, 0)), InstantOf(time.Date(2261, 1, 1, 0, 0, 0, 0, time.UTC))
	if cmp.Compare(unknown, early) >= 0 || cmp.Compare(early, late) >= 0 || cmp.Compare(late, late) != 0 {
		t.Errorf("order: unknown %d, early %d, late %d", unknown, early, late)
	}
}

func TestRoleAndStateNames(t *testing.T) {
	for r, want := range map[Role]string{RoleUser: "user", RoleAssistant: "assistant", RoleOther: "other", 7: "other", 255: "other"} {
		if got := r.String(); got != want {
			t.Errorf("Role(%d).String() = %q, want %q", r, got, want)
		}
	}
	for s, want := range map[State]string{StateUnknown: "unknown", StateLive: "live", StateDeleted: "deleted", -1: "unknown", 3: "unknown"} {
		if got := s.String(); got != want {
			t.Errorf("State(%d).String() = %q, want %q", s, got, want)
		}
	}
}

// TestMessageSize guards what Role and Instant are for: a decoded message
// is its text, its time and one more word for the role (32 bytes on 64-bit
// machines, not 56), which is 19 MB at K = 50,000.
func TestMessageSize(t *testing.T) {
	want := unsafe.Sizeof("") + unsafe.Sizeof(Instant(0)) + unsafe.Alignof(Instant(0))
	if n := unsafe.Sizeof(Message{}); n != want {
		t.Errorf("Message is %d bytes, want %d", n, want)
	}
}
