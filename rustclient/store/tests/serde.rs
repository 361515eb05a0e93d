//! Typed JSON values (feature "serde").
#![cfg(feature = "serde")]

use serde::{Deserialize, Serialize};
use store::{Error, IndexKind, Ops, Range, Store};

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Player {
    name: String,
    level: u32,
    pos: [f64; 2],
}

#[test]
fn typed_values_round_trip_and_index() {
    let db = Store::open_in_memory().unwrap();
    db.create_index("level", "player:*", IndexKind::Json("level")).unwrap();
    db.create_spatial_index("pos", "player:*", Some("pos")).unwrap();
    let ann = Player { name: "ann".into(), level: 7, pos: [1.0, 2.0] };
    let bob = Player { name: "bob".into(), level: 3, pos: [4.0, 6.0] };
    db.set_json("player:ann", &ann).unwrap();
    db.update(|tx| tx.set_json("player:bob", &bob)).unwrap();
    assert_eq!(db.get_json::<Player>("player:ann").unwrap(), Some(ann));
    assert_eq!(db.get_json::<Player>("player:none").unwrap(), None);
    let order = db.scan("level", Range::all()).unwrap();
    assert_eq!(order.first().unwrap().key(), b"player:bob");
    let near = db.nearby("pos", &store::Point::new(&[4.0, 2.0]).unwrap(), 0, None).unwrap();
    assert_eq!(near.first().unwrap().key(), b"player:ann");
    assert_eq!(near.first().unwrap().distance(), 3.0);

    db.set("player:broken", r#"{"name":1,"pos":[0,0]}"#).unwrap();
    match db.get_json::<Player>("player:broken") {
        Err(e @ Error::Json(_)) => assert!(e.to_string().starts_with("json")),
        other => panic!("{other:?}"),
    }
}
