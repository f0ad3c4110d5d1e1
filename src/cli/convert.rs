//! `k2e convert`'s command line: its arguments, and the printing of what `convert::run` did.

use crate::convert::outcome::{Output, Role};
use crate::convert::{
    self, Check, DEFAULT_CONFIG_MAP_ARN, DEFAULT_EXECUTION_ROLE_ARN, DEFAULT_LOG_GROUP, DEFAULT_PULL_SECRET_ARN,
    DEFAULT_SECRET_ARN, DEFAULT_TARGET_GROUP_ARN, DEFAULT_TASK_ROLE_ARN, Destination, EfsMapping, Emit, Kind,
    LaunchType, Options, ProbeTool, RunOptions, To, loss_render,
};
use crate::finding::Severity;
use crate::lint;
use crate::rules::Target;
use crate::validate::{DEFAULT_KUBERNETES_VERSION, Validators};
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

const EXIT_CODES: &str = "\
Exit codes:
  0  every object converted, nothing dropped (approximations are listed on stderr)
  1  converted, but some fields were dropped: read the report before deploying
  1  also: an output k2e lint finds errors in was written because of --force
  2  usage error, an input that could not be read, parsed or converted, nothing to convert, an
     output k2e lint finds errors in (not written without --force), or an output that could not
     be written (the other inputs were still converted; an object's files are written together
     or not at all)";

/// Convert Kubernetes workloads to ECS task definitions (and services), or ECS task definitions
/// to Kubernetes workloads, reporting every field that could not be carried over exactly.
/// (Text options are `Box<str>`: the struct sits in the CLI's command enum beside the others.)
#[derive(Args, Debug)]
#[command(after_help = EXIT_CODES)]
pub struct ConvertArgs {
    /// Files or directories (*.yaml, *.yml, *.json, *.tf; .gitignore honoured); `-` reads stdin.
    /// Services, ConfigMaps, Secrets, ServiceAccounts (and ECS services) among them resolve
    /// references.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// What to convert to: ecs (task definitions from Kubernetes workloads) or k8s (workloads
    /// from ECS task definitions).
    #[arg(long, value_enum)]
    pub to: ToArg,

    /// ECS launch type the task definitions and services are written for.
    #[arg(long, value_enum, default_value_t = LaunchTypeArg::Fargate)]
    pub launch_type: LaunchTypeArg,

    /// Kubernetes kind to write (--to k8s) [default: DaemonSet for an ECS service with
    /// schedulingStrategy DAEMON, else Deployment].
    #[arg(long, value_enum, ignore_case = true)]
    pub kind: Option<KindArg>,

    /// Where to write: a directory (created if missing) or `-` for stdout.
    #[arg(short = 'o', long = "output", value_name = "DIR|-", default_value = "-")]
    pub output: PathBuf,

    /// Overwrite files that already exist in the output directory, and write (or print) outputs
    /// k2e lint finds errors in, the findings in the report.
    #[arg(long)]
    pub force: bool,

    /// Print the files that would be written (and whether each exists), write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Also write the loss report as JSON to FILE (documented in docs/convert.md).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Do not print the loss report on stderr (the summary line stays).
    #[arg(short, long)]
    pub quiet: bool,

    /// AWS region written into ARNs and awslogs options (placeholder until set).
    #[arg(long, default_value = "REGION")]
    pub region: Box<str>,

    /// AWS account id written into ARNs (placeholder until set).
    #[arg(long, value_name = "ID", default_value = "ACCOUNT_ID")]
    pub account_id: Box<str>,

    /// ARN for a Secret key (secretKeyRef, envFrom secretRef): {region} {account} {namespace}
    /// {secret} {key}.
    #[arg(long, value_name = "PATTERN", default_value = DEFAULT_SECRET_ARN)]
    pub secret_arn: Box<str>,

    /// ARN for a ConfigMap key (configMapKeyRef, envFrom configMapRef), an SSM parameter:
    /// {region} {account} {namespace} {configmap} {key}.
    #[arg(long, value_name = "PATTERN", default_value = DEFAULT_CONFIG_MAP_ARN)]
    pub config_map_arn: Box<str>,

    /// ARN of the registry credentials an imagePullSecret becomes: {region} {account}
    /// {namespace} {secret}.
    #[arg(long, value_name = "PATTERN", default_value = DEFAULT_PULL_SECRET_ARN)]
    pub pull_secret_arn: Box<str>,

    /// Task role ARN for a service account (unless the ServiceAccount in the input names its
    /// IAM role): {account} {namespace} {serviceaccount}.
    #[arg(long, value_name = "PATTERN", default_value = DEFAULT_TASK_ROLE_ARN)]
    pub task_role_arn: Box<str>,

