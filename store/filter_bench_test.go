package store

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// BenchmarkFilteredQuery: a box query of about 1,000 hits over 100,000
// items, each hit copied out (key and value appended to a buffer, as the C
// API does), unfiltered and with filters that let 100%, 10% and 1% of the
// items through, in the same run:
//
//	go test -run '^$' -bench FilteredQuery -benchmem ./store
//
// A key pattern is tested before anything is copied, so the time falls
// with the share of matches; a JSON condition parses each candidate's
// value, which costs about what copying it does. kNN with k = 10 is there
// too: with a filter it must look past the items that do not pass.
func BenchmarkFilteredQuery(b *testing.B) {
	const n = 100000
	db, err := Open(MemoryPath, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	rng := rand.New(rand.NewPCG(14, 3))
	pad := strings.Repeat("x", 80) // a value of a realistic size
	items := make([]Item, 0, n)
	for i := range n {
		// grp i%100 is in both the key and the value, so a key pattern
		// and a JSON condition pick the same share.
		key := fmt.Sprintf("obj:%02d:%d", i%100, i)
		v := fmt.Sprintf(`{"pos":[%g,%g],"grp":%d,"pad":%q}`, rng.Float64()*1000, rng.Float64()*1000, i%100, pad)
		items = append(items, Item{Key: key, Value: v})
	}
	if err := db.SetMany(items); err != nil {
		b.Fatal(err)
	}
	if err := db.CreateSpatialIndex("pos", "obj:*", "pos"); err != nil {
		b.Fatal(err)
	}
	filters := []struct {
		name string
		f    *Filter
	}{
		{"unfiltered", nil},
		{"match=100%", &Filter{Match: "obj:*"}},
		{"match=10%", &Filter{Match: "obj:0?:*"}},
		{"match=1%", &Filter{Match: "obj:00:*"}},
		{"where=10%", &Filter{Where: []Cond{Between("grp", 0, 9)}}},
	}
	var buf []byte
	copyOut := func(key, value string) bool {
		buf = append(append(buf, key...), value...)
		return true
	}
	for _, fl := range filters {
		b.Run("box/"+fl.name, func(b *testing.B) {
			qr := rand.New(rand.NewPCG(5, 6))
			pt := make([]float64, 2)
			inView(b, db, qr, pt, func(tx *Tx) error {
				buf = buf[:0]
				box := Box([]float64{pt[0], pt[1]}, []float64{pt[0] + 100, pt[1] + 100})
				return tx.IntersectsFiltered("pos", box, 0, fl.f, copyOut)
			})
		})
	}
	for _, fl := range filters {
		b.Run("knn10/"+fl.name, func(b *testing.B) {
			qr := rand.New(rand.NewPCG(5, 6))
			pt := make([]float64, 2)
			inView(b, db, qr, pt, func(tx *Tx) error {
				buf = buf[:0]
				return tx.NearbyFiltered("pos", pt, 10, -1, fl.f, func(k, v string, _ float64) bool { return copyOut(k, v) })
			})
		})
	}
}
