//! Rebuilds when a file is added to `schema/` or `assets/`: rust-embed includes the files it
//! finds at compile time, and cargo alone would not notice a new one in a release build (a new
//! migration missing from the binary would go unnoticed until a database needed it).
fn main() {
    println!("cargo:rerun-if-changed=schema");
    println!("cargo:rerun-if-changed=assets");
}
