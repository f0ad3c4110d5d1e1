//! `k2e schemas export`: the JSON schemas of CustomResourceDefinitions, written in the layouts
//! kubeconform reads, so one set of files serves `kubeconform -schema-location` and
//! `k2e lint --schema-dir`.
//!
//! kubeconform fills `{{.Group}}` with the full group, `{{.ResourceKind}}` with the kind in
//! lower case and `{{.ResourceAPIVersion}}` with the version. The default layout is the
//! CRDs-catalog one (`DIR/{group}/{kind}_{version}.json`); `--flat` writes openapi2jsonschema's
//! default names (`DIR/{kind}_{version}.json`).

use crate::validate::{DEFAULT_KUBERNETES_VERSION, Validators, crd::Exported};
use clap::{Args, Subcommand};
use std::path::{Component, Path, PathBuf};

const EXIT_CODES: &str = "\
Exit codes:
  0  every schema written
  2  usage error, a CRD that is invalid or could not be read, or a file that exists (without
     --force) or could not be written (the other schemas were still written)";

#[derive(Args, Debug)]
pub struct SchemasArgs {
    #[command(subcommand)]
    command: SchemasCommand,
}

#[derive(Subcommand, Debug)]
enum SchemasCommand {
    /// Write one JSON schema per CRD kind and served version, for kubeconform and --schema-dir.
    #[command(after_help = EXIT_CODES)]
    Export(ExportArgs),
}

#[derive(Args, Debug)]
struct ExportArgs {
    /// Files or folders holding CustomResourceDefinitions (YAML or JSON).
    #[arg(required = true, value_name = "CRD_PATH")]
    paths: Vec<PathBuf>,

    /// Folder to write the schemas to (created if missing).
    #[arg(short, long = "output", value_name = "DIR")]
    output: PathBuf,

    /// Write DIR/{kind}_{version}.json instead of DIR/{group}/{kind}_{version}.json (kind in
    /// lower case, as kubeconform's {{.ResourceKind}}).
    #[arg(long)]
    flat: bool,

    /// Replace schema files that exist already.
    #[arg(long)]
    force: bool,

    /// Kubernetes version whose ObjectMeta validates `metadata` (bundled: 1.30 to 1.37).
    #[arg(long, value_name = "VERSION", default_value = DEFAULT_KUBERNETES_VERSION)]
    kubernetes_version: String,
}

pub fn run(args: SchemasArgs) -> i32 {
    let SchemasCommand::Export(args) = args.command;
    export(&args)
}

/// The file a schema goes to, relative to the output folder. The names come from the input:
/// a CRD whose group, kind or version is not what the API server accepts is refused (K8S008)
/// before it gets here; this checks again that every component is a plain name, so that no
/// input can reach outside the output folder. None when one is not.
fn relative(s: &Exported, flat: bool) -> Option<PathBuf> {
    let name = format!("{}_{}.json", s.kind.to_lowercase(), s.version.to_lowercase());
    let plain = |part: &str| {
        let mut components = Path::new(part).components();
        matches!(components.next(), Some(Component::Normal(_)))
            && components.next().is_none()
            && !part.contains(['/', '\\'])
    };
    if !plain(&name) || (!flat && !plain(&s.group)) {
        return None;
    }
    Some(if flat {
        PathBuf::from(name)
    } else {
        Path::new(&s.group).join(name)
    })
}

