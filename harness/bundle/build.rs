//! Rebuild the bundle whenever a suite or schema file changes: `include_dir!`
//! alone does not tell cargo which files it read.

fn main() {
    println!("cargo:rerun-if-changed=../../suites");
    println!("cargo:rerun-if-changed=../../schemas");
}
