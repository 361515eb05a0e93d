package fence

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestQueueMatchesModel runs random pushes, polls and capacity changes on
// a Queue and on a plain slice that drops its oldest by hand.
func TestQueueMatchesModel(t *testing.T) {
	for seed := uint64(1); seed <= 30; seed++ {
		r := rand.New(rand.NewPCG(seed, 1))
		capacity := r.IntN(100) + 1
		q := NewQueue(capacity)
		var model []Record
		var lost uint64
		next := 0
		for step := 0; step < 2000; step++ {
			switch n := r.IntN(20); {
			case n < 14:
				rec := Record{Fence: "f", Key: fmt.Sprint(next), Exit: next%2 == 1, Time: int64(next)}
				next++
				q.Push(rec)
				model = append(model, rec)
				if len(model) > capacity {
					model = model[1:]
					lost++
				}
			case n < 19:
				limit := r.IntN(30) - 5
				got, gotLost := q.Poll(limit, nil)
				k := len(model)
				if limit > 0 && limit < k {
					k = limit
				}
				want := model[:k]
				model = model[k:]
				if gotLost != lost || fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("seed %d step %d: Poll(%d) = %v lost %d, want %v lost %d", seed, step, limit, got, gotLost, want, lost)
				}
				lost = 0
			default:
				capacity = r.IntN(100) + 1
				q.SetCap(capacity)
				for len(model) > capacity {
					model = model[1:]
					lost++
				}
			}
			if q.Len() != len(model) || q.Cap() != capacity {
				t.Fatalf("seed %d step %d: Len %d Cap %d, want %d %d", seed, step, q.Len(), q.Cap(), len(model), capacity)
			}
		}
	}
}

// TestQueueEmptyPoll: polling an empty queue gives nothing and no loss.
func TestQueueEmptyPoll(t *testing.T) {
	q := NewQueue(4)
	got, lost := q.Poll(0, nil)
	if len(got) != 0 || lost != 0 {
		t.Fatalf("empty poll = %v, %d", got, lost)
	}
}