fn export(args: &ExportArgs) -> i32 {
    let validators = match Validators::new(&args.kubernetes_version, Vec::new()) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("k2e: {e}");
            return 2;
        }
    };
    for path in &args.paths {
        if !path.exists() {
            eprintln!("k2e: {}: no such file or folder", path.display());
            return 2;
        }
    }
    let bounds = crate::input::Options {
        limit: 64 << 20,
        allow_special_files: false,
    };
    let found = crate::lint::crd_paths(&args.paths, &bounds, &crate::parse::Limits::default(), &validators);
    let mut failed = !found.problems.is_empty();
    for f in &found.problems {
        match f.start.line {
            0 => eprintln!("{}: error {} {}", f.file, f.rule, f.message),
            line => eprintln!("{}:{line}:{}: error {} {}", f.file, f.start.column, f.rule, f.message),
        }
    }
    let files = found.crd_files;
    let schemas = match validators.export_schemas(found.crds) {
        Ok(schemas) => schemas,
        Err(e) => {
            eprintln!("k2e: bundled schemas: {e}");
            return 2;
        }
    };
    let mut written: Vec<(PathBuf, &Exported)> = Vec::new();
    for s in &schemas {
        let Some(rel) = relative(s, args.flat) else {
            eprintln!(
                "k2e: {}: not written for {} {}/{}: the group, kind or version is not a plain file name",
                s.source, s.kind, s.group, s.version
            );
            failed = true;
            continue;
        };
        if let Some((_, first)) = written.iter().find(|(p, _)| *p == rel) {
            eprintln!(
                "k2e: {}: not written for {} {}/{} ({}): {} {}/{} ({}) has the same name{}",
                rel.display(),
                s.kind,
                s.group,
                s.version,
                s.source,
                first.kind,
                first.group,
                first.version,
                first.source,
                if args.flat { "; leave out --flat" } else { "" }
            );
            failed = true;
            continue;
        }
        let path = args.output.join(&rel);
        match write_schema(&path, &s.schema, args.force) {
            Ok(()) => {
                println!(
                    "wrote {} ({} {}/{} from {})",
                    path.display(),
                    s.kind,
                    s.group,
                    s.version,
                    s.source
                );
                written.push((rel, s));
            }
            Err(e) => {
                eprintln!("k2e: {}: {e}", path.display());
                failed = true;
            }
        }
    }
    println!(
        "k2e: {} schema{} written from {} file{}",
        written.len(),
        if written.len() == 1 { "" } else { "s" },
        files,
        if files == 1 { "" } else { "s" }
    );
    if !written.is_empty() {
        let dir = args.output.display();
        let template = if args.flat {
            format!("{dir}/{{{{.ResourceKind}}}}_{{{{.ResourceAPIVersion}}}}.json")
        } else {
            format!("{dir}/{{{{.Group}}}}/{{{{.ResourceKind}}}}_{{{{.ResourceAPIVersion}}}}.json")
        };
        println!("kubeconform: kubeconform -schema-location default -schema-location '{template}' ...");
        println!("k2e:         k2e lint --schema-dir {dir} ...");
    }
    if failed { 2 } else { 0 }
}

/// Writes `schema` to `path` whole or not at all (the crate's atomic writer: a temporary file
/// beside it, synced, renamed into place); an existing file is replaced only with `force` (the
/// rename refuses otherwise, so a file created meanwhile is not lost either).
fn write_schema(path: &Path, schema: &serde_json::Value, force: bool) -> std::io::Result<()> {
    if !force && path.exists() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "exists already; pass --force to replace it",
        ));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut bytes = serde_json::to_vec_pretty(schema)?;
    bytes.push(b'\n');
    crate::convert::write_atomically(dir, path, &bytes, force)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubeconform_names() {
        let s = Exported {
            group: "cert-manager.io".into(),
            kind: "ClusterIssuer".into(),
            version: "v1".into(),
            source: "crds.yaml:1".into(),
            schema: serde_json::json!({}),
        };
        assert_eq!(
            relative(&s, false).as_deref(),
            Some(Path::new("cert-manager.io/clusterissuer_v1.json"))
        );
        assert_eq!(relative(&s, true).as_deref(), Some(Path::new("clusterissuer_v1.json")));
        for (group, kind, version) in [
            ("/etc", "A", "v1"),
            ("..", "A", "v1"),
            ("a/b", "A", "v1"),
            ("a.io", "../A", "v1"),
            ("a.io", "A", "v1/../../x"),
            ("a.io", "A", "v1\\x"),
        ] {
            let s = Exported {
                group: group.into(),
                kind: kind.into(),
                version: version.into(),
                ..s.clone()
            };
            assert_eq!(relative(&s, false), None, "{group} {kind} {version}");
        }
    }

    #[test]
    fn an_existing_file_is_kept_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b.json");
        write_schema(&path, &serde_json::json!({"v": 1}), false).unwrap();
        let err = write_schema(&path, &serde_json::json!({"v": 2}), false).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert!(std::fs::read_to_string(&path).unwrap().contains("\"v\": 1"));
        write_schema(&path, &serde_json::json!({"v": 2}), true).unwrap();
        assert!(std::fs::read_to_string(&path).unwrap().contains("\"v\": 2"));
        let leftovers = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }
}
