//! Geofences through the safe API: events against a brute-force replay,
//! rollback, overflow, reopen, and every call's error paths.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::TempDir;
use store::{Error, EventKind, Events, Ops, Point, Rect, Store};

/// The events as "fence key +|-".
fn show(events: &Events) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            let sign = if e.kind() == EventKind::Enter { '+' } else { '-' };
            format!("{} {} {sign}", e.fence(), String::from_utf8_lossy(e.key()))
        })
        .collect()
}

/// A tiny deterministic generator (the crate has no dependencies).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The fences of the replay, by name, and membership by brute force.
#[derive(Clone, Copy)]
enum Region {
    Box([f64; 2], [f64; 2]),
    Circle([f64; 2], f64),
    Roam(&'static str, f64),
}

fn dist(a: [f64; 2], lo: [f64; 2], hi: [f64; 2]) -> f64 {
    let gx = (lo[0] - a[0]).max(a[0] - hi[0]).max(0.0);
    let gy = (lo[1] - a[1]).max(a[1] - hi[1]).max(0.0);
    (gx * gx + gy * gy).sqrt()
}

fn members(world: &BTreeMap<String, [f64; 2]>, fences: &[(&str, &str, Region)]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (name, prefix, region) in fences {
        for (key, &p) in world {
            if !key.starts_with(prefix) {
                continue;
            }
            let inside = match *region {
                Region::Box(lo, hi) => dist(p, lo, hi) == 0.0,
                Region::Circle(c, r) => dist(p, c, c) <= r,
                Region::Roam(anchor, r) => {
                    key != anchor && world.get(anchor).is_some_and(|&a| dist(p, a, a) <= r)
                }
            };
            if inside {
                out.insert(format!("{name} {key}"));
            }
        }
    }
    out
}

/// Moves players and a monster at random, some transactions rolled back,
/// and checks every poll against the difference of brute-force
/// memberships before and after each committed transaction.
#[test]
fn events_match_a_brute_force_replay() {
    let fences = [
        ("aggro", "p", Region::Roam("m0", 12.0)),
        ("pickup", "i", Region::Roam("p0", 4.0)),
        ("well", "", Region::Circle([50.0, 50.0], 15.0)),
        ("zone", "p", Region::Box([20.0, 20.0], [60.0, 45.0])),
    ];
    let db = Store::open_in_memory().unwrap();
    db.create_spatial_index("pos", "*", None).unwrap();
    db.create_fence_roam("aggro", "pos", Some("p*"), "m0", 12.0).unwrap();
    db.create_fence_roam("pickup", "pos", Some("i*"), "p0", 4.0).unwrap();
    db.create_fence_radius("well", "pos", None, &Point::new(&[50.0, 50.0]).unwrap(), 15.0).unwrap();
    db.create_fence_box("zone", "pos", Some("p*"), &Rect::new(&[20.0, 20.0], &[60.0, 45.0]).unwrap()).unwrap();
    let keys: Vec<String> = ["p", "m", "i"].iter().flat_map(|p| (0..6).map(move |i| format!("{p}{i}"))).collect();
    let mut rng = SplitMix(15);
    let mut world = BTreeMap::new();
    let mut want = Vec::new();
    for step in 0..400 {
        let before = members(&world, &fences);
        let mut next = world.clone();
        let rollback = rng.below(4) == 0;
        let result: Result<(), Error> = db.update(|tx| {
            for _ in 0..=rng.below(3) {
                let key = &keys[rng.below(keys.len() as u64) as usize];
                if rng.below(6) == 0 {
                    tx.delete(key)?;
                    next.remove(key);
                } else {
                    let p = [rng.below(100) as f64, rng.below(100) as f64];
                    tx.set(key, format!("[{} {}]", p[0], p[1]))?;
                    next.insert(key.clone(), p);
                }
            }
            if rollback { Err(Error::InvalidArg("roll back".into())) } else { Ok(()) }
        });
        if rollback {
            assert!(result.is_err());
        } else {
            result.unwrap();
            world = next;
            let after = members(&world, &fences);
            // By fence name, then key: the sets are ordered so.
            let mut changed: Vec<String> = before
                .symmetric_difference(&after)
                .map(|m| format!("{m} {}", if after.contains(m) { '+' } else { '-' }))
                .collect();
            changed.sort();
            want.extend(changed);
        }
        if step % 9 == 0 {
            let events = db.poll_events(0).unwrap();
            assert_eq!(events.lost(), 0);
            assert_eq!(show(&events), want, "step {step}");
            want.clear();
        }
    }
}

#[test]
fn one_commit_one_time_oldest_first_and_max() {
    let db = Store::open_in_memory().unwrap();
    db.create_spatial_index("pos", "*", None).unwrap();
    db.create_fence_box("z", "pos", None, &Rect::new(&[0.0], &[10.0]).unwrap()).unwrap();
    db.update(|tx| {
        tx.set("b", "[1]")?;
        tx.set("a", "[2]")
    })
    .unwrap();
    db.set("c", "[3]").unwrap();
    let first = db.poll_events(2).unwrap();
    assert_eq!(show(&first), ["z a +", "z b +"]);
    let (a, b): (Vec<_>, Vec<_>) = first.iter().map(|e| (e.time_ns(), e.time())).unzip();
    assert_eq!(a[0], a[1], "one commit, one time");
    assert!(b[0] > std::time::UNIX_EPOCH);
    assert_eq!(first.iter().len(), 2);
    let rest = db.poll_events(0).unwrap();
    assert_eq!(show(&rest), ["z c +"]);
    assert!(rest.iter().next().unwrap().time_ns() >= a[0]);
    assert!(db.poll_events(0).unwrap().is_empty());
    assert!(format!("{rest:?}").contains("\"c\""));
}

#[test]
fn overflow_is_counted_once() {
    let db = Store::open_in_memory().unwrap();
    db.create_spatial_index("pos", "*", None).unwrap();
    db.create_fence_radius("c", "pos", None, &Point::new(&[0.0, 0.0]).unwrap(), 10.0).unwrap();
    db.set_event_capacity(2).unwrap();
    for i in 0..5 {
        db.set(format!("k{i}"), "[1 1]").unwrap();
    }
    let events = db.poll_events(0).unwrap();
    assert_eq!((events.lost(), show(&events)), (3, vec!["c k3 +".to_string(), "c k4 +".to_string()]));
    assert_eq!(db.poll_events(0).unwrap().lost(), 0);
}

#[test]
fn fences_persist_and_unpolled_events_do_not() {
    let dir = TempDir::new("fence");
    let file = dir.file("data.db");
    {
        let db = Store::open(&file).unwrap();
        db.create_spatial_index("pos", "*", Some("pos")).unwrap();
        db.set("m", r#"{"pos":[0,0]}"#).unwrap();
        db.create_fence_roam("aggro", "pos", None, "m", 2.0).unwrap();
        db.set("p", r#"{"pos":[1,0]}"#).unwrap(); // an event never polled
    }
    let db = Store::open(&file).unwrap();
    assert!(db.poll_events(0).unwrap().is_empty());
    db.set("m", r#"{"pos":[9,9]}"#).unwrap();
    assert_eq!(show(&db.poll_events(0).unwrap()), ["aggro p -"]);
    assert!(db.drop_fence("aggro").unwrap());
}

#[test]
fn expired_items_exit() {
    let db = Store::open_in_memory().unwrap();
    db.create_spatial_index("pos", "*", None).unwrap();
    db.create_fence_radius("c", "pos", None, &Point::new(&[0.0, 0.0]).unwrap(), 10.0).unwrap();
    // Long enough that the commit sees the item alive even on a loaded
    // machine: an item already expired when its commit is weighed never
    // enters.
    db.set_with_ttl("brief", "[1 1]", std::time::Duration::from_millis(300)).unwrap();
    let mut got = show(&db.poll_events(0).unwrap());
    for _ in 0..250 {
        if got.len() >= 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        got.extend(show(&db.poll_events(0).unwrap()));
    }
    assert_eq!(got, ["c brief +", "c brief -"]);
}

#[test]
fn errors() {
    let db = Store::open_in_memory().unwrap();
    db.create_spatial_index("pos", "*", None).unwrap();
    db.create_index("names", "*", store::IndexKind::String).unwrap();
    let r = Rect::new(&[0.0, 0.0], &[1.0, 1.0]).unwrap();
    let p = Point::new(&[0.0, 0.0]).unwrap();
    assert!(matches!(db.create_fence_box("", "pos", None, &r), Err(Error::InvalidArg(_))));
    assert!(matches!(db.create_fence_box("a\0b", "pos", None, &r), Err(Error::Nul(_))));
    assert!(matches!(db.create_fence_box("f", "nope", None, &r), Err(Error::NoIndex(_))));
    assert!(matches!(db.create_fence_box("f", "names", None, &r), Err(Error::NoIndex(_))));
    assert!(matches!(db.create_fence_box("f", "pos", Some("x\0"), &r), Err(Error::Nul(_))));
    assert!(matches!(db.create_fence_radius("f", "pos", None, &p, f64::NAN), Err(Error::InvalidArg(_))));
    assert!(matches!(db.create_fence_radius("f", "pos", None, &p, f64::INFINITY), Err(Error::InvalidArg(_))));
    assert!(matches!(db.create_fence_radius("f", "\0", None, &p, 1.0), Err(Error::Nul(_))));
    assert!(matches!(db.create_fence_roam("f", "pos", None, "k", -1.0), Err(Error::InvalidArg(_))));
    assert!(matches!(db.create_fence_roam("f", "nope", None, "k", 1.0), Err(Error::NoIndex(_))));
    db.create_fence_roam("f", "pos", None, "", 1.0).unwrap(); // the empty key is a key
    db.create_fence_roam("f", "pos", Some("*"), "", 1.0).unwrap(); // the same definition
    assert!(matches!(db.create_fence_roam("f", "pos", None, "k", 1.0), Err(Error::IndexExists(_))));
    assert!(matches!(db.drop_fence(""), Err(Error::InvalidArg(_))));
    assert!(matches!(db.drop_fence("a\0"), Err(Error::Nul(_))));
    assert!(!db.drop_fence("nope").unwrap());
    assert!(matches!(db.set_event_capacity(0), Err(Error::InvalidArg(_))));
    assert!(matches!(db.set_event_capacity(store::sys::STORE_EVENT_CAPACITY_MAX + 1), Err(Error::InvalidArg(_))));
    db.set_event_capacity(store::sys::STORE_EVENT_CAPACITY_MAX).unwrap();

    // Inside a transaction: fence definitions would deadlock, polling not.
    let tx = db.begin_write().unwrap();
    tx.set("in", "[0 0]").unwrap();
    assert!(matches!(db.create_fence_box("g", "pos", None, &r), Err(Error::WouldDeadlock(_))));
    assert!(matches!(db.drop_fence("f"), Err(Error::WouldDeadlock(_))));
    assert!(db.poll_events(0).unwrap().is_empty());
    db.set_event_capacity(100).unwrap();
    tx.commit().unwrap();

    // Dropping the index drops its fences.
    db.drop_index("pos").unwrap();
    assert!(!db.drop_fence("f").unwrap());

    // A handle that is not (or no longer) a database.
    let raw = db.as_raw();
    db.close().unwrap();
    let ghost = Store::from_raw(raw);
    assert!(matches!(ghost.poll_events(0), Err(Error::BadHandle(_))));
    assert!(matches!(ghost.set_event_capacity(5), Err(Error::BadHandle(_))));
    assert!(matches!(ghost.drop_fence("f"), Err(Error::BadHandle(_))));
    assert!(matches!(ghost.create_fence_box("f", "pos", None, &r), Err(Error::BadHandle(_))));
    assert!(matches!(ghost.create_fence_radius("f", "pos", None, &p, 1.0), Err(Error::BadHandle(_))));
    assert!(matches!(ghost.create_fence_roam("f", "pos", None, "k", 1.0), Err(Error::BadHandle(_))));
    drop(ghost); // closing a closed handle again is BAD_HANDLE, ignored by Drop
}
