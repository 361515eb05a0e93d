package store_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"spatialstore/store"
)

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "store-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "game.db")

	db, err := store.Open(path, nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := db.Set("player:1", "ann", 0); err != nil {
		log.Fatal(err)
	}
	// The file is locked while the store is open.
	_, err = store.Open(path, nil)
	fmt.Println("second open busy:", errors.Is(err, store.ErrBusy))
	if err := db.Close(); err != nil {
		log.Fatal(err)
	}

	db, err = store.Open(path, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	v, _ := db.Get("player:1")
	fmt.Println("after reopen:", v)
	// Output:
	// second open busy: true
	// after reopen: ann
}

func ExampleDB_Set() {
	db, err := store.Open(store.MemoryPath, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	_ = db.Set("greeting", "hello", 0)
	_ = db.Set("session", "abc", time.Hour)

	v, _ := db.Get("greeting")
	fmt.Println(v)
	ttl, _ := db.TTL("greeting")
	fmt.Println("greeting ttl:", ttl)
	ttl, _ = db.TTL("session")
	fmt.Println("session expires within the hour:", ttl > 0 && ttl <= time.Hour)
	_, err = db.Get("missing")
	fmt.Println(err)
	// Output:
	// hello
	// greeting ttl: -1ns
	// session expires within the hour: true
	// not found
}

func ExampleDB_Update() {
	db, err := store.Open(store.MemoryPath, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	_ = db.Set("gold", "10", 0)

	// Update commits when fn returns nil...
	_ = db.Update(func(tx *store.Tx) error {
		return tx.Set("gold", "15", 0)
	})
	// ...and rolls back when it returns an error.
	err = db.Update(func(tx *store.Tx) error {
		_ = tx.Set("gold", "1000", 0)
		return fmt.Errorf("cheater detected")
	})
	fmt.Println("update:", err)

	_ = db.View(func(tx *store.Tx) error {
		v, _ := tx.Get("gold")
		fmt.Println("gold:", v)
		return nil
	})
	// Output:
	// update: cheater detected
	// gold: 15
}

func ExampleDB_Scan() {
	db, err := store.Open(store.MemoryPath, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	_ = db.CreateIndex("score", "player:*", store.IndexJSON, "score")
	_ = db.SetMany([]store.Item{
		{Key: "player:ann", Value: `{"score":120}`},
		{Key: "player:bob", Value: `{"score":80}`},
		{Key: "player:cy", Value: `{"score":300}`},
		{Key: "player:dee", Value: `{"score":95}`},
	})

	// The top three scores.
	_ = db.Scan("score", store.Range{Desc: true, Limit: 3}, func(key, value string) bool {
		fmt.Println(key, value)
		return true
	})
	// Scores in [90, 200).
	fmt.Println("--")
	r := store.Range{Lo: `{"score":90}`, HasLo: true, Hi: `{"score":200}`, HasHi: true}
	_ = db.Scan("score", r, func(key, _ string) bool {
		fmt.Println(key)
		return true
	})
	// Output:
	// player:cy {"score":300}
	// player:ann {"score":120}
	// player:dee {"score":95}
	// --
	// player:dee
	// player:ann
}

func ExampleDB_Intersects() {
	db, err := store.Open(store.MemoryPath, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	_ = db.CreateSpatialIndex("pos", "unit:*", "pos")
	_ = db.Set("unit:archer", `{"pos":[2,3]}`, 0)
	_ = db.Set("unit:wall", `{"pos":[[4,0],[6,10]]}`, 0)
	_ = db.Set("unit:scout", `{"pos":{"x":20,"y":20}}`, 0)

	// Geometry that cannot be read is refused.
	err = db.Set("unit:ghost", `{"pos":"here"}`, 0)
	fmt.Println("ghost refused:", errors.Is(err, store.ErrInvalidGeometry))

	view := store.Box([]float64{0, 0}, []float64{5, 5})
	_ = db.Intersects("pos", view, 0, func(key, _ string) bool {
		fmt.Println("intersects:", key)
		return true
	})
	_ = db.Within("pos", view, 0, func(key, _ string) bool {
		fmt.Println("within:", key)
		return true
	})
	// Unordered output:
	// ghost refused: true
	// intersects: unit:archer
	// intersects: unit:wall
	// within: unit:archer
}

func ExampleDB_Nearby() {
	db, err := store.Open(store.MemoryPath, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	_ = db.CreateSpatialIndex("pos", "*", "")
	_ = db.Set("tree", "[3 4 0]", 0)
	_ = db.Set("rock", "[1 0 0]", 0)
	_ = db.Set("lake", "[10 -2 -1],[20 2 1]", 0)
	_ = db.Set("far", "[100 100 100]", 0)

	// The three nearest to the origin, nearest first, with true distances.
	_ = db.Nearby("pos", []float64{0, 0, 0}, 3, -1, func(key, _ string, dist float64) bool {
		fmt.Printf("%s %.1f\n", key, dist)
		return true
	})
	// Everything within 2 of (12, 0, 0): inside the lake is distance 0.
	fmt.Println("--")
	_ = db.Nearby("pos", []float64{12, 0, 0}, 0, 2, func(key, _ string, dist float64) bool {
		fmt.Printf("%s %.1f\n", key, dist)
		return true
	})
	// Output:
	// rock 1.0
	// tree 5.0
	// lake 10.0
	// --
	// lake 0.0
}
