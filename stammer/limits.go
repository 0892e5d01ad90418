package stammer

import "fmt"

// DefaultMaxConcurrent is how many calls may talk to the Stammer API at
// once, per process. Others wait their turn (the wait counts in their own
// deadline) rather than each reading a large answer at the same time: the
// body cap is per call, and six calls each at the cap would need six times
// the memory.
const DefaultMaxConcurrent = 4

// DefaultMaxInFlightBytes bounds the answer bytes being read at once by all
// calls together (each call's own cap is MaxBodyBytes). When the cap of one
// call is larger, the budget is raised to it so that one call alone can
// always use its whole cap.
const DefaultMaxInFlightBytes int64 = 256 << 20

// BusyError is a call refused because of what other calls were doing: it
// waited for a turn to talk to the API until its deadline, or the answers
// being read at once passed the process's in-flight budget. Nothing about
// the query itself was wrong; another attempt later may succeed.
type BusyError struct {
	// InFlight is true when the byte budget was spent, false when the
	// wait for a turn ran out of time.
	InFlight bool
	// Limit is the budget in bytes (InFlight) or the number of calls that
	// may talk to the API at once.
	Limit int64
}

// Error says what the server was busy with and what to do.
func (e *BusyError) Error() string {
	if e.InFlight {
		return "the answers being read from the Stammer API at once (this call's and others') passed this server's limit of " +
			formatSize(e.Limit) + "; try again when the other calls have finished, or narrow the query with startDate/endDate (or chatbot_id, sourcePlatform)"
	}
	return fmt.Sprintf("this server was already making %d calls to the Stammer API, and this call's time ran out while it waited for one of them to finish; try again in a moment, or narrow the other queries", e.Limit)
}
