//! Command-line interface. Every subcommand returns the process exit code. The arguments and
//! printing of `convert` and `estimate` are in cli/convert.rs and cli/estimate.rs, `schemas`
//! in cli/schemas.rs.

pub mod convert;
pub mod estimate;
pub mod schemas;

use crate::config::Config;
use crate::finding::Severity;
use crate::lint;
use crate::parse::Limits;
use crate::report;
use crate::rules::{Selection, Target};
use crate::validate::{DEFAULT_KUBERNETES_VERSION, Validators};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage error, or some input could not be read or parsed (the rest was still checked),
     or no file checked with --fail-on-empty";

#[derive(Parser, Debug)]
#[command(
    name = "k2e",
    version,
    // `-V` on every subcommand too, as the man pages list it.
    propagate_version = true,
    about = "Lint Kubernetes manifests and Amazon ECS task definitions against real schemas, offline.",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Validate manifests and task definitions; report findings with file:line:column.
    #[command(after_help = EXIT_CODES)]
    Lint(LintArgs),
    /// Convert Kubernetes workloads to ECS task definitions and back, reporting what could not
    /// be carried over.
    Convert(convert::ConvertArgs),
    /// Estimate what workloads cost on Fargate and packed onto EC2, from the files alone.
    Estimate(estimate::EstimateArgs),
    /// Work with JSON schemas: `schemas export` writes those of CustomResourceDefinitions, in
    /// kubeconform's layout.
    Schemas(schemas::SchemasArgs),
    /// List every rule: id, default severity, category, name and summary.
    Rules,
    /// Show everything about one rule: why it exists, how to fix it, examples.
    Explain {
        /// A rule id, e.g. FG001.
        id: String,
    },
    /// Print a shell completion script: k2e completions bash > /etc/bash_completion.d/k2e
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print a man page (roff): k2e man > k2e.1, k2e man lint > k2e-lint.1
    Man {
        /// The subcommand whose page to print (default: k2e itself).
        subcommand: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Args, Debug)]
struct LintArgs {
    /// Files or directories (searched for *.yaml, *.yml, *.json, *.tf; .gitignore honoured). `-` reads stdin.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,

    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,

    /// Kubernetes version whose schemas are used (bundled: 1.30 to 1.37) [default: the
    /// config's, else 1.37].
    #[arg(long, value_name = "VERSION")]
    kubernetes_version: Option<String>,

    /// Platform to check for: auto (ECS task definitions by their requiresCompatibilities,
    /// Kubernetes pods by the config's Fargate profiles), ecs-fargate, ecs-ec2, eks-fargate,
    /// eks-ec2 [default: the config's, else auto].
    #[arg(long, value_enum)]
    target: Option<TargetArg>,

    /// Only report these rules (ids or prefixes, comma-separated or repeated: FG,K8S001);
    /// replaces the config's `select`.
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    select: Vec<String>,

    /// Do not report these rules (ids or prefixes); added to the config's `ignore`.
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    ignore: Vec<String>,

    /// Read this config file instead of the nearest .k2e.yaml in the working directory or above
    /// (up to the repository root; one owned by another user is passed over).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,

    /// Read no config file.
    #[arg(long)]
    no_config: bool,

    /// Extra schemas for custom resources, named {kind}-{group}-{version}.json (repeatable).
    #[arg(long = "schema-dir", value_name = "DIR")]
    schema_dirs: Vec<PathBuf>,

    /// CustomResourceDefinitions to validate custom resources against, besides those among the
    /// inputs: a file or a folder of YAML/JSON (repeatable; added to the config's `crds`).
    #[arg(long = "crd", value_name = "PATH")]
    crds: Vec<PathBuf>,

    /// Pod Security Standards level for pods whose namespace sets none with a
    /// pod-security.kubernetes.io/enforce label among the inputs: privileged, baseline or
    /// restricted, optionally with the Kubernetes version whose definition applies
    /// (restricted:v1.30) [default: the config's, else baseline].
    #[arg(long, value_name = "LEVEL[:VERSION]", value_parser = crate::rules::pss::Policy::parse)]
    pod_security: Option<crate::rules::pss::Policy>,

