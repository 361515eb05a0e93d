//! Command-line flags (clap).

use std::path::PathBuf;

use clap::Parser;

/// Where the world lives.
#[derive(Debug, Clone, PartialEq)]
pub enum Storage {
    /// A store in memory: gone when the program ends.
    Memory,
    /// A file store at `<dir>/world.db`.
    File(PathBuf),
}

/// The directory `make demo` uses: build/demo at the repository root.
pub const DEFAULT_DATA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../build/demo");

/// The command line.
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "game-server",
    allow_negative_numbers = true,
    about = "Players and loot in a 3D world, kept in the store, asked \"who is near whom?\" every tick.",
    after_help = "The run ends at whichever limit comes first. Each second prints ticks/s, objects, \
                  queries/s and the p50/p99 tick time."
)]
pub struct Args {
    /// Keep the world in the file store DIR/world.db, creating DIR (default:
    /// build/demo of the repository). A world found there is continued.
    #[arg(long, value_name = "DIR", conflicts_with = "memory", value_parser = non_empty_path)]
    pub data: Option<PathBuf>,
    /// Keep the world in memory only.
    #[arg(long)]
    pub memory: bool,
    /// Players of a new world.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub players: u32,
    /// Loot kept lying around: spawned loot tops it up.
    #[arg(long, default_value_t = 3000, value_parser = clap::value_parser!(u32).range(0..=10_000_000))]
    pub items: u32,
    /// Side of the cube of a new world.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(100..=1_000_000))]
    pub size: u32,
    /// Stop after N ticks (default: no tick limit).
    #[arg(long, value_name = "N")]
    pub ticks: Option<u64>,
    /// Stop after S seconds (default 5, or no time limit when --ticks is
    /// given; 0: no time limit).
    #[arg(long, value_name = "S", value_parser = seconds)]
    pub seconds: Option<f64>,
    /// Seed of the world's randomness.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Threads asking the spatial queries of a tick, each in a read
    /// transaction of its own (default: the cores, up to 4).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub threads: Option<u32>,
    /// Delete the world found in --data DIR and start a new one.
    #[arg(long, conflicts_with = "memory")]
    pub reset: bool,
    /// Run without the geofences (zones, aggro, pickup points), to see
    /// what they cost a tick.
    #[arg(long)]
    pub no_fences: bool,
    /// At the end, write an SVG top view of the players, the loot and the
    /// fences to FILE.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}

/// What one run does, from [`Args`].
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
    /// Keep the geofences and count their events.
    pub fences: bool,
    /// Where to write the picture of the world, if anywhere.
    pub svg: Option<PathBuf>,
}

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
            fences: true,
            svg: None,
        }
    }
}

impl Args {
    /// The run these flags ask for, or why there is none.
    pub fn config(self) -> Result<Config, String> {
        // `--ticks N` alone runs N ticks, however long they take.
        let seconds = self.seconds.unwrap_or(if self.ticks.is_some() { 0.0 } else { 5.0 });
        let ticks = self.ticks.unwrap_or(0);
        if ticks == 0 && seconds == 0.0 {
            return Err("with no tick and no time limit the run would never end".into());
        }
        let storage = match (self.memory, self.data) {
            (true, _) => Storage::Memory,
            (false, Some(dir)) => Storage::File(dir),
            (false, None) => Storage::File(PathBuf::from(DEFAULT_DATA_DIR)),
        };
        Ok(Config {
            storage,
            players: self.players as usize,
            items: self.items as usize,
            size: f64::from(self.size),
            ticks,
            seconds,
            seed: self.seed,
            threads: self.threads.map_or_else(default_threads, |t| t as usize),
            reset: self.reset,
            fences: !self.no_fences,
            svg: self.svg,
        })
    }
}

/// The cores available, at most 4: the queries of a tick are spread over them.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

fn non_empty_path(s: &str) -> Result<PathBuf, String> {
    if s.is_empty() {
        Err("needs a directory".into())
    } else {
        Ok(PathBuf::from(s))
    }
}

fn seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(n) if n.is_finite() && (0.0..=86_400.0).contains(&n) => Ok(n),
        _ => Err("want a number from 0 to 86400".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Config {
        match Args::try_parse_from(std::iter::once("game-server").chain(args.iter().copied())).map(Args::config) {
            Ok(Ok(c)) => c,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    fn err(args: &[&str]) -> String {
        match Args::try_parse_from(std::iter::once("game-server").chain(args.iter().copied())) {
            Err(e) => e.to_string(),
            Ok(a) => match a.config() {
                Err(e) => e,
                Ok(c) => panic!("{args:?} should fail: {c:?}"),
            },
        }
    }

    #[test]
    fn defaults() {
        assert_eq!(run(&[]), Config::default());
    }

    #[test]
    fn the_makefile_command_lines() {
        let c = run(&["--data", "/tmp/x/demo"]);
        assert_eq!(c.storage, Storage::File(PathBuf::from("/tmp/x/demo")));
        let c = run(&["--memory", "--ticks", "60", "--svg", "w.svg"]);
        assert_eq!(c.storage, Storage::Memory);
        assert_eq!((c.ticks, c.seconds), (60, 0.0)); // ticks alone: no time limit
        assert_eq!(c.svg, Some(PathBuf::from("w.svg")));
        assert!(c.fences);
        assert!(!run(&["--memory", "--ticks", "6", "--no-fences"]).fences);
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
    }

    #[test]
    fn bad_flags_are_messages() {
        assert!(err(&["--players"]).contains("a value is required"));
        assert!(err(&["--players", "0"]).contains("--players"));
        assert!(err(&["--players", "-3"]).contains("--players"));
        assert!(err(&["--items", "many"]).contains("--items"));
        assert!(err(&["--size", "10"]).contains("--size"));
        assert!(err(&["--size", "150.5"]).contains("--size"));
        assert!(err(&["--seconds", "-1"]).contains("--seconds"));
        assert!(err(&["--seconds", "NaN"]).contains("--seconds"));
        assert!(err(&["--seed", "1.5"]).contains("--seed"));
        assert!(err(&["--threads", "0"]).contains("--threads"));
        assert!(err(&["--frobnicate"]).contains("--frobnicate"));
        assert!(err(&["stray"]).contains("stray"));
        assert!(err(&["--memory", "--data", "x"]).contains("cannot be used with"));
        assert!(err(&["--memory", "--reset"]).contains("cannot be used with"));
        assert!(err(&["--memory=yes"]).contains("--memory"));
        assert!(err(&["--data="]).contains("directory"));
        assert!(err(&["--seconds", "0"]).contains("never end"));
        assert!(err(&["--ticks", "0", "--seconds", "0"]).contains("never end"));
    }

    #[test]
    fn help_is_clap_s() {
        use clap::CommandFactory;
        Args::command().debug_assert();
        let e = Args::try_parse_from(["game-server", "--help"]).unwrap_err();
        assert_eq!(e.kind(), clap::error::ErrorKind::DisplayHelp);
        assert!(e.to_string().contains("--svg <FILE>"));
    }
}
