//! Short simulations against a real store, checking the game's invariants.

use std::path::PathBuf;

use game_server::args::{Config, Storage};
use game_server::error::Error;
use game_server::fences::Shape;
use game_server::world::{self, Origin, PlayerDoc, TickReport, World};
use store::{Ops, Range, Store};

fn small(threads: usize) -> Config {
    // A small, crowded world, so that pickups and neighbours happen.
    Config {
        storage: Storage::Memory,
        players: 200,
        items: 400,
        size: 150.0,
        ticks: 20,
        seconds: 0.0,
        seed: 7,
        threads,
        reset: false,
        fences: true,
        svg: None,
    }
}

fn run_ticks(db: &Store, w: &mut World, n: u64) -> (TickReport, Vec<u64>) {
    let mut total = TickReport::default();
    let mut picked = Vec::new();
    for _ in 0..n {
        let rep = w.step(db).unwrap();
        total.absorb(&rep);
        picked.extend(rep.picked);
    }
    (total, picked)
}

fn inside(pos: [f64; 3], size: f64) -> bool {
    pos.iter().all(|c| (0.0..=size).contains(c))
}

#[test]
fn twenty_ticks_in_memory_keep_the_invariants() {
    for threads in [1, 3] {
        let cfg = small(threads);
        let db = Store::open_in_memory().unwrap();
        world::create_indexes(&db).unwrap();
        let (mut w, origin) = World::open(&db, &cfg).unwrap();
        assert_eq!(origin, Origin::New);
        assert_eq!(w.players().len(), 200);
        assert_eq!(w.live_items(), 400);
        let before: Vec<[f64; 3]> = w.players().iter().map(|p| p.pos).collect();

        let (total, picked) = run_ticks(&db, &mut w, cfg.ticks);
        assert_eq!(w.tick(), 20);
        assert_eq!(total.queries, 20 * World::queries_per_tick(200));
        assert!(total.queries > 0);
        assert_eq!(total.stale_hits, 0, "expired or deleted loot came back from a query");
        assert!(total.pickups > 0, "{total:?}");
        assert_eq!(total.pickups as usize, picked.len());
        assert!(total.spawned > 0, "pickups are replaced by spawned loot");
        assert!(total.neighbours > 0, "{total:?}");

        // Everyone moved and stayed inside the world, in the game and in the store.
        assert!(w.players().iter().zip(&before).all(|(p, b)| p.pos != *b));
        assert!(w.players().iter().all(|p| inside(p.pos, cfg.size)));
        let stored = db.scan("", Range::all().lo("player:").hi("player;")).unwrap();
        assert_eq!(stored.len(), 200);
        for hit in &stored {
            let doc: PlayerDoc = serde_json::from_slice(hit.value()).unwrap();
            assert!(inside(doc.pos, cfg.size), "{hit:?}");
        }
        assert_eq!(world::check_players(&db, w.players(), 200).unwrap(), 200);

        // Items picked up are gone, and each was picked up once.
        let mut unique = picked.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), picked.len());
        let keys: Vec<String> = picked.iter().map(|id| format!("item:{id}")).collect();
        assert!(db.get_many(&keys).unwrap().iter().all(|e| e.value().is_none()));

        // The indexes see every player and the loot the game believes is live.
        let (players, items) = world::count(&db).unwrap();
        assert_eq!(players, 200);
        assert!(
            items.abs_diff(w.live_items()) <= 5,
            "store {items}, game {}",
            w.live_items()
        );
        assert_eq!(world::stored_tick(&db).unwrap(), Some(20));
    }
}

