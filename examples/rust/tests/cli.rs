//! The demo as a user runs it: its output, and the picture it draws.

use std::process::Command;

fn demo(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_game-server"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_short_run_reports_its_figures_and_draws_a_well_formed_world() {
    let svg = std::env::temp_dir().join(format!("game-server-cli-{}.svg", std::process::id()));
    let path = svg.to_str().unwrap();
    let (ok, out, err) = demo(&[
        "--memory",
        "--ticks",
        "15",
        "--players",
        "300",
        "--items",
        "200",
        "--svg",
        path,
    ]);
    assert!(ok, "{out}\n{err}");
    for line in [
        "summary: 15 ticks",
        "per player and tick:",
        "fences: on, tick p50=",
        "picture: ",
        "memory store: 300 players",
    ] {
        assert!(out.contains(line), "{line:?} missing from:\n{out}");
    }
    let text = std::fs::read_to_string(&svg).unwrap();
    let _ = std::fs::remove_file(&svg);
    let doc = roxmltree::Document::parse(&text).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let circles = root.descendants().filter(|n| n.has_tag_name("circle")).count();
    let squares = root.descendants().filter(|n| n.has_tag_name("rect")).count();
    assert!(circles >= 300, "{circles} circles"); // the players, the aggro and pickup circles
    assert!(squares >= 200, "{squares} rects"); // the loot, the zones, the background
}

#[test]
fn without_fences_the_summary_says_so() {
    let (ok, out, err) = demo(&[
        "--memory",
        "--ticks",
        "5",
        "--players",
        "50",
        "--items",
        "20",
        "--no-fences",
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("fences: off (--no-fences), tick p50="), "{out}");
}

#[test]
fn a_bad_command_line_is_exit_2_with_a_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_game-server"))
        .args(["--players", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--players"));
    let out = Command::new(env!("CARGO_BIN_EXE_game-server"))
        .args(["--seconds", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("never end"));
    let (ok, out, _) = demo(&["--help"]);
    assert!(
        ok && out.contains("--svg <FILE>") && out.contains("--no-fences"),
        "{out}"
    );
}
