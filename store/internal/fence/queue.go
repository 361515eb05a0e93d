package fence

// Record is a queued event: which fence, which key, enter or exit, and
// the time of the commit that caused it in Unix nanoseconds.
type Record struct {
	Fence, Key string
	Exit       bool
	Time       int64
}

// Queue holds events until they are polled, oldest first, at most its
// capacity: a push onto a full queue drops the oldest and counts it lost.
type Queue struct {
	ring []Record
	head int // index of the oldest
	n    int
	max  int
	lost uint64
}

// NewQueue makes a queue of capacity max (at least 1).
func NewQueue(max int) *Queue { return &Queue{max: max} }

// Len is the number of events waiting.
func (q *Queue) Len() int { return q.n }

// Cap is the capacity.
func (q *Queue) Cap() int { return q.max }

// Push appends r, dropping the oldest event if the queue is full.
func (q *Queue) Push(r Record) {
	if q.n == q.max {
		q.ring[q.head] = Record{}
		q.head = (q.head + 1) % len(q.ring)
		q.n--
		q.lost++
	}
	if q.n == len(q.ring) {
		q.grow()
	}
	q.ring[(q.head+q.n)%len(q.ring)] = r
	q.n++
}

// grow doubles the ring (up to the capacity), oldest first at 0: a queue
// that is never busy stays small.
func (q *Queue) grow() {
	size := min(max(2*len(q.ring), 64), q.max)
	ring := make([]Record, size)
	for i := 0; i < q.n; i++ {
		ring[i] = q.ring[(q.head+i)%len(q.ring)]
	}
	q.ring, q.head = ring, 0
}

// Poll appends up to limit of the oldest events to dst (limit <= 0: all)
// and takes them out. lost is how many events were dropped since the last
// Poll; it starts again from 0.
func (q *Queue) Poll(limit int, dst []Record) (out []Record, lost uint64) {
	if limit <= 0 || limit > q.n {
		limit = q.n
	}
	for i := 0; i < limit; i++ {
		j := (q.head + i) % len(q.ring)
		dst = append(dst, q.ring[j])
		q.ring[j] = Record{} // let go of the strings
	}
	if limit > 0 {
		q.head = (q.head + limit) % len(q.ring)
		q.n -= limit
	}
	lost, q.lost = q.lost, 0
	return dst, lost
}

// SetCap changes the capacity (at least 1); when fewer events fit, the
// oldest are dropped and counted lost.
func (q *Queue) SetCap(n int) {
	for q.n > n {
		q.ring[q.head] = Record{}
		q.head = (q.head + 1) % len(q.ring)
		q.n--
		q.lost++
	}
	q.max = n
	if len(q.ring) > n {
		ring := make([]Record, n)
		for i := 0; i < q.n; i++ {
			ring[i] = q.ring[(q.head+i)%len(q.ring)]
		}
		q.ring, q.head = ring, 0
	}
}