#[test]
fn the_same_seed_plays_the_same_game_whatever_the_threads() {
    let mut runs = Vec::new();
    for threads in [1, 2, 4] {
        let db = Store::open_in_memory().unwrap();
        world::create_indexes(&db).unwrap();
        let (mut w, _) = World::open(&db, &small(threads)).unwrap();
        let (total, picked) = run_ticks(&db, &mut w, 10);
        runs.push((w.players().to_vec(), total.pickups, picked));
    }
    assert!(runs.windows(2).all(|r| r[0] == r[1]));
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("game-server-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_file_world_is_continued_after_a_reopen() {
    let dir = TempDir::new("continue");
    let path = dir.0.join("world.db");
    let cfg = small(2);
    let players = {
        let db = Store::open(&path).unwrap();
        world::create_indexes(&db).unwrap();
        let (mut w, origin) = World::open(&db, &cfg).unwrap();
        assert_eq!(origin, Origin::New);
        run_ticks(&db, &mut w, 5);
        db.close().unwrap();
        w.players().to_vec()
    };

    let db = Store::open(&path).unwrap();
    // The index definitions came back with the file.
    assert_eq!(world::count(&db).unwrap().0, 200);
    world::create_indexes(&db).unwrap(); // and creating them again is a no-op
    let (mut w, origin) = World::open(&db, &cfg).unwrap();
    assert_eq!(origin, Origin::Continued { tick: 5 });
    let pos = |ps: &[game_server::world::Player]| ps.iter().map(|p| (p.id, p.pos, p.hp, p.score)).collect::<Vec<_>>();
    assert_eq!(pos(w.players()), pos(&players));
    run_ticks(&db, &mut w, 3);
    assert_eq!(world::stored_tick(&db).unwrap(), Some(8));

    // --reset empties the store, and the next open seeds a new world.
    assert!(world::reset(&db).unwrap() > 200);
    assert!(db.is_empty().unwrap());
    let (_, origin) = World::open(&db, &cfg).unwrap();
    assert_eq!(origin, Origin::New);
    db.close().unwrap();
}

#[test]
fn a_store_with_other_data_is_refused() {
    let db = Store::open_in_memory().unwrap();
    db.set("user:1", "ann").unwrap();
    world::create_indexes(&db).unwrap();
    match World::open(&db, &small(1)) {
        Err(Error::World(msg)) => assert!(msg.contains("not a world of this demo"), "{msg}"),
        other => panic!("{other:?}"),
    }
    db.set("world:meta", "garbage").unwrap();
    match World::open(&db, &small(1)) {
        Err(Error::World(msg)) => assert!(msg.contains("world:meta"), "{msg}"),
        other => panic!("{other:?}"),
    }
}

/// How many (zone, player) pairs have the player inside the zone, by
/// brute force over the positions.
fn zone_members(shapes: &[Shape], players: &[game_server::world::Player]) -> i64 {
    let mut n = 0;
    for s in shapes {
        if let Shape::Zone { min, max, .. } = s {
            n += players
                .iter()
                .filter(|p| (0..2).all(|a| min[a] <= p.pos[a] && p.pos[a] <= max[a]))
                .count() as i64;
        }
    }
    n
}

#[test]
fn fence_events_add_up_to_the_zones_members() {
    let db = Store::open_in_memory().unwrap();
    world::create_indexes(&db).unwrap();
    let (mut w, _) = World::open(&db, &small(2)).unwrap();
    let shapes = w.fences().unwrap().shapes().to_vec();
    let before = zone_members(&shapes, w.players());
    let (total, _) = run_ticks(&db, &mut w, 20);
    let f = total.fences;
    assert_eq!(f.lost, 0);
    assert!(f.enters[0] > 0 && f.exits[0] > 0, "{f:?}");
    assert!(f.enters[1] + f.exits[1] > 0, "the bosses met nobody: {f:?}");
    // Every zone enter and exit was reported: the net count is the change
    // in membership (a fence starts with the players inside it then).
    let after = zone_members(&shapes, w.players());
    assert_eq!(f.enters[0] as i64 - f.exits[0] as i64, after - before, "{f:?}");
}

#[test]
fn without_fences_there_are_no_events_and_none_stay_defined() {
    let db = Store::open_in_memory().unwrap();
    world::create_indexes(&db).unwrap();
    let (w, _) = World::open(&db, &small(1)).unwrap();
    assert!(w.fences().is_some());
    let cfg = Config {
        fences: false,
        ..small(1)
    };
    let (mut w, _) = World::open(&db, &cfg).unwrap(); // continues the world, dropping the fences
    assert!(w.fences().is_none());
    let (total, _) = run_ticks(&db, &mut w, 5);
    assert_eq!(total.fences.total(), 0);
    assert!(db.poll_events(0).unwrap().is_empty());
    assert!(!db.drop_fence("zone:town").unwrap());
}
