//! Finds or builds libstore.so and tells Cargo how to link and run against it.
//!
//! * `STORE_LIB_DIR` set: link the libstore.so in that directory (a relative
//!   path is taken from the repository root, two levels above this crate).
//! * otherwise: build it from the Go sources of the repository with
//!   `go build -buildmode=c-shared -o $OUT_DIR/libstore.so ./capi`.
//!
//! Either way the directory goes into an rpath (so test binaries and
//! examples of this crate run without `LD_LIBRARY_PATH`) and is exported as
//! `cargo:lib_dir=` metadata, which dependents read as `DEP_STORE_LIB_DIR`
//! to set their own rpath.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest.join("../..");
    println!("cargo:rerun-if-env-changed=STORE_LIB_DIR");
    println!("cargo:rerun-if-changed=build.rs");

    let lib_dir = match env::var_os("STORE_LIB_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            let dir = if dir.is_absolute() { dir } else { root.join(dir) };
            let dir = dir.canonicalize().unwrap_or_else(|e| {
                panic!("STORE_LIB_DIR={}: {e} (run `make lib` first, or unset it to build the library here)", dir.display())
            });
            let lib = dir.join("libstore.so");
            if !lib.is_file() {
                panic!("STORE_LIB_DIR={}: no libstore.so there (run `make lib`)", dir.display());
            }
            // Relink when the library is rebuilt.
            println!("cargo:rerun-if-changed={}", lib.display());
            dir
        }
        None => build_with_go(&root),
    };

    let dir = lib_dir.display();
    println!("cargo:rustc-link-search=native={dir}");
    println!("cargo:rustc-link-lib=dylib=store");
    // For this crate's own tests and examples; dependents use DEP_STORE_LIB_DIR.
    println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    println!("cargo:lib_dir={dir}");
}

/// Builds libstore.so into OUT_DIR with the Go toolchain and returns OUT_DIR.
fn build_with_go(root: &Path) -> PathBuf {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let root = root.canonicalize().unwrap_or_else(|e| panic!("repository root {}: {e}", root.display()));
    // Directories make Cargo rescan every file in them (new files included).
    for rel in ["store", "capi", "include/store.h", "go.mod", "go.sum"] {
        println!("cargo:rerun-if-changed={}", root.join(rel).display());
    }
    println!("cargo:rerun-if-env-changed=GO");
    let go = env::var_os("GO").unwrap_or_else(|| "go".into());
    let lib = out.join("libstore.so");
    let status = Command::new(&go)
        .current_dir(&root)
        .args(["build", "-buildmode=c-shared", "-o"])
        .arg(&lib)
        .arg("./capi")
        .status()
        .unwrap_or_else(|e| {
            panic!("running {:?}: {e}: install Go, or set STORE_LIB_DIR to a directory holding libstore.so", go)
        });
    if !status.success() {
        panic!("go build -buildmode=c-shared ./capi failed: {status}");
    }
    // cgo's generated header is not the public one: include/store.h is.
    let _ = std::fs::remove_file(out.join("libstore.h"));
    out
}
