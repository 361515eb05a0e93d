//! The world's geofences: the store tells the server who crossed them.
//!
//! * zones: four fixed boxes (the town, the arena, the marsh, the
//!   peak) over the players: a player entering or leaving a zone;
//! * aggro: a roaming fence of [`AGGRO_RADIUS`] around each of the first
//!   [`BOSSES`] players (the bosses), over the other players: who comes
//!   into a boss's reach as both move;
//! * pickup: a radius fence around each of [`PICKUP_POINTS`] fixed points
//!   over the loot: loot spawned there enters, loot picked up or expired
//!   there exits. The points have only x and y: distances are over the
//!   dimensions both sides have, so each watches a vertical column.
//!
//! Each tick polls every event of its commit (and of the store's sweeps of
//! expired loot since the last tick) in one call, and counts them.

use store::{EventKind, Point, Rect, Store};

use crate::error::Result;
use crate::world::{ITEMS_INDEX, PLAYERS_INDEX, Player};

/// Bosses: the players whose aggro radius is a roaming fence.
pub const BOSSES: usize = 8;
/// A boss's aggro radius.
pub const AGGRO_RADIUS: f64 = 40.0;
/// Fixed points that watch the loot around them.
pub const PICKUP_POINTS: usize = 6;
/// How far a pickup point watches.
pub const PICKUP_RADIUS: f64 = 100.0;

/// The kinds of fence, by the prefix of their names.
const KINDS: [&str; 3] = ["zone:", "aggro:", "pickup:"];

/// A zone: a named box, as fractions of the world's side.
const ZONES: [(&str, [f64; 3], [f64; 3]); 4] = [
    ("town", [0.10, 0.10, 0.0], [0.30, 0.35, 1.0]),
    ("arena", [0.45, 0.45, 0.0], [0.60, 0.60, 1.0]),
    ("marsh", [0.65, 0.05, 0.0], [0.95, 0.30, 1.0]),
    ("peak", [0.15, 0.70, 0.0], [0.35, 0.90, 1.0]),
];

/// A fence as drawn in the picture: its name and its region's top view.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A zone: the box's x and y extent.
    Zone {
        /// The zone's name.
        name: String,
        /// Its smallest x and y.
        min: [f64; 2],
        /// Its largest x and y.
        max: [f64; 2],
    },
    /// A boss's aggro radius, around the boss (drawn where it is).
    Aggro {
        /// The boss's key.
        boss: String,
        /// The radius.
        radius: f64,
    },
    /// A pickup point and its radius.
    Pickup {
        /// The point's name.
        name: String,
        /// Its x and y.
        center: [f64; 2],
        /// How far it watches.
        radius: f64,
    },
}

/// Events counted by kind of fence: zone, aggro, pickup.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FenceCount {
    /// Enters per kind.
    pub enters: [u64; 3],
    /// Exits per kind.
    pub exits: [u64; 3],
    /// Events the store's queue dropped because it was full.
    pub lost: u64,
}

impl FenceCount {
    /// Adds `other` into `self`.
    pub fn absorb(&mut self, other: &FenceCount) {
        for k in 0..3 {
            self.enters[k] += other.enters[k];
            self.exits[k] += other.exits[k];
        }
        self.lost += other.lost;
    }

    /// All events counted.
    pub fn total(&self) -> u64 {
        self.enters.iter().chain(&self.exits).sum()
    }

    /// `zones +E/-X, aggro +E/-X, pickup +E/-X`.
    pub fn describe(&self) -> String {
        let names = ["zones", "aggro", "pickup"];
        (0..3)
            .map(|k| format!("{} +{}/-{}", names[k], self.enters[k], self.exits[k]))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The fences a run keeps.
#[derive(Debug, Clone)]
pub struct Fences {
    shapes: Vec<Shape>,
}

impl Fences {
    /// Creates the fences for a world of side `size` whose first players
    /// are the bosses, or with `on` false drops any a file store kept from
    /// an earlier run. Creating a fence that exists with the same
    /// definition does nothing, so this runs at every start.
    pub fn set_up(db: &Store, on: bool, size: f64, players: &[Player]) -> Result<Option<Fences>> {
        let mut shapes = Vec::new();
        for (name, lo, hi) in ZONES {
            let (min, max) = (lo.map(|f| f * size), hi.map(|f| f * size));
            shapes.push(Shape::Zone {
                name: name.into(),
                min: [min[0], min[1]],
                max: [max[0], max[1]],
            });
            if on {
                db.create_fence_box(
                    &format!("zone:{name}"),
                    PLAYERS_INDEX,
                    Some("player:*"),
                    &Rect::new(&min, &max)?,
                )?;
            }
        }
        for boss in players.iter().take(BOSSES) {
            shapes.push(Shape::Aggro {
                boss: boss.key.clone(),
                radius: AGGRO_RADIUS,
            });
            if on {
                db.create_fence_roam(
                    &format!("aggro:{}", boss.key),
                    PLAYERS_INDEX,
                    Some("player:*"),
                    &boss.key,
                    AGGRO_RADIUS,
                )?;
            }
        }
        for i in 0..PICKUP_POINTS {
            // Spread along a diagonal band.
            let t = (i as f64 + 0.5) / PICKUP_POINTS as f64;
            let center = [t * size, (0.2 + 0.6 * t) * size];
            shapes.push(Shape::Pickup {
                name: format!("p{i}"),
                center,
                radius: PICKUP_RADIUS,
            });
            if on {
                db.create_fence_radius(
                    &format!("pickup:p{i}"),
                    ITEMS_INDEX,
                    Some("item:*"),
                    &Point::new(&center)?,
                    PICKUP_RADIUS,
                )?;
            }
        }
        if !on {
            for shape in &shapes {
                db.drop_fence(&shape.fence_name())?;
            }
            return Ok(None);
        }
        Ok(Some(Fences { shapes }))
    }

    /// The fences, for the picture.
    pub fn shapes(&self) -> &[Shape] {
        &self.shapes
    }

    /// Takes every queued event and counts it.
    pub fn poll(&mut self, db: &Store) -> Result<FenceCount> {
        let events = db.poll_events(0)?;
        let mut count = FenceCount {
            lost: events.lost(),
            ..FenceCount::default()
        };
        for e in &events {
            if let Some(k) = KINDS.iter().position(|p| e.fence().starts_with(p)) {
                match e.kind() {
                    EventKind::Enter => count.enters[k] += 1,
                    EventKind::Exit => count.exits[k] += 1,
                }
            }
        }
        Ok(count)
    }
}

impl Shape {
    /// The name of the store's fence.
    pub fn fence_name(&self) -> String {
        match self {
            Shape::Zone { name, .. } => format!("zone:{name}"),
            Shape::Aggro { boss, .. } => format!("aggro:{boss}"),
            Shape::Pickup { name, .. } => format!("pickup:{name}"),
        }
    }
}
