//! The world: players and loot in a cube, kept in the store, and one tick
//! of the game loop.
//!
//! The store holds the world: `player:<id>` and `item:<id>` with JSON
//! values (`{"name":"p17","pos":[x,y,z],"hp":100,"score":0}`,
//! `{"kind":"coin","pos":[x,y,z]}`), two spatial indexes over `pos`, and
//! `world:meta` (tick count, next item id, world size). The server keeps a
//! mirror of what it needs to decide moves (player state) and to know how
//! much loot is alive (item kinds and expiry times); every "who is near
//! whom?" question goes to the store.
//!
//! A tick ([`World::step`]) is a read phase (one `pairs` call for the
//! crowds, one `nearby_many` call per query thread for the loot, each call
//! a read transaction of its own) and one write transaction (pickups,
//! every player's move in one `set_many`, spawned loot with TTLs in
//! another, the tick count), so the store always holds a whole tick.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::ops::Range as Span;
use std::time::{Duration, Instant};

use store::{Ops, Point, Range, Rect, Store, Ttl, Tx};

use crate::args::Config;
use crate::error::{Error, Result};
use crate::json;
use crate::rng::Rng;

/// The spatial index over the players' positions.
pub const PLAYERS_INDEX: &str = "players";
/// The spatial index over the items' positions.
pub const ITEMS_INDEX: &str = "items";
/// The key of the world's own record.
pub const META_KEY: &str = "world:meta";
/// Two players this close crowd each other: each costs the other 1 hp a
/// tick. A radius (Euclidean distance, as `pairs` measures it), so the
/// neighbourhood is a ball, not a box.
pub const CROWD_RADIUS: f64 = 25.0;
/// How many items a player looks at, nearest first...
pub const NEAREST: usize = 4;
/// ...no farther than this.
pub const SIGHT: f64 = 20.0;
/// A player picks up an item this close (distance to the item).
pub const PICKUP_RANGE: f64 = 6.0;
/// The most a player moves along one axis in a tick.
pub const MAX_SPEED: f64 = 3.0;
/// Spawned loot lives this long (milliseconds, drawn uniformly).
pub const LOOT_TTL_MS: (u64, u64) = (2000, 5000);
/// Full health; also what a player respawns with.
pub const FULL_HP: i64 = 100;
/// Clock slack when checking that expired loot stays out of query results.
const EXPIRY_SLACK: Duration = Duration::from_millis(50);

/// What an item is, and what picking it up does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// +1 score.
    Coin,
    /// +5 score.
    Gem,
    /// +25 hp, up to full.
    Potion,
}

impl Kind {
    /// The name in the item's JSON.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Coin => "coin",
            Kind::Gem => "gem",
            Kind::Potion => "potion",
        }
    }

    fn parse(s: &str) -> Option<Kind> {
        [Kind::Coin, Kind::Gem, Kind::Potion]
            .into_iter()
            .find(|k| k.name() == s)
    }

    fn random(rng: &mut Rng) -> Kind {
        match rng.below(10) {
            0 => Kind::Gem,
            1..=3 => Kind::Potion,
            _ => Kind::Coin,
        }
    }
}

/// A player as the server knows it; `pos` is what the store last got.
#[derive(Debug, Clone, PartialEq)]
pub struct Player {
    /// The number in its key.
    pub id: u64,
    /// `player:<id>`.
    pub key: String,
    /// Position, rounded to hundredths so its JSON text reads back exactly.
    pub pos: [f64; 3],
    vel: [f64; 3],
    /// Health: neighbours hurt, potions heal, 0 respawns.
    pub hp: i64,
    /// Coins and gems picked up.
    pub score: u64,
}

/// An item as the server knows it.
#[derive(Debug, Clone, Copy)]
struct Item {
    kind: Kind,
    /// `None`: lies there until picked up.
    expires: Option<Instant>,
}

/// Where a world came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Seeded now.
    New,
    /// Found in the store and continued.
    Continued {
        /// The ticks it had already run.
        tick: u64,
    },
}

