//! # game-server: the store's main demo (`make demo`)
//!
//! A game server keeps a few thousand players and items in a 3D cube and
//! asks "who is near whom?" every tick. The store is the world: each
//! player is `player:<id>` and each item `item:<id>`, with a JSON value
//! that holds its position (`{"name":"p17","pos":[x,y,z],"hp":100,
//! "score":0}`, `{"kind":"coin","pos":[x,y,z]}`), and one spatial index
//! (an R-tree over the JSON path `pos`) per kind of object.
//!
//! Every tick is two transactions, with one batched call wherever the
//! API has one:
//!
//! 1. Look around, in read transactions: ONE `pairs` call on the players'
//!    index finds every two players within 25 units of each other (true
//!    Euclidean distance: a ball, not a box; each close pair comes once
//!    and costs both of its players 1 hp, and a player at 0 respawns),
//!    while each query thread (`--threads`, each with a slice of the
//!    players) asks ONE `nearby_many` for the 4 nearest items within 20
//!    units of each of its players.
//! 2. Act, in ONE write transaction: each player deletes the items within
//!    pickup range (6 units) that no player before it took this tick
//!    (coins and gems score, potions heal; an item that expired since the
//!    query is just gone); every player moves a few units, bouncing off
//!    the walls, written with ONE `set_many`; new loot is spawned with a
//!    TTL of 2-5 s (one `set_many` with TTLs) to keep the loot population
//!    steady. The store thus always holds the world as of the end of a
//!    tick. Expired loot vanishes from queries by itself: the demo checks
//!    that no query ever returns an item past its expiry.
//!
//! Geofences watch the world (`--no-fences` turns them off): four zones
//! and a roaming aggro radius around each of 8 bosses over the players,
//! and 6 pickup points over the loot. Each tick's commit queues an enter
//! or exit event for every crossing, and the tick takes them all with ONE
//! `poll_events` call; the summary counts them and gives the tick p50 with
//! the fences on (compare a run with `--no-fences`).
//!
//! Each second of ticks prints a line with ticks/s, objects, spatial
//! queries/s and the p50/p99 tick time; the run ends by itself after
//! `--seconds` (default 5) or `--ticks`. A file store (`--data DIR`, the
//! default; `make demo` uses build/demo) is then closed and reopened: the
//! demo counts the players and items the reopened indexes hold and checks
//! that players' positions are those of the last tick. A world found in
//! the file is continued (`--reset` starts a new one). `--memory` keeps
//! everything in memory. `--svg FILE` writes a top view of the world at
//! the end. `--help` lists the flags (clap).
//!
//! Errors from the store (with the library's message) end the run with
//! exit code 1; a bad command line prints the usage and exits with 2.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use game_server::args::{Args, Config, Storage};
use game_server::error::{Error, Result};
use game_server::stats::{Ticks, Window, ms};
use game_server::svg;
use game_server::world::{self, Origin, TickReport, World};
use store::Store;

/// Positions checked after the reopen.
const SAMPLE: usize = 5;

