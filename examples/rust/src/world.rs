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
use std::ops::Range as Span;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use store::{Ops, Point, Range, Rect, Store, Ttl, Tx};

use crate::args::Config;
use crate::error::{Error, Result};
use crate::fences::{FenceCount, Fences};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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

    fn random(rng: &mut Rng) -> Kind {
        match rng.below(10) {
            0 => Kind::Gem,
            1..=3 => Kind::Potion,
            _ => Kind::Coin,
        }
    }
}

/// A player's value in the store: `{"name":"p17","pos":[x,y,z],"hp":100,"score":0}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlayerDoc {
    /// `p<id>`.
    pub name: String,
    /// Position.
    pub pos: [f64; 3],
    /// Health.
    pub hp: i64,
    /// Coins and gems picked up.
    pub score: u64,
}

/// An item's value in the store: `{"kind":"coin","pos":[x,y,z]}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ItemDoc {
    /// What it is.
    pub kind: Kind,
    /// Where it lies.
    pub pos: [f64; 3],
}

/// The world's own record, under [`META_KEY`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// Ticks run so far.
    pub tick: u64,
    /// The id the next spawned item gets.
    pub next_item: u64,
    /// The side of the world cube.
    pub size: f64,
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
    /// Fence events polled after the tick's commit, by kind of fence.
    pub fences: FenceCount,
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
        self.fences.absorb(&other.fences);
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
    /// Reused JSON of the values of a `set_many`, and each value's span.
    arena: Vec<u8>,
    spans: Vec<Span<usize>>,
    /// The geofences, when the run keeps them.
    fences: Option<Fences>,
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
            .value()
            .ok_or_else(|| Error::World(format!("{} is missing", p.key)))?;
        let value: PlayerDoc = parse(&p.key, value)?;
        let wrote = p.doc();
        if value != wrote {
            return Err(Error::World(format!(
                "{} holds {value:?} in the store, the game last wrote {wrote:?}",
                p.key
            )));
        }
    }
    Ok(picked.len())
}

/// The tick recorded in the store's `world:meta`, if there is one.
pub fn stored_tick(db: &impl Ops) -> Result<Option<u64>> {
    Ok(get_meta(db)?.map(|m| m.tick))
}

/// The world's record, through the crate's serde feature.
fn get_meta(db: &impl Ops) -> Result<Option<Meta>> {
    match db.get_json::<Meta>(META_KEY) {
        Err(store::Error::Json(e)) => Err(bad_value(META_KEY, e)),
        other => Ok(other?),
    }
}

/// The error for a value this demo did not write.
fn bad_value(key: &str, why: impl std::fmt::Display) -> Error {
    Error::World(format!(
        "{key} holds a value this demo does not write ({why}; use --reset or another --data)"
    ))
}

/// Reads a value this demo wrote.
fn parse<'a, T: Deserialize<'a>>(key: &str, value: &'a [u8]) -> Result<T> {
    serde_json::from_slice(value).map_err(|e| bad_value(key, e))
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
        let (mut world, origin) = match get_meta(db)? {
            Some(meta) => {
                let world = World::load(db, cfg, meta)?;
                let tick = world.tick;
                (world, Origin::Continued { tick })
            }
            None if !db.is_empty()? => {
                return Err(Error::World(format!(
                    "the store holds {} keys but no {META_KEY}: not a world of this demo (use --reset or another --data)",
                    db.len()?
                )));
            }
            None => (World::seed(db, cfg)?, Origin::New),
        };
        world.fences = Fences::set_up(db, cfg.fences, world.size, &world.players)?;
        Ok((world, origin))
    }

    /// The geofences, when the run keeps them.
    pub fn fences(&self) -> Option<&Fences> {
        self.fences.as_ref()
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
            arena: Vec::new(),
            spans: Vec::new(),
            fences: None,
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
            loot.push((item_key(id), json(&ItemDoc { kind, pos })?, None));
        }
        let players = w.players.iter().map(|p| Ok((p.key.clone(), json(&p.doc())?, None)));
        let players = players.collect::<Result<Vec<_>>>()?;
        let meta = std::iter::once((META_KEY.to_string(), json(&w.meta())?, None));
        db.set_many(players.into_iter().chain(loot).chain(meta))?;
        Ok(w)
    }

    fn load(db: &Store, cfg: &Config, meta: Meta) -> Result<World> {
        if !(meta.size.is_finite() && meta.size > 0.0) {
            return Err(bad_value(META_KEY, format!("size {}", meta.size)));
        }
        let rng = Rng::new(cfg.seed ^ meta.tick.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let mut w = World::empty(cfg, meta.size, rng);
        w.tick = meta.tick;
        w.next_item = meta.next_item;

        // One read transaction: players and items from the same instant.
        let tx = db.begin_read()?;
        for hit in tx.scan("", Range::all().lo("player:").hi("player;"))?.iter() {
            let key = hit.key_str()?;
            let id = id_of(hit.key(), "player:")?;
            let doc: PlayerDoc = parse(key, hit.value())?;
            let vel = random_vel(&mut w.rng);
            w.players.push(Player {
                id,
                key: key.to_string(),
                pos: doc.pos,
                vel,
                hp: doc.hp,
                score: doc.score,
            });
        }
        for hit in tx.scan("", Range::all().lo("item:").hi("item;"))?.iter() {
            let id = id_of(hit.key(), "item:")?;
            let kind = parse::<ItemDoc>(&item_key(id), hit.value())?.kind;
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

    fn meta(&self) -> Meta {
        Meta {
            tick: self.tick,
            next_item: self.next_item,
            size: self.size,
        }
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
        tx.set_json(META_KEY, &self.meta())?;
        tx.commit()?;
        // What crossed a fence in this commit (and in the sweeps of
        // expired loot since the last tick): one poll, one buffer.
        if let Some(fences) = &mut self.fences {
            rep.fences = fences.poll(db)?;
        }
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
            serde_json::to_writer(&mut self.arena, &p.doc()).map_err(|e| Error::World(format!("{}: {e}", p.key)))?;
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
            serde_json::to_writer(&mut self.arena, &ItemDoc { kind, pos })
                .map_err(|e| Error::World(format!("item:{id}: {e}")))?;
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

/// The JSON of a value this demo writes.
fn json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::World(format!("writing a value: {e}")))
}

impl Player {
    /// The player's value in the store.
    pub fn doc(&self) -> PlayerDoc {
        PlayerDoc {
            name: format!("p{}", self.id),
            pos: self.pos,
            hp: self.hp,
            score: self.score,
        }
    }
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
            let doc = json(&p.doc()).unwrap();
            assert_eq!(parse::<PlayerDoc>("k", doc.as_bytes()).unwrap(), p.doc(), "{doc}");
            let item = json(&ItemDoc {
                kind: Kind::Gem,
                pos: p.pos,
            })
            .unwrap();
            assert!(item.starts_with(r#"{"kind":"gem","pos":["#), "{item}");
            assert_eq!(parse::<ItemDoc>("k", item.as_bytes()).unwrap().pos, p.pos);
        }
        assert!(parse::<ItemDoc>("k", br#"{"kind":"sword","pos":[1,2,3]}"#).is_err());
        assert!(parse::<PlayerDoc>("k", br#"{"name":"p1","pos":[1,2],"hp":1,"score":0}"#).is_err());
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
        db.set_many(players.iter().map(|p| (p.key.clone(), json(&p.doc()).unwrap(), None)))
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
