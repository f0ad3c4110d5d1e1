//! Putting outputs where they belong without harming what is there: `-o DIR` never replaces an
//! existing file unless --force, each file is written to a temporary file in the same folder
//! and renamed into place (whole or untouched), and --dry-run writes nothing.

use super::outcome::{Output, Role};
use std::io::Write;
use std::path::Path;

/// What happened to each output, for the caller to print.
#[derive(Debug, Default)]
pub struct Delivery {
    /// Lines for stdout in a dry run, or for stderr after writing ("wrote out/x.json").
    pub lines: Vec<String>,
    /// Outputs that could not be written, with why.
    pub errors: Vec<String>,
}

/// Prints every output to `stdout`: JSON documents one after the other, YAML streams joined
/// with `---`.
pub fn to_stdout(outputs: &[Output], stdout: &mut dyn Write) -> std::io::Result<()> {
    let mut yaml_started = false;
    for o in outputs {
        if o.role == Role::Kubernetes {
            if yaml_started {
                stdout.write_all(b"---\n")?;
            }
            yaml_started = true;
        }
        stdout.write_all(o.text.as_bytes())?;
    }
    stdout.flush()
}

/// Writes (or, in a dry run, plans) every output into `dir`.
pub fn to_dir(outputs: &[Output], dir: &Path, force: bool, dry_run: bool) -> Delivery {
    let mut d = Delivery::default();
    if !dry_run && !outputs.is_empty() {
        if let Err(e) = std::fs::create_dir_all(dir) {
            d.errors.push(format!("cannot create {}: {e}", dir.display()));
            return d;
        }
    }
    for o in outputs {
        let path = dir.join(&o.file);
        let shown = path.display().to_string();
        let exists = std::fs::symlink_metadata(&path).is_ok();
        if dry_run {
            d.lines.push(match (exists, force) {
                (false, _) => format!("would write {shown} ({} bytes)", o.text.len()),
                (true, true) => format!("would overwrite {shown} ({} bytes)", o.text.len()),
                (true, false) => format!("would not write {shown}: it exists (--force overwrites it)"),
            });
            continue;
        }
        if exists && !force {
            d.errors.push(format!("{shown} exists; not overwritten (use --force)"));
            continue;
        }
        match write_atomically(dir, &path, o.text.as_bytes(), force) {
            Ok(()) => d.lines.push(format!("wrote {shown}")),
            Err(e) => d.errors.push(format!("cannot write {shown}: {e}")),
        }
    }
    d
}

/// A temporary file beside the destination, renamed over it. Without `force` the rename
/// refuses to replace a file that appeared meanwhile. The temporary file is removed on failure.
pub fn write_atomically(dir: &Path, path: &Path, bytes: &[u8], force: bool) -> std::io::Result<()> {
    let mut file = temp_file_beside(dir, path)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    if force {
        file.persist(path).map_err(|e| e.error)?;
    } else {
        file.persist_noclobber(path).map_err(|e| e.error)?;
    }
    Ok(())
}

/// The temporary file that will be renamed to `path`, with the mode `path` should end up with:
/// that of the file it replaces, else what any new file gets (0666 less the umask). tempfile's
/// own 0600 would make reports and task definitions unreadable to the rest of a CI job.
pub fn temp_file_beside(dir: &Path, path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let replaced = std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.permissions());
    let mut builder = tempfile::Builder::new();
    builder.prefix(".k2e-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Passed to open(2), which applies the umask.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let file = builder.tempfile_in(dir)?;
    if let Some(mode) = replaced {
        file.as_file().set_permissions(mode)?;
    }
    Ok(file)
}

/// Writes the JSON report, creating its folder; whole or untouched, like the outputs.
pub fn report_file(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    write_atomically(dir, path, text.as_bytes(), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(file: &str, text: &str) -> Output {
        Output {
            file: file.into(),
            text: text.into(),
            role: Role::TaskDefinition,
            object: "Deployment/x".into(),
        }
    }

    #[test]
    fn no_overwrite_without_force_and_no_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.json"), "old").unwrap();
        let outs = [output("a.json", "new"), output("b.json", "b")];
        let d = to_dir(&outs, dir.path(), false, false);
        assert_eq!(d.errors.len(), 1, "{d:?}");
        assert_eq!(std::fs::read_to_string(dir.path().join("a.json")).unwrap(), "old");
        assert_eq!(std::fs::read_to_string(dir.path().join("b.json")).unwrap(), "b");
        let d = to_dir(&outs, dir.path(), true, false);
        assert!(d.errors.is_empty());
        assert_eq!(std::fs::read_to_string(dir.path().join("a.json")).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "no temporary files left: {names:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(dir.path(), &path, b"new", true).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[test]
    fn dry_run_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("new");
        let d = to_dir(&[output("a.json", "x")], &target, false, true);
        assert!(d.lines[0].starts_with("would write"));
        assert!(!target.exists());
    }
}
