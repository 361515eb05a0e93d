//! `cargo run --example quickstart`: open a store, write, query, print.
//! Runs without LD_LIBRARY_PATH: the build scripts put libstore.so's
//! directory in the binary's rpath.

use store::{IndexKind, Ops, Point, Range, Rect, Store};

fn main() -> store::Result<()> {
    let db = Store::open_in_memory()?;
    db.create_index("hp", "player:*", IndexKind::Json("hp"))?;
    db.create_spatial_index("pos", "player:*", Some("pos"))?;
    db.update(|tx| {
        tx.set("player:ann", r#"{"hp":90,"pos":[1,1]}"#)?;
        tx.set("player:bob", r#"{"hp":40,"pos":[6,2]}"#)?;
        tx.set("player:cyd", r#"{"hp":65,"pos":[3,9]}"#)
    })?;
    for hit in &db.scan("hp", Range::all().descending())? {
        println!("by hp:   {}", hit.key_str()?);
    }
    for hit in &db.nearby("pos", &Point::new(&[0.0, 0.0])?, 2, None)? {
        println!("nearest: {} at {:.3}", hit.key_str()?, hit.distance());
    }
    let zone = Rect::new(&[0.0, 0.0], &[5.0, 5.0])?;
    println!("in zone: {}", db.intersects("pos", &zone, 0)?.len());
    db.close()
}