    /// Do not honour .gitignore and other ignore files when walking directories.
    #[arg(long)]
    no_ignore: bool,

    /// Follow symbolic links that lead outside the paths given (they are skipped by default;
    /// --verbose lists them). Links back to a folder above them are never followed.
    #[arg(long)]
    follow: bool,

    /// Exit 2 when no file is checked (none found, or all excluded by the config) [default:
    /// the config's fail-on-empty, else off].
    #[arg(long)]
    fail_on_empty: bool,

    /// Refuse files larger than this (bytes; K, M and G suffixes allowed).
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = crate::input::parse_size)]
    max_file_size: u64,

    /// Read character and block devices named on the command line (up to --max-file-size)
    /// instead of refusing them. FIFOs and process substitutions are always read.
    #[arg(long)]
    allow_special_files: bool,

    /// Stop reading a stream after this many documents.
    #[arg(long, value_name = "N", default_value_t = crate::parse::MAX_DOCUMENTS)]
    max_documents: usize,

    /// Also name the config in use and list the symbolic links not followed, the documents
    /// skipped because they are neither Kubernetes nor ECS, and suppressed findings.
    #[arg(short, long)]
    verbose: bool,

    /// When to colour the human output (auto: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,

    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    threads: Option<usize>,

    /// Also write a report to a file, as FORMAT=PATH (repeatable): --output sarif=k2e.sarif
    /// --output junit=k2e.xml. Each file is written whole or not at all, with the mode of the
    /// file it replaces or 0666 less the umask. PATH `-` is refused: standard output gets the
    /// --format report.
    #[arg(long = "output", value_name = "FORMAT=PATH", value_parser = parse_output)]
    outputs: Vec<(Format, PathBuf)>,
}

