//! The shape of a real game-server client: regions that hold 3D objects
//! with JSON data, queried with filters inside the store, changed one
//! field at a time, watched by a fence, and objects moved between regions.
//!
//! A region is a record (`region:<name>`) and a spatial index over its
//! objects (`obj:<region>:<id>`, JSON with a `pos`), made together in one
//! write transaction: a region is there whole or not at all.
//!
//! `cargo run --example regions` (`make examples` checks its output).

use serde::{Deserialize, Serialize};
use store::{EventKind, FieldUpdate, Filter, Ops, Point, Range, Rect, Store, Tx};

/// A region's record.
#[derive(Debug, Serialize, Deserialize)]
struct Region {
    name: String,
    min: [f64; 3],
    max: [f64; 3],
}

/// An object's value: where it is, what it is, and its own data.
#[derive(Debug, Serialize, Deserialize)]
struct Object {
    pos: [f64; 3],
    kind: String,
    hp: i64,
    data: serde_json::Value,
}

/// Creates a region: its record and its index, in one transaction.
fn create_region(db: &Store, name: &str, min: [f64; 3], max: [f64; 3]) -> store::Result<()> {
    db.update(|tx: &Tx<'_>| {
        tx.create_spatial_index(&format!("region:{name}"), &format!("obj:{name}:*"), Some("pos"))?;
        tx.set_json(
            format!("region:{name}"),
            &Region {
                name: name.into(),
                min,
                max,
            },
        )
    })
}

/// Puts an object into a region.
fn put(db: &impl Ops, region: &str, id: &str, obj: &Object) -> store::Result<()> {
    db.set_json(format!("obj:{region}:{id}"), obj)
}

/// Moves an object from one region to another: both keys change in one
/// transaction, so no reader sees it in both or in neither.
fn transfer(db: &Store, id: &str, from: &str, to: &str) -> store::Result<bool> {
    db.update(|tx: &Tx<'_>| {
        let old = format!("obj:{from}:{id}");
        let Some(value) = tx.get(&old)? else { return Ok(false) };
        tx.delete(&old)?;
        tx.set(format!("obj:{to}:{id}"), &value[..])?;
        Ok(true)
    })
}

/// The keys of a result, in result order.
fn keys(hits: &store::Hits) -> Vec<String> {
    hits.iter()
        .map(|h| String::from_utf8_lossy(h.key()).into_owned())
        .collect()
}

/// The keys of a box query, sorted: box queries come in no set order.
fn sorted(hits: &store::Hits) -> String {
    let mut k = keys(hits);
    k.sort();
    k.join(", ")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let db = Store::open_in_memory()?;
    create_region(&db, "forest", [0.0; 3], [100.0; 3])?;
    create_region(&db, "town", [200.0, 0.0, 0.0], [300.0, 100.0, 100.0])?;

    // The regions, as a reopened server would find them: the records by
    // prefix, the indexes by listing.
    let records = db.scan("", Range::prefix("region:"))?;
    println!("regions: {}", keys(&records).join(", "));
    let spatial: Vec<String> = db
        .indexes()?
        .into_iter()
        .map(|i| format!("{} over {}", i.name, i.pattern))
        .collect();
    println!("indexes: {}", spatial.join(", "));

    let monster = |pos: [f64; 3], hp: i64, level: u32| Object {
        pos,
        kind: "monster".into(),
        hp,
        data: serde_json::json!({ "level": level }),
    };
    put(
        &db,
        "forest",
        "hero",
        &Object {
            pos: [10.0, 10.0, 0.0],
            kind: "player".into(),
            hp: 100,
            data: serde_json::json!({ "class": "ranger" }),
        },
    )?;
    put(&db, "forest", "wolf1", &monster([14.0, 12.0, 0.0], 40, 2))?;
    put(&db, "forest", "wolf2", &monster([30.0, 30.0, 0.0], 60, 3))?;
    put(&db, "forest", "bear", &monster([18.0, 8.0, 0.0], 120, 5))?;
    put(
        &db,
        "forest",
        "herb",
        &Object {
            pos: [12.0, 9.0, 0.0],
            kind: "item".into(),
            hp: 0,
            data: serde_json::json!({}),
        },
    )?;

    // A fence: the hero's aggro radius, over the forest's monsters.
    db.create_fence_roam(
        "aggro:hero",
        "region:forest",
        Some("obj:forest:*"),
        "obj:forest:hero",
        10.0,
    )?;

    // Filters run inside the store: only matching values are copied out.
    let hero = Point::new(&[10.0, 10.0, 0.0])?;
    let weak = Filter::new().where_eq("kind", "monster").where_range("hp", 1.0, 50.0);
    let near = db.nearby_with("region:forest", &hero, 0, Some(25.0), &weak)?;
    println!("weak monsters within 25 of the hero: {}", keys(&near).join(", "));
    let everywhere = Rect::new(&[f64::NEG_INFINITY; 3], &[f64::INFINITY; 3])?;
    let strong = Filter::new()
        .where_eq("kind", "monster")
        .where_range("data.level", 3.0, 10.0);
    println!(
        "level 3+ monsters in the forest: {}",
        sorted(&db.intersects_with("region:forest", &everywhere, 0, &strong)?)
    );

    // Field updates: one field of a JSON value, in one call.
    let hp = db.incr_field("obj:forest:wolf1", "hp", -15.0)?.ok_or("wolf1 is gone")?;
    println!("the hero hits wolf1: hp {hp}");
    db.update_fields(&[
        FieldUpdate::incr("obj:forest:bear", "hp", -20.0),
        FieldUpdate::set("obj:forest:bear", "data.enraged", "true"),
    ])?;
    let bear: Object = db.get_json("obj:forest:bear")?.ok_or("the bear is gone")?;
    println!("the bear: hp {}, data {}", bear.hp, bear.data);
    // Setting the position field moves the object in the region's index.
    db.set_field("obj:forest:wolf2", "pos", "[12,14,0]")?;
    let near = db.nearby_with(
        "region:forest",
        &hero,
        0,
        Some(10.0),
        &Filter::new().where_eq("kind", "monster"),
    )?;
    println!("monsters within 10 after wolf2 came closer: {}", keys(&near).join(", "));

    // The bear leaves the forest for the town: one transaction.
    transfer(&db, "bear", "forest", "town")?;
    let town = db.intersects("region:town", &everywhere, 0)?;
    println!("in the town: {}", sorted(&town));

    // What crossed the hero's aggro radius, oldest first, in one poll.
    for e in &db.poll_events(0)? {
        let what = if e.kind() == EventKind::Enter {
            "came into"
        } else {
            "left"
        };
        println!("event: {} {what} {}", String::from_utf8_lossy(e.key()), e.fence());
    }
    db.close()?;
    Ok(())
}
