//! Command-line flags, parsed by hand.

use std::path::PathBuf;

/// Where the world lives.
#[derive(Debug, Clone, PartialEq)]
pub enum Storage {
    /// A store in memory: gone when the program ends.
    Memory,
    /// A file store at `<dir>/world.db`.
    File(PathBuf),
}

/// What one run does.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Memory or a file under a directory.
    pub storage: Storage,
    /// Players of a new world.
    pub players: usize,
    /// Loot the world keeps lying around.
    pub items: usize,
    /// The side of the world cube (a whole number).
    pub size: f64,
    /// Stop after this many ticks (0: no tick limit).
    pub ticks: u64,
    /// Stop after this many seconds (0: no time limit).
    pub seconds: f64,
    /// Seed of the world's randomness.
    pub seed: u64,
    /// Threads asking the spatial queries of a tick.
    pub threads: usize,
    /// Delete a world found in the file store and start a new one.
    pub reset: bool,
}

/// The directory `make demo` uses: build/demo at the repository root.
pub const DEFAULT_DATA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../build/demo");

impl Default for Config {
    fn default() -> Config {
        Config {
            storage: Storage::File(PathBuf::from(DEFAULT_DATA_DIR)),
            players: 2000,
            items: 3000,
            size: 1000.0,
            ticks: 0,
            seconds: 5.0,
            seed: 1,
            threads: default_threads(),
            reset: false,
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Run the game loop.
    Run(Config),
    /// Print [`USAGE`].
    Help,
}

/// The `--help` text.
pub const USAGE: &str = "\
game-server: players and loot in a 3D world, kept in the store, asked
\"who is near whom?\" every tick.

usage: game-server [--data DIR | --memory] [--players N] [--items N]
                   [--size S] [--ticks N] [--seconds S] [--seed N]
                   [--threads N] [--reset]

  --data DIR     keep the world in the file store DIR/world.db, creating DIR
                 (default: build/demo of the repository). A world found there
                 is continued, not replaced.
  --memory       keep the world in memory only
  --players N    players of a new world (default 2000)
  --items N      loot kept lying around: spawned loot tops it up (default 3000)
  --size S       side of the cube of a new world (default 1000)
  --ticks N      stop after N ticks (default: no tick limit)
  --seconds S    stop after S seconds (default 5, or no time limit when
                 --ticks is given; 0: no time limit)
  --seed N       seed of the world's randomness (default 1)
  --threads N    threads asking the spatial queries of a tick, each in a
                 read transaction of its own (default: the cores, up to 4)
  --reset        delete the world found in --data DIR and start a new one
  -h, --help     show this help

The run ends at whichever limit comes first. Each second prints
ticks/s, objects, queries/s and the p50/p99 tick time.";

/// Parses the arguments after the program name. An error is a message
/// for the user, to print with [`USAGE`].
pub fn parse<I, S>(args: I) -> Result<Command, String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut cfg = Config::default();
    let mut data: Option<PathBuf> = None;
    let mut memory = false;
    let mut ticks_given = false;
    let mut seconds_given = false;
    let mut args = args.into_iter().map(Into::into);
    while let Some(arg) = args.next() {
        // Both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match inline.clone().or_else(|| args.next()) {
                Some(v) => Ok(v),
                None => Err(format!("{name} needs a value")),
            }
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--memory" | "--reset" if inline.is_some() => return Err(format!("{flag} takes no value")),
            "--memory" => memory = true,
            "--reset" => cfg.reset = true,
            "--data" => {
                let dir = value("--data")?;
                if dir.is_empty() {
                    return Err("--data needs a directory".into());
                }
                data = Some(PathBuf::from(dir));
            }
            "--players" => cfg.players = count("--players", &value("--players")?, 1, 1_000_000)?,
            "--items" => cfg.items = count("--items", &value("--items")?, 0, 10_000_000)?,
            "--size" => cfg.size = count("--size", &value("--size")?, 100, 1_000_000)? as f64,
            "--ticks" => {
                cfg.ticks = count("--ticks", &value("--ticks")?, 0, usize::MAX)? as u64;
                ticks_given = true;
            }
            "--seconds" => {
                cfg.seconds = number("--seconds", &value("--seconds")?, 0.0, 86_400.0)?;
                seconds_given = true;
            }
            "--threads" => cfg.threads = count("--threads", &value("--threads")?, 1, 64)?,
            "--seed" => {
                let v = value("--seed")?;
                cfg.seed = v.parse().map_err(|_| format!("--seed {v:?}: want a whole number"))?;
            }
            other if other.starts_with('-') => return Err(format!("unknown flag {other}")),
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    if memory && data.is_some() {
        return Err("--memory and --data exclude each other".into());
    }
    if memory && cfg.reset {
        return Err("--reset needs a file store (--data DIR)".into());
    }
    // `--ticks N` alone runs N ticks, however long they take.
    if ticks_given && !seconds_given {
        cfg.seconds = 0.0;
    }
    if cfg.ticks == 0 && cfg.seconds == 0.0 {
        return Err("with no tick and no time limit the run would never end".into());
    }
    if memory {
        cfg.storage = Storage::Memory;
    } else if let Some(dir) = data {
        cfg.storage = Storage::File(dir);
    }
    Ok(Command::Run(cfg))
}

/// The cores available, at most 4: the queries of a tick are spread over them.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

fn count(flag: &str, v: &str, min: usize, max: usize) -> Result<usize, String> {
    match v.parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("{flag} {v:?}: want a whole number from {min} to {max}")),
    }
}

