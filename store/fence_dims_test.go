package store

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// TestFenceFewerDimensions: radius fences with a 2-D centre over 3-D items
// watch vertical columns (distances over the dimensions both have);
// spawns with a TTL, deletes and the net of the events match brute force.
func TestFenceFewerDimensions(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateSpatialIndex("players", "player:*", "pos"))
	mustOK(t, db.CreateSpatialIndex("items", "item:*", "pos"))
	r := rand.New(rand.NewPCG(1, 1))
	pos := map[string][3]float64{}
	var items []Item
	for i := range 3000 {
		p := [3]float64{r.Float64() * 1000, r.Float64() * 1000, r.Float64() * 1000}
		k := fmt.Sprintf("item:%d", i)
		pos[k] = p
		items = append(items, Item{Key: k, Value: fmt.Sprintf(`{"kind":"coin","pos":[%g,%g,%g]}`, p[0], p[1], p[2])})
	}
	mustOK(t, db.SetMany(items))
	var centers [][]float64
	for i := range 6 {
		tt := (float64(i) + 0.5) / 6
		c := []float64{tt * 1000, (0.2 + 0.6*tt) * 1000}
		centers = append(centers, c)
		mustOK(t, db.CreateFence(RadiusFence(fmt.Sprintf("pickup:p%d", i), "items", "item:*", c, 100)))
	}
	inCols := func() int {
		n := 0
		for _, p := range pos {
			for _, c := range centers {
				if math.Hypot(p[0]-c[0], p[1]-c[1]) <= 100 {
					n++
				}
			}
		}
		return n
	}
	before := inCols()
	next := 3000
	for tick := range 100 {
		mustOK(t, db.Update(func(tx *Tx) error {
			for j := 0; j < 2; j++ {
				k := fmt.Sprintf("item:%d", r.IntN(next))
				if _, ok := pos[k]; ok {
					delete(pos, k)
					if err := tx.Delete(k); err != nil {
						return err
					}
				}
			}
			var spawn []Item
			for j := 0; j < 2; j++ {
				p := [3]float64{r.Float64() * 1000, r.Float64() * 1000, r.Float64() * 1000}
				k := fmt.Sprintf("item:%d", next)
				next++
				pos[k] = p
				spawn = append(spawn, Item{Key: k, Value: fmt.Sprintf(`{"kind":"coin","pos":[%g,%g,%g]}`, p[0], p[1], p[2]), TTL: time.Hour})
			}
			return tx.SetMany(spawn)
		}))
		_ = tick
	}
	evs, _, _ := db.PollEvents(0)
	net := 0
	for _, e := range evs {
		if e.Kind == EventEnter {
			net++
		} else {
			net--
		}
	}
	if net != inCols()-before {
		t.Fatalf("net %d, brute %d (%d events)", net, inCols()-before, len(evs))
	}
}