/// What one tick did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TickReport {
    /// Spatial queries answered: one for the loot near each player, and
    /// the one `pairs` question for the crowds.
    pub queries: u64,
    /// Other players within [`CROWD_RADIUS`] of each player, summed (each
    /// close pair counts twice, once for each of its players).
    pub neighbours: u64,
    /// Items seen within sight, summed over players.
    pub in_sight: u64,
    /// Items deleted by a pickup.
    pub pickups: u64,
    /// The ids of those items.
    pub picked: Vec<u64>,
    /// Pickups whose item was gone by the time of the delete (expired).
    pub missed: u64,
    /// Items spawned (with a TTL).
    pub spawned: u64,
    /// Players who ran out of hp and respawned.
    pub respawns: u64,
    /// Query hits on loot that had expired (or never existed): must stay 0.
    pub stale_hits: u64,
}

impl TickReport {
    /// Adds `other` (without its `picked` list) into `self`.
    pub fn absorb(&mut self, other: &TickReport) {
        self.queries += other.queries;
        self.neighbours += other.neighbours;
        self.in_sight += other.in_sight;
        self.pickups += other.pickups;
        self.missed += other.missed;
        self.spawned += other.spawned;
        self.respawns += other.respawns;
        self.stale_hits += other.stale_hits;
    }
}

/// The world and the server's view of it.
#[derive(Debug)]
pub struct World {
    size: f64,
    target_items: usize,
    tick: u64,
    next_item: u64,
    players: Vec<Player>,
    items: HashMap<u64, Item>,
    rng: Rng,
    /// Threads asking the queries.
    threads: usize,
    /// Reused text of the values of a `set_many`, and each value's span.
    arena: String,
    spans: Vec<Span<usize>>,
}

/// Creates the two spatial indexes. Creating one that exists with the same
/// definition does nothing, and a file store keeps the definitions, so
/// this runs at every start.
pub fn create_indexes(db: &Store) -> Result<()> {
    db.create_spatial_index(PLAYERS_INDEX, "player:*", Some("pos"))?;
    db.create_spatial_index(ITEMS_INDEX, "item:*", Some("pos"))?;
    Ok(())
}

/// Deletes every key of the store in one transaction, then compacts the
/// file. Returns how many keys there were.
pub fn reset(db: &Store) -> Result<usize> {
    let all = db.scan("", Range::all())?;
    db.delete_many(all.iter().map(|hit| hit.key()))?;
    db.shrink()?;
    Ok(all.len())
}

/// Counts the players and the live items through the spatial indexes
/// (an unbounded box), as a reopened store sees them.
pub fn count(db: &impl Ops) -> Result<(usize, usize)> {
    let everywhere = Rect::new(&[f64::NEG_INFINITY; 3], &[f64::INFINITY; 3])?;
    let players = db.intersects(PLAYERS_INDEX, &everywhere, 0)?.len();
    let items = db.intersects(ITEMS_INDEX, &everywhere, 0)?.len();
    Ok((players, items))
}

/// Checks that the store holds exactly what the game last wrote for up to
/// `sample` players spread over `expected` (position, hp, score); returns
/// how many were checked.
pub fn check_players(db: &impl Ops, expected: &[Player], sample: usize) -> Result<usize> {
    let step = (expected.len() / sample.max(1)).max(1);
    let picked: Vec<&Player> = expected.iter().step_by(step).take(sample).collect();
    let found = db.get_many(picked.iter().map(|p| p.key.as_str()))?;
    for (p, entry) in picked.iter().zip(&found) {
        let value = entry
            .value_str()?
            .ok_or_else(|| Error::World(format!("{} is missing", p.key)))?;
        let wrote = player_json(p);
        if value != wrote {
            return Err(Error::World(format!(
                "{} holds {value} in the store, the game last wrote {wrote}",
                p.key
            )));
        }
    }
    Ok(picked.len())
}

