//! Puts the directory of libstore.so (exported by store-sys as
//! DEP_STORE_LIB_DIR) into the rpath of the demo and its tests, so that
//! `cargo run` and `cargo test` need no LD_LIBRARY_PATH.
fn main() {
    println!("cargo:rerun-if-env-changed=DEP_STORE_LIB_DIR");
    if let Ok(dir) = std::env::var("DEP_STORE_LIB_DIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
}