fn main() -> ExitCode {
    // clap prints --help and bad command lines itself (exit 0 and 2).
    let cfg = match Args::parse().config() {
        Ok(cfg) => cfg,
        Err(msg) => {
            eprintln!("game-server: {msg} (--help lists the flags)");
            return ExitCode::from(2);
        }
    };
    match run(&cfg) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("game-server: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cfg: &Config) -> Result<()> {
    let (db, path) = match &cfg.storage {
        Storage::Memory => (Store::open_in_memory()?, None),
        Storage::File(dir) => {
            let path = world_file(dir)?;
            (Store::open(&path)?, Some(path))
        }
    };
    let place = path
        .as_ref()
        .map_or_else(|| "memory".to_string(), |p| p.display().to_string());
    if cfg.reset {
        let n = world::reset(&db)?;
        println!("reset: deleted {n} keys from {place}");
    }
    world::create_indexes(&db)?;
    let (mut world, origin) = World::open(&db, cfg)?;
    let players = world.players().len();
    match origin {
        Origin::New => println!(
            "new world in {place}: {players} players, {} items in a {}^3 cube (seed {})",
            world.live_items(),
            world.size(),
            cfg.seed
        ),
        Origin::Continued { tick } => println!(
            "continuing the world found in {place} at tick {tick}: {players} players, {} live items in a {}^3 cube (--reset starts over)",
            world.live_items(),
            world.size()
        ),
    }

    let total = game_loop(cfg, &db, &mut world)?;
    if let Some(file) = &cfg.svg {
        let shapes = world.fences().map(|f| f.shapes().to_vec()).unwrap_or_default();
        let drawn = svg::write(file, &db, world.size(), &shapes)?;
        println!(
            "picture: {} ({} players, {} loot, {} fences from above)",
            file.display(),
            drawn.players,
            drawn.items,
            drawn.fences
        );
    }
    if total.stale_hits > 0 {
        return Err(Error::World(format!(
            "{} query hits were items past their expiry",
            total.stale_hits
        )));
    }

    match path {
        Some(path) => reopen(db, &path, &world),
        None => {
            let (p, i) = world::count(&db)?;
            world::check_players(&db, world.players(), SAMPLE)?;
            db.close()?;
            println!(
                "memory store: {p} players, {i} items at tick {}, gone now that it is closed (--data DIR keeps them)",
                world.tick()
            );
            Ok(())
        }
    }
}

/// Creates `dir` and returns the absolute path of the world file in it.
fn world_file(dir: &Path) -> Result<PathBuf> {
    let io = |what: String| move |err| Error::Io { what, err };
    std::fs::create_dir_all(dir).map_err(io(format!("creating {}", dir.display())))?;
    let dir = dir.canonicalize().map_err(io(format!("finding {}", dir.display())))?;
    Ok(dir.join("world.db"))
}

/// Runs ticks until a limit, printing a line per second; returns the totals.
fn game_loop(cfg: &Config, db: &Store, world: &mut World) -> Result<TickReport> {
    let start = Instant::now();
    let deadline = (cfg.seconds > 0.0).then(|| start + Duration::from_secs_f64(cfg.seconds));
    let mut window = Window::new(start);
    let mut all = Ticks::new();
    let mut total = TickReport::default();
    let mut second = 0;
    loop {
        if (cfg.ticks > 0 && all.len() >= cfg.ticks) || deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        let t0 = Instant::now();
        let rep = world.step(db)?;
        let took = t0.elapsed();
        window.add(took, rep.queries);
        all.record(took);
        total.absorb(&rep);
        let now = Instant::now();
        if now.duration_since(window.start) >= Duration::from_secs(1) {
            second += 1;
            report_line(&format!("t={second}s"), &mut window, now, world);
            window = Window::new(now);
        }
    }
    let end = Instant::now();
    if !window.ticks.is_empty() {
        report_line(
            &format!("t={:.1}s", end.duration_since(start).as_secs_f64()),
            &mut window,
            end,
            world,
        );
    }

    let secs = end.duration_since(start).as_secs_f64().max(1e-9);
    let n = all.len() as usize;
    let s = all.summary();
    let per_player_tick = (n * world.players().len()).max(1) as f64;
    println!(
        "summary: {n} ticks in {secs:.2}s: {:.1} ticks/s, {:.0} queries/s, tick p50={} p99={} max={}",
        n as f64 / secs,
        total.queries as f64 / secs,
        ms(s.p50),
        ms(s.p99),
        ms(s.max)
    );
    println!(
        "  per player and tick: {:.2} neighbours within {}, {:.3} items in sight; {} pickups ({} expired first), {} loot spawned with a TTL, {} respawns",
        total.neighbours as f64 / per_player_tick,
        world::CROWD_RADIUS,
        total.in_sight as f64 / per_player_tick,
        total.pickups,
        total.missed,
        total.spawned,
        total.respawns
    );
    println!("  expired loot returned by a query: {}", total.stale_hits);
    match world.fences() {
        Some(_) => println!(
            "  fences: on, tick p50={} with them; {} events ({}), {} lost",
            ms(s.p50),
            total.fences.total(),
            total.fences.describe(),
            total.fences.lost
        ),
        None => println!("  fences: off (--no-fences), tick p50={} without them", ms(s.p50)),
    }
    Ok(total)
}

fn report_line(label: &str, w: &mut Window, now: Instant, world: &World) {
    let s = w.ticks.summary();
    println!(
        "{label} ticks/s={:.0} objects={} queries/s={:.0} p50={} p99={}",
        w.rate(w.ticks.len(), now),
        world.players().len() + world.live_items(),
        w.rate(w.queries, now),
        ms(s.p50),
        ms(s.p99)
    );
}

/// Closes the file store, reopens it and checks what it holds.
fn reopen(db: Store, path: &Path, world: &World) -> Result<()> {
    db.close()?;
    let t0 = Instant::now();
    let db = Store::open(path)?;
    let took = t0.elapsed();
    let (players, items) = world::count(&db)?;
    if players != world.players().len() {
        return Err(Error::World(format!(
            "reopened {players} players, the game had {}",
            world.players().len()
        )));
    }
    let checked = world::check_players(&db, world.players(), SAMPLE)?;
    let tick = world::stored_tick(&db)?;
    if tick != Some(world.tick()) {
        return Err(Error::World(format!(
            "reopened the world at tick {tick:?}, the game ran to tick {}",
            world.tick()
        )));
    }
    db.close()?;
    println!(
        "world persisted: {players} players, {items} items reopened from {} in {} (tick {}; {checked} sampled players hold what the last tick wrote)",
        path.display(),
        ms(took),
        world.tick()
    );
    Ok(())
}