/// The tick recorded in the store's `world:meta`, if there is one.
pub fn stored_tick(db: &impl Ops) -> Result<Option<u64>> {
    match db.get(META_KEY)? {
        None => Ok(None),
        Some(meta) => {
            let meta = meta.as_str()?;
            json::int(meta, "tick")
                .and_then(|t| u64::try_from(t).ok())
                .map(Some)
                .ok_or_else(|| bad_value(META_KEY, meta))
        }
    }
}

fn bad_value(key: &str, value: &str) -> Error {
    Error::World(format!(
        "{key} holds {value:?}, not a value this demo writes (use --reset or another --data)"
    ))
}

fn item_key(id: u64) -> String {
    format!("item:{id}")
}

fn id_of(key: &[u8], prefix: &str) -> Result<u64> {
    let text = std::str::from_utf8(key)?;
    text.strip_prefix(prefix).and_then(|n| n.parse().ok()).ok_or_else(|| {
        Error::World(format!(
            "key {text:?} is not {prefix}<number> (use --reset or another --data)"
        ))
    })
}

/// Rounds to hundredths: the text `{}` prints for it parses back to the same f64.
fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn random_pos(rng: &mut Rng, size: f64) -> [f64; 3] {
    [0; 3].map(|_| round2(rng.range(0.0, size)))
}

fn random_vel(rng: &mut Rng) -> [f64; 3] {
    [0; 3].map(|_| rng.range(-MAX_SPEED, MAX_SPEED))
}

impl World {
    /// Continues the world found in `db`, or seeds a new one from `cfg`
    /// (in one `set_many`) if the store is empty. A store holding other
    /// data is an error.
    pub fn open(db: &Store, cfg: &Config) -> Result<(World, Origin)> {
        match db.get(META_KEY)? {
            Some(meta) => {
                let world = World::load(db, cfg, meta.as_str()?)?;
                let tick = world.tick;
                Ok((world, Origin::Continued { tick }))
            }
            None if !db.is_empty()? => Err(Error::World(format!(
                "the store holds {} keys but no {META_KEY}: not a world of this demo (use --reset or another --data)",
                db.len()?
            ))),
            None => Ok((World::seed(db, cfg)?, Origin::New)),
        }
    }

    fn empty(cfg: &Config, size: f64, rng: Rng) -> World {
        World {
            size,
            target_items: cfg.items,
            tick: 0,
            next_item: 0,
            players: Vec::new(),
            items: HashMap::new(),
            rng,
            threads: cfg.threads,
            arena: String::new(),
            spans: Vec::new(),
        }
    }

    fn seed(db: &Store, cfg: &Config) -> Result<World> {
        let mut w = World::empty(cfg, cfg.size, Rng::new(cfg.seed));
        for id in 0..cfg.players as u64 {
            let pos = random_pos(&mut w.rng, w.size);
            let vel = random_vel(&mut w.rng);
            w.players.push(Player {
                id,
                key: format!("player:{id}"),
                pos,
                vel,
                hp: FULL_HP,
                score: 0,
            });
        }
        // The first loot never expires; spawned loot will.
        let mut loot = Vec::with_capacity(cfg.items);
        for _ in 0..cfg.items {
            let id = w.next_item;
            w.next_item += 1;
            let kind = Kind::random(&mut w.rng);
            let pos = random_pos(&mut w.rng, w.size);
            w.items.insert(id, Item { kind, expires: None });
            loot.push((item_key(id), item_json(kind, pos), None));
        }
        let players = w.players.iter().map(|p| (p.key.clone(), player_json(p), None));
        let meta = std::iter::once((META_KEY.to_string(), w.meta_json(), None));
        db.set_many(players.chain(loot).chain(meta))?;
        Ok(w)
    }