fn parse_output(s: &str) -> Result<(Format, PathBuf), String> {
    let (format, path) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: expected FORMAT=PATH, e.g. sarif=k2e.sarif"))?;
    let format = Format::from_str(format, true)
        .map_err(|_| format!("{format:?} is not a format; use human, json, sarif, junit, github or compact"))?;
    if path.is_empty() {
        return Err(format!("{s:?}: the path is empty"));
    }
    if path == "-" {
        return Err(format!(
            "{s:?}: standard output already gets the --format report; use --format {} instead",
            format
                .to_possible_value()
                .map_or_else(String::new, |v| v.get_name().to_owned())
        ));
    }
    Ok((format, PathBuf::from(path)))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Findings with source excerpts, for people.
    Human,
    /// One JSON object (documented in README).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// JUnit XML, one testsuite per file, for CI test reports.
    Junit,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// One line per finding: path:line:col: severity ID message.
    Compact,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum TargetArg {
    Auto,
    EcsFargate,
    EcsEc2,
    EksFargate,
    EksEc2,
}

impl From<TargetArg> for Target {
    fn from(t: TargetArg) -> Self {
        match t {
            TargetArg::Auto => Target::Auto,
            TargetArg::EcsFargate => Target::EcsFargate,
            TargetArg::EcsEc2 => Target::EcsEc2,
            TargetArg::EksFargate => Target::EksFargate,
            TargetArg::EksEc2 => Target::EksEc2,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

pub fn main() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Lint(args) => {
            start_threads(args.threads);
            lint_command(args)
        }
        Command::Convert(args) => {
            start_threads(None);
            convert::run(args)
        }
        Command::Estimate(args) => {
            start_threads(None);
            estimate::run(args)
        }
        Command::Schemas(args) => schemas::run(args),
        Command::Rules => print(&crate::rules::docs::table()),
        Command::Completions { shell } => {
            let shell = match shell {
                Shell::Bash => clap_complete::Shell::Bash,
                Shell::Zsh => clap_complete::Shell::Zsh,
                Shell::Fish => clap_complete::Shell::Fish,
            };
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "k2e", &mut text);
            print(&String::from_utf8_lossy(&text))
        }
        Command::Man { subcommand } => {
            let mut command = Cli::command();
            // Adds the `help` subcommand that k2e(1) lists, so `k2e man help` finds it.
            command.build();
            if let Some(name) = subcommand {
                let Some(sub) = command.find_subcommand(&name).cloned() else {
                    eprintln!("k2e: no subcommand {name}; `k2e --help` lists them");
                    return 2;
                };
                // The page is named k2e-NAME, as the main page's SUBCOMMANDS section refers to it.
                command = sub.name(format!("k2e-{name}")).version(env!("CARGO_PKG_VERSION"));
            }
            let mut text = Vec::new();
            match clap_mangen::Man::new(command).render(&mut text) {
                Ok(()) => print(&String::from_utf8_lossy(&text)),
                Err(e) => {
                    eprintln!("k2e: cannot render the man page: {e}");
                    2
                }
            }
        }
        Command::Explain { id } => match crate::rules::get(&id.to_ascii_uppercase()) {
            Some(rule) => print(&crate::rules::docs::explain(rule)),
            None => {
                eprintln!("k2e: no rule {id}; `k2e rules` lists them");
                2
            }
        },
    }
}

/// Starts the worker threads; when the system refuses them, says so (the work runs on this thread).
fn start_threads(requested: Option<usize>) {
    for warning in crate::threads::start(requested) {
        eprintln!("k2e: {warning}");
    }
}

/// `k2e: 1200/5000 files` on one stderr line, rewritten in place and erased at the end.
fn show_progress(done: &std::sync::atomic::AtomicUsize, finished: &std::sync::atomic::AtomicBool, total: usize) {
    use std::io::Write;
    let mut stderr = std::io::stderr();
    while !finished.load(std::sync::atomic::Ordering::Relaxed) {
        let _ = write!(
            stderr,
            "\rk2e: {}/{total} files",
            done.load(std::sync::atomic::Ordering::Relaxed)
        );
        let _ = stderr.flush();
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let _ = write!(stderr, "\r\x1b[K");
}

fn print(text: &str) -> i32 {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("k2e: cannot write output: {e}");
            2
        }
        _ => 0,
    }
}

