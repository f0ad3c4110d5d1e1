//! Which `.k2e.yaml` applies: the nearest one in the working directory or a parent, without
//! leaving the repository, and only one the current user (or root) owns, since a config can
//! switch every check off.

use super::FILE_NAME;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The config found, and the configs passed over with the reason (to print as warnings).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Found {
    pub path: Option<PathBuf>,
    pub warnings: Vec<String>,
}

/// The nearest `.k2e.yaml` in `start` or one of its parents, up to the repository root (the
/// first folder holding `.git`, a folder or a file) or the filesystem root. A config owned by
/// another user than the current one or root is passed over, with a warning.
pub fn find(start: &Path) -> Found {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let uid = unsafe { libc::geteuid() };
    search(start, uid)
}

/// [`find`] for the user `uid`.
pub fn search(start: &Path, uid: u32) -> Found {
    let mut found = Found::default();
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if let Some(meta) = std::fs::metadata(&candidate).ok().filter(|m| m.is_file()) {
            let owner = meta.uid();
            if owner == uid || owner == 0 {
                found.path = Some(candidate);
                return found;
            }
            found.warnings.push(format!(
                "{} is owned by uid {owner}, not by you (uid {uid}) or root: ignored",
                candidate.display()
            ));
        }
        if std::fs::symlink_metadata(dir.join(".git")).is_ok() {
            break;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("repo/.git")).unwrap();
        std::fs::create_dir_all(dir.path().join("repo/deploy/apps")).unwrap();
        dir
    }

    fn me() -> u32 {
        // SAFETY: geteuid has no preconditions and cannot fail.
        unsafe { libc::geteuid() }
    }

    #[test]
    fn the_nearest_config_in_the_repository_is_found() {
        let dir = tree();
        let repo = dir.path().join("repo");
        std::fs::write(repo.join(FILE_NAME), "").unwrap();
        let found = search(&repo.join("deploy/apps"), me());
        assert_eq!(found.path, Some(repo.join(FILE_NAME)));
        assert!(found.warnings.is_empty());
    }

    #[test]
    fn the_search_stops_at_the_repository_root() {
        let dir = tree();
        std::fs::write(dir.path().join(FILE_NAME), "exclude: [\"**\"]\n").unwrap();
        assert_eq!(search(&dir.path().join("repo/deploy"), me()), Found::default());
        // A worktree or submodule marks its root with a .git file.
        std::fs::remove_dir(dir.path().join("repo/.git")).unwrap();
        std::fs::write(dir.path().join("repo/deploy/.git"), "gitdir: elsewhere\n").unwrap();
        assert_eq!(search(&dir.path().join("repo/deploy/apps"), me()), Found::default());
    }

    #[test]
    fn a_config_of_another_user_is_ignored_with_a_warning() {
        let dir = tree();
        let config = dir.path().join("repo").join(FILE_NAME);
        std::fs::write(&config, "").unwrap();
        // The file belongs to neither the searching user nor root: as root, give it away; as
        // anyone else, search as the next uid.
        let (owner, viewer) = if me() == 0 {
            std::os::unix::fs::chown(&config, Some(65534), Some(65534)).unwrap();
            (65534, 0)
        } else {
            (me(), me() + 1)
        };
        let found = search(&dir.path().join("repo/deploy"), viewer);
        assert_eq!(found.path, None);
        assert_eq!(
            found.warnings,
            [format!(
                "{} is owned by uid {owner}, not by you (uid {viewer}) or root: ignored",
                config.display()
            )]
        );
    }
}