    /// Task execution role ARN (pulls images, reads secrets, writes logs): {region} {account}.
    #[arg(long, value_name = "PATTERN", default_value = DEFAULT_EXECUTION_ROLE_ARN)]
    pub execution_role_arn: Box<str>,

    /// awslogs log group: {family} {namespace}.
    #[arg(long, value_name = "PATTERN", default_value = DEFAULT_LOG_GROUP)]
    pub log_group: Box<str>,

    /// awslogs stream prefix.
    #[arg(long, value_name = "PREFIX", default_value = "ecs")]
    pub log_stream_prefix: Box<str>,

    /// Write no logConfiguration (containers' output is then not collected).
    #[arg(long)]
    pub no_logs: bool,

    /// Target group ARN for a load-balanced Service port: {region} {account} {service}.
    #[arg(long, value_name = "PATTERN", default_value = DEFAULT_TARGET_GROUP_ARN)]
    pub target_group_arn: Box<str>,

    /// Subnet for the service's awsvpc configuration (repeatable).
    #[arg(long = "subnet", value_name = "ID", default_values_t = ["SUBNET_ID".to_owned()])]
    pub subnets: Vec<String>,

    /// Security group for the service's awsvpc configuration (repeatable).
    #[arg(long = "security-group", value_name = "ID", default_values_t = ["SECURITY_GROUP_ID".to_owned()])]
    pub security_groups: Vec<String>,

    /// ECS cluster the services are created in [default: the account's default cluster].
    #[arg(long)]
    pub cluster: Option<String>,

    /// Mount a PersistentVolumeClaim as an EFS file system, CLAIM=FS_ID[:ACCESS_POINT_ID]
    /// (repeatable; also maps EFS volumes back to claims).
    #[arg(long, value_name = "CLAIM=FS_ID[:AP]", value_parser = EfsMapping::parse)]
    pub efs: Vec<EfsMapping>,

    /// Approximate HTTP and TCP probes with a health check command run by this tool inside the
    /// container (it must be in the image); without it they are reported, not converted.
    #[arg(long, value_enum, value_name = "TOOL")]
    pub probe_command: Option<ProbeToolArg>,

    /// --to k8s: the Kubernetes version the output must be valid for (one k2e has schemas for,
    /// 1.30 to 1.37) [default: the oldest, 1.30].
    #[arg(long, value_name = "MAJOR.MINOR", value_parser = parse_kubernetes_version)]
    pub kubernetes_version: Option<(u64, u64)>,

    /// --to ecs: the form of the outputs: api (one JSON file per AWS API call input),
    /// cloudformation (k2e.template.json; k2e-1.template.json, ... past CloudFormation's limits)
    /// or terraform (k2e.tf.json); placeholders become Parameters or variables.
    #[arg(long, value_enum, default_value_t = EmitArg::Api)]
    pub emit: EmitArg,

    /// --to ecs: write `awslogs-create-group: "true"`, so ECS creates missing log groups (the
    /// execution role then needs logs:CreateLogGroup, which the managed policy does not grant).
    #[arg(long)]
    pub create_log_groups: bool,

