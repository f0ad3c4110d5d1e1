//! Peers the tests check outputs with, when this machine has them (the checks skip themselves
//! otherwise, so a fresh clone's tests pass).

use std::process::{Command, Stdio};

/// A Python that can import botocore: $K2E_PYTHON, the peers' virtualenv, or python3.
pub fn python_with_botocore() -> Option<String> {
    let home = std::env::var("HOME").unwrap_or_default();
    let candidates = [
        std::env::var("K2E_PYTHON").unwrap_or_default(),
        format!("{home}/.k2e-peers/bin/python"),
        "python3".to_owned(),
    ];
    candidates.into_iter().filter(|c| !c.is_empty()).find(|c| {
        Command::new(c)
            .args(["-c", "import botocore"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}
