package store_test

import (
	"fmt"
	"log"

	"spatialstore/store"
)

// A query limited to one kind of object and a range of a field, applied
// inside the store: no index per kind, nothing copied for the others.
func ExampleDB_IntersectsFiltered() {
	db, err := store.Open(store.MemoryPath, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if err := db.CreateSpatialIndex("pos", "obj:*", "pos"); err != nil {
		log.Fatal(err)
	}
	_ = db.Set("obj:player:ann", `{"pos":[1,1],"hp":30}`, 0)
	_ = db.Set("obj:player:bob", `{"pos":[2,2],"hp":90}`, 0)
	_ = db.Set("obj:item:gem", `{"pos":[1,2]}`, 0)
	weak := &store.Filter{Match: "obj:player:*", Where: []store.Cond{store.Between("hp", 0, 50)}}
	err = db.IntersectsFiltered("pos", store.Box([]float64{0, 0}, []float64{9, 9}), 0, weak, func(key, _ string) bool {
		fmt.Println(key)
		return true
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output: obj:player:ann
}

// The k nearest items that pass the filter, not the items that pass among
// the k nearest.
func ExampleDB_NearbyFiltered() {
	db, err := store.Open(store.MemoryPath, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	_ = db.CreateSpatialIndex("pos", "*", "pos")
	_ = db.Set("npc:1", `{"pos":[1,0],"hostile":false}`, 0)
	_ = db.Set("npc:2", `{"pos":[2,0],"hostile":true}`, 0)
	_ = db.Set("npc:3", `{"pos":[9,0],"hostile":true}`, 0)
	hostile := &store.Filter{Match: "npc:*", Where: []store.Cond{{Path: "hostile", Op: store.CondExists}}}
	_ = db.NearbyFiltered("pos", []float64{0, 0}, 1, -1, hostile, func(key, _ string, d float64) bool {
		fmt.Println(key, d) // Exists holds for a false "hostile" too
		return true
	})
	enemies := &store.Filter{Where: []store.Cond{store.Eq("side", "enemy")}}
	_ = db.Set("npc:2", `{"pos":[2,0],"side":"enemy"}`, 0)
	_ = db.NearbyFiltered("pos", []float64{0, 0}, 1, -1, enemies, func(key, _ string, d float64) bool {
		fmt.Println(key, d)
		return true
	})
	// Output:
	// npc:1 1
	// npc:2 2
}

// Changing one field of a JSON value in one call: the spatial index
// follows the position field.
func ExampleDB_SetField() {
	db, err := store.Open(store.MemoryPath, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	_ = db.CreateSpatialIndex("pos", "player:*", "pos")
	_ = db.Set("player:ann", `{"pos":[0,0],"hp":10}`, 0)
	if err := db.SetField("player:ann", "pos", "[5,5]"); err != nil {
		log.Fatal(err)
	}
	hp, _ := db.IncrField("player:ann", "hp", -3)
	v, _ := db.Get("player:ann")
	fmt.Println(hp, v)
	_ = db.Intersects("pos", store.Point(5, 5), 0, func(key, _ string) bool { fmt.Println("at 5,5:", key); return true })
	// Output:
	// 7 {"pos":[5,5],"hp":7}
	// at 5,5: player:ann
}

// A region (its spatial index and its record) made atomically: a rollback
// takes both away.
func ExampleTx_CreateSpatialIndex() {
	db, err := store.Open(store.MemoryPath, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *store.Tx) error {
		if err := tx.CreateSpatialIndex("region:1", "region:1:*", "pos"); err != nil {
			return err
		}
		return tx.Set("region:1:meta", `{"pos":[0,0]}`, 0)
	})
	if err != nil {
		log.Fatal(err)
	}
	infos, _ := db.Indexes()
	for _, i := range infos {
		fmt.Println(i.Name, i.Pattern, i.Spatial(), i.Path)
	}
	n := 0
	_ = db.Scan("", store.PrefixRange("region:1:"), func(string, string) bool { n++; return true })
	fmt.Println(n, "record")
	// Output:
	// region:1 region:1:* true pos
	// 1 record
}