    fn load(db: &Store, cfg: &Config, meta: &str) -> Result<World> {
        let bad_meta = || bad_value(META_KEY, meta);
        let tick = json::int(meta, "tick")
            .and_then(|t| u64::try_from(t).ok())
            .ok_or_else(bad_meta)?;
        let next_item = json::int(meta, "next_item")
            .and_then(|t| u64::try_from(t).ok())
            .ok_or_else(bad_meta)?;
        let size = json::int(meta, "size").filter(|&s| s > 0).ok_or_else(bad_meta)? as f64;
        let rng = Rng::new(cfg.seed ^ tick.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let mut w = World::empty(cfg, size, rng);
        w.tick = tick;
        w.next_item = next_item;

        // One read transaction: players and items from the same instant.
        let tx = db.begin_read()?;
        for hit in tx.scan("", Range::all().lo("player:").hi("player;"))?.iter() {
            let key = hit.key_str()?;
            let value = hit.value_str()?;
            let id = id_of(hit.key(), "player:")?;
            let pos = json::vec3(value, "pos").ok_or_else(|| bad_value(key, value))?;
            let hp = json::int(value, "hp").ok_or_else(|| bad_value(key, value))?;
            let score = json::int(value, "score")
                .and_then(|s| u64::try_from(s).ok())
                .ok_or_else(|| bad_value(key, value))?;
            let vel = random_vel(&mut w.rng);
            w.players.push(Player {
                id,
                key: key.to_string(),
                pos,
                vel,
                hp,
                score,
            });
        }
        for hit in tx.scan("", Range::all().lo("item:").hi("item;"))?.iter() {
            let id = id_of(hit.key(), "item:")?;
            let value = hit.value_str()?;
            let kind = json::string(value, "kind")
                .and_then(Kind::parse)
                .ok_or_else(|| bad_value(&item_key(id), value))?;
            // The store has no batch form of ttl(): one call per item, once.
            let expires = match tx.ttl(hit.key())? {
                None => continue, // expired since the scan
                Some(Ttl::Never) => None,
                Some(Ttl::Expires(d)) => Some(Instant::now() + d),
            };
            w.items.insert(id, Item { kind, expires });
            w.next_item = w.next_item.max(id + 1);
        }
        tx.commit()?;
        if w.players.is_empty() {
            return Err(Error::World(format!(
                "{META_KEY} is there but no player is (use --reset)"
            )));
        }
        w.players.sort_by_key(|p| p.id);
        Ok(w)
    }

    /// The ticks run so far, over every run of this world.
    pub fn tick(&self) -> u64 {
        self.tick
    }

    /// The side of the world cube.
    pub fn size(&self) -> f64 {
        self.size
    }

    /// The players, as last written to the store.
    pub fn players(&self) -> &[Player] {
        &self.players
    }

    /// Items the server believes are in the store and not expired.
    pub fn live_items(&self) -> usize {
        let now = Instant::now();
        self.items
            .values()
            .filter(|it| it.expires.is_none_or(|e| e > now))
            .count()
    }

    fn meta_json(&self) -> String {
        format!(
            r#"{{"tick":{},"next_item":{},"size":{}}}"#,
            self.tick, self.next_item, self.size
        )
    }

    /// Spatial queries of one tick with `players` players: the nearest
    /// loot of each, and the one question for the crowds.
    pub fn queries_per_tick(players: usize) -> u64 {
        players as u64 + 1
    }

    /// One tick. First the players look around, in read transactions:
    /// one `pairs` call finds every two players within [`CROWD_RADIUS`]
    /// (each costs the other 1 hp), and one `nearby_many` call per query
    /// thread finds the nearest items within sight of each of its players.
    /// Then one write transaction makes the whole tick's changes: the pickups
    /// (deletes), every player's move (ONE `set_many`), the spawned loot
    /// (one `set_many` with TTLs) and the tick count. The store thus always
    /// holds the world as of the end of a tick, never half of one.
    pub fn step(&mut self, db: &Store) -> Result<TickReport> {
        self.tick += 1;
        let mut rep = TickReport::default();
        let claims = self.look_around(db, &mut rep)?;
        let tx = db.begin_write()?;
        self.pick_up(&tx, claims, &mut rep)?;
        self.move_players(&tx, &mut rep)?;
        let spawned = self.spawn(&tx)?;
        tx.set(META_KEY, self.meta_json())?;
        tx.commit()?;
        // Expiry times from after the commit: never earlier than the store's.
        let now = Instant::now();
        rep.spawned = spawned.len() as u64;
        for (id, kind, ttl) in spawned {
            self.items.insert(
                id,
                Item {
                    kind,
                    expires: Some(now + ttl),
                },
            );
        }
        Ok(rep)
    }

    /// Asks who crowds whom (and applies the damage) and what loot each
    /// player sees; returns the pickups, (player index, item id), each item
    /// claimed at most once, by the first player (in id order) to reach
    /// for it. With several threads, each asks for the loot of a slice of
    /// the players while this one asks for the crowds.
    fn look_around(&mut self, db: &Store, rep: &mut TickReport) -> Result<Vec<(usize, u64)>> {
        let now = Instant::now();
        // Forget loot that expired a while ago (kept a little longer so a
        // hit just at the deadline is not taken for a stale one).
        self.items
            .retain(|_, it| it.expires.is_none_or(|e| e + EXPIRY_SLACK > now));
        let (players, items) = (&self.players, &self.items);
        let (crowds, seen): (Result<Vec<u32>>, Vec<Result<Seen>>) = if self.threads <= 1 {
            (crowds(db, players), vec![look_for_loot(db, players, 0, items)])
        } else {
            let chunk = players.len().div_ceil(self.threads).max(1);
            std::thread::scope(|s| {
                let workers: Vec<_> = players
                    .chunks(chunk)
                    .enumerate()
                    .map(|(n, slice)| s.spawn(move || look_for_loot(db, slice, n * chunk, items)))
                    .collect();
                let crowds = crowds(db, players);
                let seen = workers
                    .into_iter()
                    .map(|w| {
                        w.join()
                            .unwrap_or_else(|_| Err(Error::World("a query thread panicked".into())))
                    })
                    .collect();
                (crowds, seen)
            })
        };
        // Crowds hurt: one hp per neighbour per tick.
        for (p, &n) in self.players.iter_mut().zip(&crowds?) {
            p.hp -= i64::from(n);
            rep.neighbours += u64::from(n);
        }
        let mut claims = Vec::new();
        let mut claimed = HashSet::new();
        for part in seen {
            let part = part?;
            rep.in_sight += part.in_sight;
            rep.stale_hits += part.stale_hits;
            // An item already taken this tick is skipped.
            claims.extend(part.reach.into_iter().filter(|&(_, id)| claimed.insert(id)));
        }
        rep.queries = World::queries_per_tick(self.players.len());
        Ok(claims)
    }

    /// Deletes the claimed items; a player gains what it picked up.
    fn pick_up(&mut self, tx: &Tx<'_>, claims: Vec<(usize, u64)>, rep: &mut TickReport) -> Result<()> {
        for (i, id) in claims {
            let item = self.items.remove(&id);
            // One delete per pickup (all in this transaction): the answer
            // says whether this item was still there to pick up.
            if !tx.delete(item_key(id))? {
                rep.missed += 1; // expired since the query: nothing to pick up
                continue;
            }
            rep.pickups += 1;
            rep.picked.push(id);
            if let (Some(p), Some(item)) = (self.players.get_mut(i), item) {
                match item.kind {
                    Kind::Coin => p.score += 1,
                    Kind::Gem => p.score += 5,
                    Kind::Potion => p.hp = (p.hp + 25).min(FULL_HP),
                }
            }
        }
        Ok(())
    }

    /// Moves every player a few units (bouncing off the walls), respawns
    /// the dead, and writes them all with one `set_many`.
    fn move_players(&mut self, tx: &Tx<'_>, rep: &mut TickReport) -> Result<()> {
        self.arena.clear();
        self.spans.clear();
        for p in &mut self.players {
            if p.hp <= 0 {
                p.pos = random_pos(&mut self.rng, self.size);
                p.hp = FULL_HP;
                rep.respawns += 1;
            } else {
                for a in 0..3 {
                    let v = (p.vel[a] + self.rng.range(-0.5, 0.5)).clamp(-MAX_SPEED, MAX_SPEED);
                    let mut x = p.pos[a] + v;
                    p.vel[a] = v;
                    if x < 0.0 || x > self.size {
                        x = x.clamp(0.0, self.size);
                        p.vel[a] = -v;
                    }
                    p.pos[a] = round2(x);
                }
            }
            let start = self.arena.len();
            write_player_json(&mut self.arena, p);
            self.spans.push(start..self.arena.len());
        }
        let arena = &self.arena;
        let values = self.spans.iter().map(|s| arena.get(s.clone()).unwrap_or_default());
        tx.set_many(self.players.iter().zip(values).map(|(p, v)| (p.key.as_str(), v, None)))?;
        Ok(())
    }

    /// Tops the loot up to the target with items that expire; returns them.
    fn spawn(&mut self, tx: &Tx<'_>) -> Result<Vec<(u64, Kind, Duration)>> {
        let live = self.live_items();
        let mut spawned = Vec::new();
        let mut keys = Vec::new();
        self.arena.clear();
        self.spans.clear();
        for _ in live..self.target_items {
            let id = self.next_item;
            self.next_item += 1;
            let kind = if self.rng.below(3) == 0 {
                Kind::Potion
            } else {
                Kind::Coin
            };
            let ttl = Duration::from_millis(LOOT_TTL_MS.0 + self.rng.below(LOOT_TTL_MS.1 - LOOT_TTL_MS.0));
            let pos = random_pos(&mut self.rng, self.size);
            let start = self.arena.len();
            write_item_json(&mut self.arena, kind, pos);
            self.spans.push(start..self.arena.len());
            keys.push(item_key(id));
            spawned.push((id, kind, ttl));
        }
        let arena = &self.arena;
        let values = self.spans.iter().map(|s| arena.get(s.clone()).unwrap_or_default());
        tx.set_many(
            keys.iter()
                .zip(values)
                .zip(&spawned)
                .map(|((k, v), &(_, _, ttl))| (k.as_str(), v, Some(ttl))),
        )?;
        Ok(spawned)
    }
}

/// How many other players are within [`CROWD_RADIUS`] of each player,
/// by index in `players` (sorted by id), from one `pairs` call: every close
/// pair comes once and counts for both of its players.
fn crowds(db: &Store, players: &[Player]) -> Result<Vec<u32>> {
    let mut near = vec![0; players.len()];
    for pair in &db.pairs(PLAYERS_INDEX, CROWD_RADIUS, None)? {
        for hit in [pair.a(), pair.b()] {
            let id = id_of(hit.key(), "player:")?;
            let i = players
                .binary_search_by_key(&id, |p| p.id)
                .map_err(|_| Error::World(format!("player:{id} is in the store but not in the game")))?;
            near[i] += 1;
        }
    }
    Ok(near)
}

/// What a slice of the players saw.
#[derive(Debug, Default)]
struct Seen {
    in_sight: u64,
    stale_hits: u64,
    /// (player index, item id) for each item within pickup range, nearest first per player.
    reach: Vec<(usize, u64)>,
}

/// The nearest items within sight of each player of `players` (whose
/// first has index `first`), in one `nearby_many` call.
fn look_for_loot(db: &Store, players: &[Player], first: usize, items: &HashMap<u64, Item>) -> Result<Seen> {
    let points = players
        .iter()
        .map(|p| Point::new(&p.pos))
        .collect::<store::Result<Vec<_>>>()?;
    let loot = db.nearby_many(ITEMS_INDEX, &points, NEAREST, Some(SIGHT))?;
    let mut seen = Seen::default();
    for (i, in_sight) in loot.iter().enumerate() {
        seen.in_sight += in_sight.len() as u64;
        for hit in in_sight {
            let id = id_of(hit.key(), "item:")?;
            if !items.contains_key(&id) {
                seen.stale_hits += 1;
            } else if hit.distance() <= PICKUP_RANGE {
                seen.reach.push((first + i, id));
            }
        }
    }
    Ok(seen)
}

// Writing to a String cannot fail: each `let _ =` below drops an `Ok(())`.

fn write_player_json(out: &mut String, p: &Player) {
    let _ = write!(out, r#"{{"name":"p{}","pos":"#, p.id);
    write_pos(out, p.pos);
    let _ = write!(out, r#","hp":{},"score":{}}}"#, p.hp, p.score);
}

fn player_json(p: &Player) -> String {
    let mut s = String::new();
    write_player_json(&mut s, p);
    s
}

fn write_item_json(out: &mut String, kind: Kind, pos: [f64; 3]) {
    let _ = write!(out, r#"{{"kind":"{}","pos":"#, kind.name());
    write_pos(out, pos);
    out.push('}');
}

/// Writes `[x,y,z]` for a position of whole hundredths (see [`round2`]),
/// printed from integers: it reads back as exactly as the float
/// formatter's shortest digits would, for a fraction of their cost (they
/// were most of the demo's own time in a tick).
fn write_pos(out: &mut String, pos: [f64; 3]) {
    for (a, v) in pos.into_iter().enumerate() {
        out.push(if a == 0 { '[' } else { ',' });
        let cents = (v * 100.0).round() as i64;
        let sign = if cents < 0 { "-" } else { "" };
        let cents = cents.unsigned_abs();
        let _ = write!(out, "{sign}{}.{:02}", cents / 100, cents % 100);
    }
    out.push(']');
}

fn item_json(kind: Kind, pos: [f64; 3]) -> String {
    let mut s = String::new();
    write_item_json(&mut s, kind, pos);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_exactly() {
        let mut rng = Rng::new(3);
        for id in 0..500 {
            let p = Player {
                id,
                key: format!("player:{id}"),
                pos: random_pos(&mut rng, 1000.0),
                vel: [0.0; 3],
                hp: 42,
                score: 7,
            };
            let doc = player_json(&p);
            assert_eq!(json::vec3(&doc, "pos"), Some(p.pos), "{doc}");
            assert_eq!(json::int(&doc, "hp"), Some(42));
            let item = item_json(Kind::Gem, p.pos);
            assert_eq!(json::string(&item, "kind").and_then(Kind::parse), Some(Kind::Gem));
            assert_eq!(json::vec3(&item, "pos"), Some(p.pos));
        }
    }

    #[test]
    fn positions_print_as_hundredths() {
        let mut s = String::new();
        write_pos(&mut s, [0.0, 523.1, round2(-0.5)]);
        assert_eq!(s, "[0.00,523.10,-0.50]");
        assert_eq!(
            json::vec3(&format!(r#"{{"pos":{s}}}"#), "pos"),
            Some([0.0, 523.1, -0.5])
        );
    }

    #[test]
    fn crowds_count_each_close_pair_for_both_players() {
        let db = Store::open_in_memory().unwrap();
        create_indexes(&db).unwrap();
        let player = |id: u64, pos: [f64; 3]| Player {
            id,
            key: format!("player:{id}"),
            pos,
            vel: [0.0; 3],
            hp: FULL_HP,
            score: 0,
        };
        // 0-1 are 20 apart and 1-2 are 24; 3 is 20 from 0 along each
        // axis: inside a box of side 50 around 0, but 34.6 away.
        let players = [
            player(0, [100.0, 100.0, 100.0]),
            player(1, [120.0, 100.0, 100.0]),
            player(2, [120.0, 124.0, 100.0]),
            player(3, [80.0, 80.0, 80.0]),
            player(4, [500.0, 500.0, 500.0]),
        ];
        db.set_many(players.iter().map(|p| (p.key.clone(), player_json(p), None)))
            .unwrap();
        assert_eq!(crowds(&db, &players).unwrap(), [1, 2, 1, 0, 0]);
    }

    #[test]
    fn keys_parse() {
        assert_eq!(id_of(b"item:42", "item:").ok(), Some(42));
        assert!(id_of(b"item:x", "item:").is_err());
        assert!(id_of(b"player:1", "item:").is_err());
    }
}
