//! The public corpus, named by K2E_CORPUS (see the README). The tests that use it are marked
//! `#[cfg_attr(not(k2e_corpus), ignore = ...)]`: build.rs sets `k2e_corpus` when the variable is
//! set, so without it they are reported as ignored rather than passed.

use std::path::PathBuf;

/// The corpus folder, or None when K2E_CORPUS is unset; a K2E_CORPUS that is not a folder fails.
pub fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("K2E_CORPUS").filter(|v| !v.is_empty())?);
    assert!(
        dir.is_dir(),
        "K2E_CORPUS={} is not a directory: point it at the corpus folder (the one holding k8s/ and \
         ecs/), or unset it to leave the corpus tests out",
        dir.display()
    );
    Some(dir)
}