fn lint_command(args: LintArgs) -> i32 {
    for id in args.select.iter().chain(&args.ignore) {
        if !crate::rules::all().iter().any(|r| r.id.starts_with(id.as_str())) {
            eprintln!("k2e: --select/--ignore {id}: no rule id starts with it; `k2e rules` lists them");
            return 2;
        }
    }
    let config_path = match (&args.config, args.no_config) {
        (Some(path), _) => Some(path.clone()),
        (None, true) => None,
        (None, false) => std::env::current_dir().ok().and_then(|dir| {
            let found = crate::config::find(&dir);
            for warning in &found.warnings {
                eprintln!("k2e: warning: {warning}");
            }
            found.path
        }),
    };
    let config = match config_path.map(|p| Config::load(&p)).transpose() {
        Ok(config) => config.unwrap_or_default(),
        Err(e) => {
            eprintln!("k2e: bad config:\n{e}");
            return 2;
        }
    };
    let version = args
        .kubernetes_version
        .clone()
        .or_else(|| config.kubernetes_version.clone())
        .unwrap_or_else(|| DEFAULT_KUBERNETES_VERSION.to_owned());
    let validators = match Validators::new(&version, args.schema_dirs.clone()) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("k2e: {e}");
            return 2;
        }
    };
    for dir in &args.schema_dirs {
        if !dir.is_dir() {
            eprintln!("k2e: --schema-dir {}: not a directory", dir.display());
            return 2;
        }
    }
    let crds: Vec<PathBuf> = args.crds.iter().cloned().chain(config.crd_paths()).collect();
    for path in &crds {
        if !path.exists() {
            let from = if args.crds.contains(path) {
                "--crd".to_owned()
            } else {
                format!("crds in {}", config.file.as_deref().unwrap_or(crate::config::FILE_NAME))
            };
            eprintln!("k2e: {from} {}: no such file or folder", path.display());
            return 2;
        }
    }
    let pod_security = args.pod_security.or(config.pod_security).unwrap_or_default();
    // An id named with --select is reported even when the config ignores it (or a prefix of
    // it): the command line wins.
    let ignore = config
        .ignore
        .iter()
        .filter(|i| !args.select.iter().any(|s| s.starts_with(i.as_str())))
        .cloned()
        .chain(args.ignore.iter().cloned())
        .collect();
    let selection = Selection {
        select: if args.select.is_empty() {
            config.select.clone()
        } else {
            args.select.clone()
        },
        ignore,
    };
    // Which setting asks for an empty run to fail, to name it when one does.
    let fail_on_empty = if args.fail_on_empty {
        Some("--fail-on-empty".to_owned())
    } else {
        let file = config.file.as_deref().unwrap_or(crate::config::FILE_NAME);
        config.fail_on_empty.then(|| format!("fail-on-empty in {file}"))
    };
    let opts = lint::Options {
        paths: args.paths,
        no_ignore: args.no_ignore,
        follow: args.follow,
        max_file_size: args.max_file_size,
        allow_special_files: args.allow_special_files,
        max_documents: args.max_documents,
        limits: Limits::default(),
        snippets: args.format == Format::Human || args.outputs.iter().any(|(f, _)| *f == Format::Human),
        record_checked: false,
        target: args.target.map(Target::from).or(config.target).unwrap_or_default(),
        selection,
        today: crate::rules::suppress::today(),
        progress: (std::io::stderr().is_terminal() && std::env::var_os("CI").is_none())
            .then_some(show_progress as lint::Progress),
        config,
        crds,
        pod_security,
    };
    let outcome = lint::run(&opts, &validators);
    let fail_on = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    let meta = report::Meta {
        kubernetes_version: validators.kubernetes_version(),
        base: std::env::current_dir().unwrap_or_default(),
    };
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let render = |format: Format, color: bool, out: &mut dyn Write| match format {
        Format::Json => report::json::write(&outcome, meta.kubernetes_version, out),
        Format::Sarif => report::sarif::write(&outcome, &meta, out),
        Format::Junit => report::junit::write(&outcome, &meta, out),
        Format::Github => report::github::write(&outcome, &meta, out),
        Format::Compact => report::compact::write(&outcome, &meta, out),
        Format::Human => {
            let style = report::human::Style {
                color,
                verbose: args.verbose,
            };
            report::human::write(&outcome, &style, out)
        }
    };
    let mut failed = false;
    for (format, path) in &args.outputs {
        if let Err(e) = write_atomically(path, |out| render(*format, false, out)) {
            eprintln!("k2e: cannot write {}: {e}", path.display());
            failed = true;
        }
    }
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    if let Err(e) = render(args.format, color, &mut stdout).and_then(|()| stdout.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("k2e: cannot write output: {e}");
            return 2;
        }
    }
    if failed {
        return 2;
    }
    if let (Some(why), Some(setting)) = (report::empty_run(&outcome), &fail_on_empty) {
        eprintln!("k2e: no files checked: {why}; exit 2 ({setting})");
        return 2;
    }
    let code = report::exit_code(&outcome, fail_on);
    // Freeing compiled schemas and findings one by one costs more than the rest of a small run;
    // the process is about to end, so leave that to the OS.
    std::mem::forget(outcome);
    std::mem::forget(validators);
    code
}

/// Writes a report next to its destination and renames it into place, so a reader never sees
/// half a file and a failed run leaves the previous report intact.
fn write_atomically(
    path: &std::path::Path,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => std::path::Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut file = crate::convert::temp_file_beside(dir, path)?;
    {
        let mut out = std::io::BufWriter::new(file.as_file_mut());
        render(&mut out)?;
        out.flush()?;
    }
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
