//! Putting outputs where they belong without harming what is there: `-o DIR` never replaces an
//! existing file unless --force, each file is written to a temporary file in the same folder
//! and renamed into place (whole or untouched), and --dry-run writes nothing.

use super::outcome::{Output, Role};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// What happened to each output, for the caller to print.
#[derive(Debug, Default)]
pub struct Delivery {
    /// Lines for stdout in a dry run, or for stderr after writing ("wrote out/x.json").
    pub lines: Vec<String>,
    /// Outputs that could not be written, with why (`refused: FILE: why` for those not even
    /// tried).
    pub errors: Vec<String>,
    /// The files (as `Output::file`) written, or in a dry run that would be.
    pub written: Vec<String>,
}

/// Prints every output to `stdout`: JSON documents one after the other, YAML streams joined
/// with `---`. The checklist is not printed: it is Markdown, and the report shows it.
pub fn to_stdout(outputs: &[Output], stdout: &mut dyn Write) -> std::io::Result<()> {
    let mut yaml_started = false;
    for o in outputs.iter().filter(|o| o.role != Role::Checklist) {
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

/// Writes (or, in a dry run, plans) every output into `dir`, all the files of one input object
/// or none of them (a service without its task definition cannot be applied): a file that
/// exists (without `force`) or is in `refused` (file -> why) refuses its object's files, and
/// when one cannot be written, the object's others are not put in place either.
pub fn to_dir(
    outputs: &[Output],
    dir: &Path,
    force: bool,
    dry_run: bool,
    refused: &BTreeMap<String, String>,
) -> Delivery {
    let mut d = Delivery::default();
    if !dry_run && !outputs.is_empty() {
        if let Err(e) = std::fs::create_dir_all(dir) {
            d.errors.push(format!("cannot create {}: {e}", dir.display()));
            return d;
        }
    }
    for group in groups(outputs) {
        let why = group.iter().find_map(|o| refusal(o, dir, force, refused));
        match (why, dry_run) {
            (Some((file, why)), _) => {
                let listed = !dry_run && refused.contains_key(&file);
                refuse(&mut d, dir, &group, &file, &why, dry_run, listed);
            }
            (None, true) => {
                for o in &group {
                    let path = dir.join(&o.file);
                    let verb = if std::fs::symlink_metadata(&path).is_ok() {
                        "overwrite"
                    } else {
                        "write"
                    };
                    d.lines
                        .push(format!("would {verb} {} ({} bytes)", path.display(), o.text.len()));
                    d.written.push(o.file.clone());
                }
            }
            (None, false) => write_group(&mut d, dir, &group, force),
        }
    }
    d
}

/// The outputs of each input object, in the order they come; outputs of no object (the
/// checklist, a template of the whole set) each on their own.
fn groups(outputs: &[Output]) -> Vec<Vec<&Output>> {
    let mut groups: Vec<Vec<&Output>> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for o in outputs {
        match index.get(o.object.as_str()) {
            Some(&i) if !o.object.is_empty() => groups[i].push(o),
            _ => {
                index.insert(&o.object, groups.len());
                groups.push(vec![o]);
            }
        }
    }
    groups
}

/// Why `o` may not be written: (its file, the reason).
fn refusal(o: &Output, dir: &Path, force: bool, refused: &BTreeMap<String, String>) -> Option<(String, String)> {
    if let Some(why) = refused.get(&o.file) {
        return Some((o.file.clone(), why.clone()));
    }
    let exists = std::fs::symlink_metadata(dir.join(&o.file)).is_ok();
    (exists && !force).then(|| (o.file.clone(), "it exists; not overwritten (use --force)".to_owned()))
}

/// Lines (dry run) or errors for the files of a refused group; `listed`: the refused file is
/// reported elsewhere (the check's refusals), so only the others are errors here.
fn refuse(d: &mut Delivery, dir: &Path, group: &[&Output], file: &str, why: &str, dry_run: bool, listed: bool) {
    let verb = if dry_run { "would not write" } else { "refused:" };
    for o in group.iter().filter(|o| !(listed && o.file == file)) {
        let shown = dir.join(&o.file).display().to_string();
        let line = if o.file == file {
            format!("{verb} {shown}: {why}")
        } else {
            format!(
                "{verb} {shown}: {} is refused, and the files of {} are written together or not at all",
                dir.join(file).display(),
                o.object
            )
        };
        if dry_run {
            d.lines.push(line);
        } else {
            d.errors.push(line);
        }
    }
}

/// Every file of the group to a temporary file first, then renamed into place: a failure
/// before the renames leaves the folder untouched; a failed rename removes the files of the
/// group already put in place (those that were new).
fn write_group(d: &mut Delivery, dir: &Path, group: &[&Output], force: bool) {
    let mut staged = Vec::new();
    for o in group {
        let path = dir.join(&o.file);
        match stage(dir, &path, o.text.as_bytes()) {
            Ok(file) => staged.push((file, path, o, std::fs::symlink_metadata(dir.join(&o.file)).is_ok())),
            Err(e) => {
                d.errors.push(format!("cannot write {}: {e}", path.display()));
                not_written(d, dir, group, &o.file);
                return;
            }
        }
    }
    let mut placed: Vec<(std::path::PathBuf, bool, &str)> = Vec::new();
    for (file, path, o, existed) in staged {
        let result = if force {
            file.persist(&path).map(drop).map_err(|e| e.error)
        } else {
            file.persist_noclobber(&path).map(drop).map_err(|e| e.error)
        };
        if let Err(e) = result {
            d.errors.push(format!("cannot write {}: {e}", path.display()));
            for (done, existed, _) in &placed {
                if !existed {
                    let _ = std::fs::remove_file(done);
                }
            }
            not_written(d, dir, group, &o.file);
            return;
        }
        placed.push((path, existed, &o.file));
    }
    for (path, _, file) in placed {
        d.lines.push(format!("wrote {}", path.display()));
        d.written.push(file.to_owned());
    }
}

fn not_written(d: &mut Delivery, dir: &Path, group: &[&Output], failed: &str) {
    for o in group.iter().filter(|o| o.file != failed) {
        d.errors.push(format!(
            "refused: {}: {} could not be written, and the files of {} are written together or not at all",
            dir.join(&o.file).display(),
            dir.join(failed).display(),
            o.object
        ));
    }
}

/// A temporary file beside the destination, holding `bytes`, synced.
fn stage(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let mut file = temp_file_beside(dir, path)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    Ok(file)
}

/// A temporary file beside the destination, renamed over it. Without `force` the rename
/// refuses to replace a file that appeared meanwhile. The temporary file is removed on failure.
pub fn write_atomically(dir: &Path, path: &Path, bytes: &[u8], force: bool) -> std::io::Result<()> {
    let file = stage(dir, path, bytes)?;
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
        of("Deployment/x", file, text)
    }

    fn of(object: &str, file: &str, text: &str) -> Output {
        Output {
            file: file.into(),
            text: text.into(),
            role: Role::TaskDefinition,
            object: object.into(),
        }
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn no_overwrite_without_force_and_no_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.json"), "old").unwrap();
        let outs = [of("Deployment/a", "a.json", "new"), of("Deployment/b", "b.json", "b")];
        let d = to_dir(&outs, dir.path(), false, false, &BTreeMap::new());
        assert_eq!(d.errors.len(), 1, "{d:?}");
        assert!(d.errors[0].starts_with("refused: "), "{d:?}");
        assert_eq!(std::fs::read_to_string(dir.path().join("a.json")).unwrap(), "old");
        assert_eq!(std::fs::read_to_string(dir.path().join("b.json")).unwrap(), "b");
        let d = to_dir(&outs, dir.path(), true, false, &BTreeMap::new());
        assert!(d.errors.is_empty());
        assert_eq!(std::fs::read_to_string(dir.path().join("a.json")).unwrap(), "new");
        assert_eq!(files(dir.path()), ["a.json", "b.json"], "no temporary files left");
    }

    /// The files of one object are written together or not at all: a service without its task
    /// definition cannot be applied.
    #[test]
    fn one_refused_file_refuses_its_objects_others() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("web.task-definition.json"), "old").unwrap();
        let outs = [
            output("web.task-definition.json", "new"),
            output("web.service.json", "s"),
            of("Deployment/api", "api.task-definition.json", "a"),
        ];
        let d = to_dir(&outs, dir.path(), false, false, &BTreeMap::new());
        assert_eq!(d.errors.len(), 2, "{d:?}");
        assert_eq!(d.written, ["api.task-definition.json"]);
        assert_eq!(
            files(dir.path()),
            ["api.task-definition.json", "web.task-definition.json"]
        );
        let lint = BTreeMap::from([("api.task-definition.json".to_owned(), "ECS010".to_owned())]);
        let d = to_dir(&outs[2..], dir.path(), true, false, &lint);
        assert!(
            d.errors.is_empty(),
            "the check's refusals are reported by the check: {d:?}"
        );
        assert!(d.written.is_empty());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("api.task-definition.json")).unwrap(),
            "a"
        );
    }

    /// A file that cannot be written (here: its name is a folder) leaves none of its object's.
    #[test]
    fn a_failed_write_removes_the_objects_files_written_before_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("web.service.json")).unwrap();
        let outs = [output("web.task-definition.json", "t"), output("web.service.json", "s")];
        let d = to_dir(&outs, dir.path(), true, false, &BTreeMap::new());
        assert_eq!(d.errors.len(), 2, "{d:?}");
        assert!(d.written.is_empty(), "{d:?}");
        assert_eq!(files(dir.path()), ["web.service.json"]);
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
        let d = to_dir(&[output("a.json", "x")], &target, false, true, &BTreeMap::new());
        assert!(d.lines[0].starts_with("would write"));
        assert!(!target.exists());
    }
}