    /// Refuse inputs larger than this (bytes; K, M and G suffixes allowed).
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = crate::input::parse_size)]
    pub max_file_size: u64,

    /// Read character and block devices named on the command line (up to --max-file-size)
    /// instead of refusing them. FIFOs and process substitutions are always read.
    #[arg(long)]
    pub allow_special_files: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ToArg {
    Ecs,
    K8s,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LaunchTypeArg {
    Fargate,
    Ec2,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    #[value(name = "Deployment")]
    Deployment,
    #[value(name = "StatefulSet")]
    StatefulSet,
    #[value(name = "DaemonSet")]
    DaemonSet,
    #[value(name = "ReplicaSet")]
    ReplicaSet,
    #[value(name = "Pod")]
    Pod,
    #[value(name = "Job")]
    Job,
    #[value(name = "CronJob")]
    CronJob,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EmitArg {
    Api,
    #[value(name = "cloudformation")]
    CloudFormation,
    Terraform,
}

impl From<EmitArg> for Emit {
    fn from(e: EmitArg) -> Self {
        match e {
            EmitArg::Api => Emit::Api,
            EmitArg::CloudFormation => Emit::CloudFormation,
            EmitArg::Terraform => Emit::Terraform,
        }
    }
}

/// `1.30` -> (1, 30), for a version k2e has schemas for (the output is validated against them).
fn parse_kubernetes_version(text: &str) -> Result<(u64, u64), String> {
    let bundled: Vec<&str> = crate::validate::KUBERNETES_VERSIONS.iter().map(|(v, _)| *v).collect();
    let bad = || format!("{text:?}: expected one of {}", bundled.join(", "));
    let (major, minor) = text.trim_start_matches('v').split_once('.').ok_or_else(bad)?;
    // A patch release (`1.30.2`) targets its minor.
    let minor = minor.split_once('.').map_or(minor, |(m, _)| m);
    let version = (major.parse().map_err(|_| bad())?, minor.parse().map_err(|_| bad())?);
    if !bundled.contains(&format!("{}.{}", version.0, version.1).as_str()) {
        return Err(bad());
    }
    Ok(version)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProbeToolArg {
    Curl,
    Wget,
}

impl From<ToArg> for To {
    fn from(t: ToArg) -> Self {
        match t {
            ToArg::Ecs => To::Ecs,
            ToArg::K8s => To::K8s,
        }
    }
}

impl From<LaunchTypeArg> for LaunchType {
    fn from(l: LaunchTypeArg) -> Self {
        match l {
            LaunchTypeArg::Fargate => LaunchType::Fargate,
            LaunchTypeArg::Ec2 => LaunchType::Ec2,
        }
    }
}

impl From<KindArg> for Kind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Deployment => Kind::Deployment,
            KindArg::StatefulSet => Kind::StatefulSet,
            KindArg::DaemonSet => Kind::DaemonSet,
            KindArg::ReplicaSet => Kind::ReplicaSet,
            KindArg::Pod => Kind::Pod,
            KindArg::Job => Kind::Job,
            KindArg::CronJob => Kind::CronJob,
        }
    }
}

impl From<ProbeToolArg> for ProbeTool {
    fn from(p: ProbeToolArg) -> Self {
        match p {
            ProbeToolArg::Curl => ProbeTool::Curl,
            ProbeToolArg::Wget => ProbeTool::Wget,
        }
    }
}

/// The converters' options from the flags, checked; the error names the flag.
fn options(args: &ConvertArgs) -> Result<Options, String> {
    if args.kind.is_some() && args.to == ToArg::Ecs {
        return Err("--kind chooses the Kubernetes kind written by --to k8s; it has no meaning with --to ecs".into());
    }
    let pattern =
        |flag: &str, text: &str, extra: &[&str]| convert::arn_pattern(text, extra).map_err(|e| format!("--{flag} {e}"));
    for (flag, value) in [("region", &*args.region), ("account-id", &*args.account_id)] {
        if value.is_empty() || value.contains([':', '/']) {
            return Err(format!("--{flag} {value:?}: must be non-empty and hold no ':' or '/'"));
        }
    }
    if args.log_stream_prefix.is_empty() {
        return Err("--log-stream-prefix must not be empty (Fargate requires a prefix)".into());
    }
    Ok(Options {
        to: args.to.into(),
        launch_type: args.launch_type.into(),
        kind: args.kind.map(Kind::from),
        region: args.region.to_string(),
        account: args.account_id.to_string(),
        secret_arn: pattern("secret-arn", &args.secret_arn, &["secret", "key"])?,
        config_map_arn: pattern("config-map-arn", &args.config_map_arn, &["configmap", "key"])?,
        pull_secret_arn: pattern("pull-secret-arn", &args.pull_secret_arn, &["secret"])?,
        task_role_arn: pattern("task-role-arn", &args.task_role_arn, &["serviceaccount"])?,
        execution_role_arn: pattern("execution-role-arn", &args.execution_role_arn, &[])?,
        log_group: pattern("log-group", &args.log_group, &["family"])?,
        log_stream_prefix: args.log_stream_prefix.to_string(),
        logs: !args.no_logs,
        target_group_arn: pattern("target-group-arn", &args.target_group_arn, &["service"])?,
        subnets: args.subnets.clone(),
        security_groups: args.security_groups.clone(),
        cluster: args.cluster.as_deref().map(str::to_owned),
        efs: args.efs.clone(),
        probe_command: args.probe_command.map(ProbeTool::from),
        kubernetes_version: args.kubernetes_version.unwrap_or(convert::OLDEST_KUBERNETES),
        emit: args.emit.into(),
        create_log_groups: args.create_log_groups,
    })
}

