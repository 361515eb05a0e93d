//! Puts the directory of libstore.so (store-sys exports it as
//! DEP_STORE_LIB_DIR) into the rpath of the benchmarks and binaries, so they
//! run without LD_LIBRARY_PATH.
fn main() {
    println!("cargo:rerun-if-env-changed=DEP_STORE_LIB_DIR");
    if let Ok(dir) = std::env::var("DEP_STORE_LIB_DIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
}
