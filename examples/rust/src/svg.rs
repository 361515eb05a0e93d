//! A top view of the world as SVG (`--svg FILE`): the zones, the pickup
//! points and the bosses' aggro circles, then the loot and the players,
//! all read back from the store at the end of the run.

use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;
use store::{Ops, Rect, Store};

use crate::error::{Error, Result};
use crate::fences::{BOSSES, Shape};
use crate::world::{ITEMS_INDEX, ItemDoc, Kind, PLAYERS_INDEX, PlayerDoc};

/// The picture's side in pixels.
const PIXELS: f64 = 800.0;

/// What the picture shows, counted (for the caller's report).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drawn {
    /// Player dots.
    pub players: usize,
    /// Loot squares.
    pub items: usize,
    /// Fence outlines.
    pub fences: usize,
}

/// Everything in an index, with its decoded value.
fn everything<T: for<'a> Deserialize<'a>>(db: &Store, index: &str) -> Result<Vec<(String, T)>> {
    let all = Rect::new(&[f64::NEG_INFINITY; 3], &[f64::INFINITY; 3])?;
    let hits = db.intersects(index, &all, 0)?;
    hits.iter()
        .map(|h| {
            let key = h.key_str()?.to_string();
            let doc = serde_json::from_slice(h.value()).map_err(|e| Error::World(format!("{key}: {e}")))?;
            Ok((key, doc))
        })
        .collect()
}

/// Writes the picture of the world in `db` (side `size`) with `fences`
/// (empty when the run had none) to `path`.
pub fn write(path: &Path, db: &Store, size: f64, fences: &[Shape]) -> Result<Drawn> {
    let (svg, drawn) = render(db, size, fences)?;
    std::fs::write(path, svg).map_err(|err| Error::Io {
        what: format!("writing {}", path.display()),
        err,
    })?;
    Ok(drawn)
}

/// The SVG text and what it holds.
pub fn render(db: &Store, size: f64, fences: &[Shape]) -> Result<(String, Drawn)> {
    let players: Vec<(String, PlayerDoc)> = everything(db, PLAYERS_INDEX)?;
    let items: Vec<(String, ItemDoc)> = everything(db, ITEMS_INDEX)?;
    let k = PIXELS / size; // world units to pixels
    let mut s = String::new();
    // Writing to a String cannot fail: each `let _ =` drops an `Ok(())`.
    let _ = writeln!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{PIXELS}" height="{PIXELS}" viewBox="0 0 {PIXELS} {PIXELS}" font-family="sans-serif" font-size="12">"##
    );
    let _ = writeln!(
        s,
        r##"<title>The game world seen from above: {} players, {} items, {} fences</title>"##,
        players.len(),
        items.len(),
        fences.len()
    );
    let _ = writeln!(s, r##"<rect width="{PIXELS}" height="{PIXELS}" fill="#f7f5ee"/>"##);
    let mut drawn = Drawn {
        players: 0,
        items: 0,
        fences: 0,
    };
    let where_is = |key: &str| players.iter().find(|(k, _)| k == key).map(|(_, p)| p.pos);
    for f in fences {
        match f {
            Shape::Zone { name, min, max } => {
                let _ = writeln!(
                    s,
                    r##"<g><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#7fb3d5" fill-opacity="0.25" stroke="#2e86c1"/><text x="{:.1}" y="{:.1}" fill="#1b4f72">{name}</text></g>"##,
                    min[0] * k,
                    min[1] * k,
                    (max[0] - min[0]) * k,
                    (max[1] - min[1]) * k,
                    min[0] * k + 4.0,
                    min[1] * k + 14.0
                );
            }
            Shape::Pickup { center, radius, .. } => {
                let _ = writeln!(
                    s,
                    r##"<circle cx="{:.1}" cy="{:.1}" r="{:.1}" fill="#f9e79f" fill-opacity="0.35" stroke="#b7950b" stroke-dasharray="4 3"/>"##,
                    center[0] * k,
                    center[1] * k,
                    radius * k
                );
            }
            Shape::Aggro { boss, radius } => {
                let Some(pos) = where_is(boss) else { continue };
                let _ = writeln!(
                    s,
                    r##"<circle cx="{:.1}" cy="{:.1}" r="{:.1}" fill="#e74c3c" fill-opacity="0.12" stroke="#c0392b"/>"##,
                    pos[0] * k,
                    pos[1] * k,
                    radius * k
                );
            }
        }
        drawn.fences += 1;
    }
    for (_, item) in &items {
        let color = match item.kind {
            Kind::Coin => "#d4ac0d",
            Kind::Gem => "#8e44ad",
            Kind::Potion => "#27ae60",
        };
        let _ = writeln!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="3" height="3" fill="{color}"/>"##,
            item.pos[0] * k - 1.5,
            item.pos[1] * k - 1.5
        );
        drawn.items += 1;
    }
    let bosses: Vec<String> = (0..BOSSES).map(|i| format!("player:{i}")).collect();
    for (key, p) in &players {
        let (r, color) = if !fences.is_empty() && bosses.contains(key) {
            (4.5, "#922b21")
        } else {
            (2.2, "#17202a")
        };
        let _ = writeln!(
            s,
            r##"<circle cx="{:.1}" cy="{:.1}" r="{r}" fill="{color}"/>"##,
            p.pos[0] * k,
            p.pos[1] * k
        );
        drawn.players += 1;
    }
    let _ = writeln!(
        s,
        r##"<text x="8" y="{:.0}" fill="#333">{} players (bosses dark red), {} loot (coin, gem, potion), zones (blue), pickup points (yellow), aggro (red)</text>"##,
        PIXELS - 8.0,
        drawn.players,
        drawn.items
    );
    s.push_str("</svg>\n");
    Ok((s, drawn))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::{Config, Storage};
    use crate::world::{self, World};

    #[test]
    fn draws_every_player_item_and_fence() {
        let cfg = Config {
            storage: Storage::Memory,
            players: 30,
            items: 20,
            size: 200.0,
            ..Config::default()
        };
        let db = Store::open_in_memory().unwrap();
        world::create_indexes(&db).unwrap();
        let (w, _) = World::open(&db, &cfg).unwrap();
        let shapes = w.fences().map(|f| f.shapes().to_vec()).unwrap_or_default();
        let (svg, drawn) = render(&db, w.size(), &shapes).unwrap();
        assert_eq!(
            drawn,
            Drawn {
                players: 30,
                items: 20,
                fences: shapes.len()
            }
        );
        assert_eq!(shapes.len(), 4 + BOSSES + crate::fences::PICKUP_POINTS);
        assert!(svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(
            svg.matches("<circle").count(),
            30 + BOSSES + crate::fences::PICKUP_POINTS
        );
        assert_eq!(svg.matches("<g>").count(), 4);
    }
}