/// The whole run's options from the flags.
fn run_options(args: &ConvertArgs) -> Result<RunOptions, String> {
    let convert = options(args)?;
    let to_stdout = args.output.as_os_str() == "-";
    Ok(RunOptions {
        inputs: args.inputs.clone(),
        read: crate::input::Options {
            limit: args.max_file_size,
            allow_special_files: args.allow_special_files,
        },
        destination: if to_stdout {
            Destination::Stdout
        } else {
            Destination::Dir {
                path: args.output.clone(),
                force: args.force,
            }
        },
        dry_run: args.dry_run,
        check: Some(checker(&convert)?),
        force_invalid: args.force,
        convert,
    })
}

/// k2e lint on each output, as `k2e lint FILE` would check it, with the rules of the target it
/// is written for (the launch type; the Kubernetes version asked for) and no configuration: the
/// error findings. The checklist is not a manifest, so it is not checked.
fn checker(opts: &Options) -> Result<Check, String> {
    let (major, minor) = opts.kubernetes_version;
    let version = format!("{major}.{minor}");
    // Until k2e bundles the schemas of the version asked for, the newest it has checks.
    let validators = Validators::new(&version, Vec::new())
        .or_else(|_| Validators::new(DEFAULT_KUBERNETES_VERSION, Vec::new()))
        .map_err(|e| format!("--kubernetes-version {version}: {e}"))?;
    let target = match (opts.to, opts.launch_type) {
        (To::K8s, _) => Target::Auto,
        (To::Ecs, LaunchType::Fargate) => Target::EcsFargate,
        (To::Ecs, LaunchType::Ec2) => Target::EcsEc2,
    };
    let lint_opts = lint::Options {
        target,
        ..lint::Options::new(Vec::new())
    };
    Ok(Check(Arc::new(move |output: &Output| {
        if output.role == Role::Checklist {
            return Vec::new();
        }
        lint::lint_text(&output.file, output.text.as_bytes(), &lint_opts, &validators)
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error && f.suppressed.is_none())
            .map(|f| format!("{}:{} {} {}", f.start.line, f.start.column, f.rule, f.message))
            .collect()
    })))
}

/// Runs `k2e convert`; returns the exit code.
pub fn run(args: ConvertArgs) -> i32 {
    let opts = match run_options(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("k2e convert: {e}");
            return 2;
        }
    };
    let mut outcome = convert::run(&opts);
    let mut written = outcome.written.clone();
    let mut stdout = std::io::stdout().lock();
    for line in &outcome.planned {
        let _ = writeln!(stdout, "{line}");
    }
    if opts.destination == Destination::Stdout && !opts.dry_run {
        if let Err(e) = convert::to_stdout(&outcome.conversion.outputs, &mut stdout) {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                let failure = format!("cannot write to standard output: {e}");
                outcome.failures.insert(0, failure.clone());
                outcome.conversion.failures.insert(0, failure);
            }
        }
    }
    let mut code = outcome.exit_code();
    let mut report_failed = None;
    if let Some(path) = &args.report {
        let text = loss_render::json(&outcome.conversion, &opts.convert, code);
        if args.dry_run {
            written.push(format!("would write the report to {}", path.display()));
        } else if let Err(e) = convert::report_file(path, &text) {
            report_failed = Some(format!("cannot write the report {}: {e}", path.display()));
            code = 2;
        }
    }
    let mut stderr = std::io::stderr().lock();
    let (body, summary) = loss_render::human_parts(&outcome.conversion, false);
    let body = if args.quiet {
        // The errors only; the summary line follows.
        body.lines()
            .filter(|l| {
                ["error:", "refused:", "written with --force"]
                    .iter()
                    .any(|p| l.starts_with(p))
            })
            .map(|l| format!("{l}\n"))
            .collect()
    } else {
        body
    };
    let _ = stderr.write_all(body.as_bytes());
    for line in written.iter().filter(|_| !args.quiet) {
        let _ = writeln!(stderr, "{line}");
    }
    for e in outcome.failures.iter().chain(&report_failed) {
        if e.starts_with("refused:") {
            let _ = writeln!(stderr, "{e}");
        } else {
            let _ = writeln!(stderr, "error: {e}");
        }
    }
    // Last, after the errors, so that it is the line a terminal or CI log ends with.
    let _ = stderr.write_all(summary.as_bytes());
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flags' defaults are the library's (`Options::new`), which tests and tools use.
    #[test]
    fn defaults_match_the_library() {
        for (flag, to) in [("ecs", To::Ecs), ("k8s", To::K8s)] {
            let cli = <super::super::Cli as clap::Parser>::parse_from(["k2e", "convert", "--to", flag, "in.yaml"]);
            let super::super::Command::Convert(args) = cli.command else {
                panic!("not the convert command")
            };
            let flags = options(&args).unwrap();
            assert_eq!(format!("{flags:?}"), format!("{:?}", Options::new(to)));
        }
    }
}