fn number(flag: &str, v: &str, min: f64, max: f64) -> Result<f64, String> {
    match v.parse::<f64>() {
        Ok(n) if n.is_finite() && (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("{flag} {v:?}: want a number from {min} to {max}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Config {
        match parse(args.iter().copied()) {
            Ok(Command::Run(c)) => c,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    fn err(args: &[&str]) -> String {
        match parse(args.iter().copied()) {
            Err(e) => e,
            other => panic!("{args:?} should fail: {other:?}"),
        }
    }

    #[test]
    fn defaults() {
        let c = run(&[]);
        assert_eq!(c, Config::default());
        assert_eq!(c.storage, Storage::File(PathBuf::from(DEFAULT_DATA_DIR)));
        assert_eq!((c.players, c.items, c.ticks, c.seconds), (2000, 3000, 0, 5.0));
    }

    #[test]
    fn the_makefile_command_lines() {
        let c = run(&["--data", "/tmp/x/demo"]);
        assert_eq!(c.storage, Storage::File(PathBuf::from("/tmp/x/demo")));
        let c = run(&["--memory", "--ticks", "60"]);
        assert_eq!(c.storage, Storage::Memory);
        assert_eq!((c.ticks, c.seconds), (60, 0.0)); // ticks alone: no time limit
    }

    #[test]
    fn every_flag_both_spellings() {
        let c = run(&[
            "--players=10",
            "--items",
            "5",
            "--size=200",
            "--ticks",
            "7",
            "--seconds=2.5",
            "--seed",
            "9",
            "--data=d",
            "--threads",
            "3",
            "--reset",
        ]);
        assert_eq!(
            (c.players, c.items, c.size, c.ticks, c.seconds, c.seed, c.threads),
            (10, 5, 200.0, 7, 2.5, 9, 3)
        );
        assert!(c.reset);
        assert_eq!(c.storage, Storage::File(PathBuf::from("d")));
        assert_eq!(parse(["-h"]), Ok(Command::Help));
        assert_eq!(parse(["--players", "3", "--help"]), Ok(Command::Help));
    }

    #[test]
    fn bad_flags_are_messages() {
        assert!(err(&["--players"]).contains("needs a value"));
        assert!(err(&["--players", "0"]).contains("--players"));
        assert!(err(&["--players", "-3"]).contains("whole number"));
        assert!(err(&["--items", "many"]).contains("--items"));
        assert!(err(&["--size", "NaN"]).contains("--size"));
        assert!(err(&["--size", "10"]).contains("from 100"));
        assert!(err(&["--size", "150.5"]).contains("whole number"));
        assert!(err(&["--seconds", "-1"]).contains("--seconds"));
        assert!(err(&["--seed", "1.5"]).contains("--seed"));
        assert!(err(&["--threads", "0"]).contains("--threads"));
        assert!(err(&["--frobnicate"]).contains("unknown flag"));
        assert!(err(&["stray"]).contains("unexpected"));
        assert!(err(&["--memory", "--data", "x"]).contains("exclude"));
        assert!(err(&["--memory", "--reset"]).contains("--reset"));
        assert!(err(&["--memory=yes"]).contains("no value"));
        assert!(err(&["--data="]).contains("directory"));
        assert!(err(&["--seconds", "0"]).contains("never end"));
        assert!(err(&["--ticks", "0", "--seconds", "0"]).contains("never end"));
    }
}
