//! Command-line interface. Every subcommand returns the process exit code.

use crate::config::Config;
use crate::finding::Severity;
use crate::lint;
use crate::parse::Limits;
use crate::report;
use crate::rules::{Selection, Target};
use crate::validate::{DEFAULT_KUBERNETES_VERSION, Validators};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage error, or some input could not be read or parsed (the rest was still checked)";

#[derive(Parser, Debug)]
#[command(
    name = "k2e",
    version,
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
    /// List every rule: id, default severity, category, name and summary.
    Rules,
    /// Show everything about one rule: why it exists, how to fix it, examples.
    Explain {
        /// A rule id, e.g. FG001.
        id: String,
    },
}

#[derive(Args, Debug)]
struct LintArgs {
    /// Files or directories (searched for *.yaml, *.yml, *.json; .gitignore honoured). `-` reads stdin.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,

    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,

    /// Kubernetes version whose schemas are used (bundled: 1.34, 1.35, 1.36, 1.37) [default: the
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

    /// Read this config file instead of the nearest .k2e.yaml in the working directory or above.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,

    /// Read no config file.
    #[arg(long)]
    no_config: bool,

    /// Extra schemas for custom resources, named {kind}-{group}-{version}.json (repeatable).
    #[arg(long = "schema-dir", value_name = "DIR")]
    schema_dirs: Vec<PathBuf>,

    /// Do not honour .gitignore and other ignore files when walking directories.
    #[arg(long)]
    no_ignore: bool,

    /// Refuse files larger than this (bytes; K, M and G suffixes allowed).
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = parse_size)]
    max_file_size: u64,

    /// Stop reading a stream after this many documents.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    max_documents: usize,

    /// Also list the documents that were skipped because they are neither Kubernetes nor ECS.
    #[arg(short, long)]
    verbose: bool,

    /// When to colour the human output (auto: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,

    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    threads: Option<usize>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Human,
    Json,
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

/// Sizes as the command line takes them: bytes, or K, M, G (powers of 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (digits, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&s[..i], s[i..].trim_end_matches(['i', 'B', 'b'])),
        None => (s, ""),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("not a size: {s:?} (examples: 500000, 64M, 1G)"))?;
    let factor: u64 = match unit.to_ascii_uppercase().as_str() {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        _ => return Err(format!("unknown size unit in {s:?}; use K, M or G")),
    };
    n.checked_mul(factor).ok_or_else(|| format!("size too large: {s:?}"))
}

pub fn main() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Lint(args) => lint_command(args),
        Command::Rules => print(&crate::rules::docs::table()),
        Command::Explain { id } => match crate::rules::get(&id.to_ascii_uppercase()) {
            Some(rule) => print(&crate::rules::docs::explain(rule)),
            None => {
                eprintln!("k2e: no rule {id}; `k2e rules` lists them");
                2
            }
        },
    }
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
    if let Some(n) = args.threads {
        // Only fails if a pool already exists, which cannot happen this early.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global();
    }
    let config_path = match (&args.config, args.no_config) {
        (Some(path), _) => Some(path.clone()),
        (None, true) => None,
        (None, false) => std::env::current_dir().ok().and_then(|dir| crate::config::find(&dir)),
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
    let opts = lint::Options {
        paths: args.paths,
        no_ignore: args.no_ignore,
        max_file_size: args.max_file_size,
        max_documents: args.max_documents,
        limits: Limits::default(),
        snippets: matches!(args.format, Format::Human),
        record_checked: false,
        target: args.target.map(Target::from).or(config.target).unwrap_or_default(),
        selection: Selection {
            select: if args.select.is_empty() {
                config.select.clone()
            } else {
                args.select
            },
            ignore: config.ignore.iter().cloned().chain(args.ignore).collect(),
        },
        today: crate::rules::suppress::today(),
        config,
    };
    let outcome = lint::run(&opts, &validators);
    let fail_on = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = match args.format {
        Format::Json => report::json::write(&outcome, validators.kubernetes_version(), &mut stdout),
        Format::Human => {
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            let style = report::human::Style {
                color,
                verbose: args.verbose,
            };
            report::human::write(&outcome, &style, &mut stdout)
        }
    };
    if let Err(e) = written.and_then(|()| stdout.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("k2e: cannot write output: {e}");
            return 2;
        }
    }
    let code = report::exit_code(&outcome, fail_on);
    // Freeing compiled schemas and findings one by one costs more than the rest of a small run;
    // the process is about to end, so leave that to the OS.
    std::mem::forget(outcome);
    std::mem::forget(validators);
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("500"), Ok(500));
        assert!(parse_size("12X").is_err());
    }

    #[test]
    fn cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
