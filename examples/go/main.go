// Command go-example shows the store package from Go: no cgo, no
// libstore.so, just an import.
package main

import (
	"errors"
	"fmt"
	"log"
	"time"

	"spatialstore/store"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	db, err := store.Open(":memory:", nil)
	if err != nil {
		return err
	}
	defer db.Close()

	// Players carry their position in their JSON value.
	if err := db.CreateSpatialIndex("pos", "player:*", "pos"); err != nil {
		return err
	}
	err = db.Update(func(tx *store.Tx) error {
		for _, p := range []struct{ name, json string }{
			{"player:ann", `{"pos":[0,0,0],"hp":90}`},
			{"player:bob", `{"pos":[3,4,0],"hp":75}`},
			{"player:cid", `{"pos":[40,0,0],"hp":60}`},
		} {
			if err := tx.Set(p.name, p.json, 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	// The two players nearest to the origin, with their distances.
	err = db.Nearby("pos", []float64{0, 0, 0}, 2, -1, func(key, _ string, dist float64) bool {
		fmt.Printf("near %s at %.1f\n", key, dist)
		return true
	})
	if err != nil {
		return err
	}

	// Everyone inside a box.
	box := store.Box([]float64{-10, -10, -10}, []float64{10, 10, 10})
	err = db.Intersects("pos", box, 0, func(key, _ string) bool {
		fmt.Println("in box:", key)
		return true
	})
	if err != nil {
		return err
	}

	// An item that expires, and what a bad write gets back.
	if err := db.Set("loot:1", "[1 1 1]", 50*time.Millisecond); err != nil {
		return err
	}
	if err := db.Set("player:dan", `{"pos":"nowhere"}`, 0); errors.Is(err, store.ErrInvalidGeometry) {
		fmt.Println("refused:", err)
	}
	v, err := db.Get("player:bob")
	if err != nil {
		return err
	}
	fmt.Println("bob:", v)
	return nil
}
