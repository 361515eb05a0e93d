//! Puts the directory of libstore.so (exported by store-sys as
//! DEP_STORE_LIB_DIR) into the rpath of this crate's tests, examples and
//! doc-tests, so `cargo test` runs without LD_LIBRARY_PATH.
fn main() {
    println!("cargo:rerun-if-env-changed=DEP_STORE_LIB_DIR");
    if let Ok(dir) = std::env::var("DEP_STORE_LIB_DIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
}
