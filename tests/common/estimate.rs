//! Running `k2e estimate` from the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// tests/fixtures/estimate, where the estimate tests run by default.
pub fn fixtures() -> PathBuf {
    root().join("tests/fixtures/estimate")
}

pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// `k2e estimate ARGS` in `dir`.
pub fn k2e_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_k2e"))
        .arg("estimate")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("k2e runs");
    Run {
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
        code: out.status.code().expect("exited"),
    }
}
