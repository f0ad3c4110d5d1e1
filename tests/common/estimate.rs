//! Running `k2e estimate` from the integration tests.

use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// tests/fixtures/estimate, where the estimate tests run by default.
pub fn fixtures() -> PathBuf {
    root().join("tests/fixtures/estimate")
}

pub use super::run::Run;

/// `k2e estimate ARGS` in `dir`.
pub fn k2e_in(dir: &Path, args: &[&str]) -> Run {
    let all: Vec<&str> = std::iter::once("estimate").chain(args.iter().copied()).collect();
    super::run::k2e_in(dir, &all)
}
