//! The `k2e convert` command line, and the options the converters read.

use super::patterns::Pattern;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit codes:
  0  every object converted, nothing dropped (approximations are listed on stderr)
  1  converted, but some fields were dropped: read the report before deploying
  2  usage error, an input that could not be read, parsed or converted, nothing to convert, or an
     output that could not be written (the other inputs were still converted)";

pub const DEFAULT_SECRET_ARN: &str = "arn:aws:secretsmanager:{region}:{account}:secret:{secret}:{key}::";
pub const DEFAULT_CONFIG_MAP_ARN: &str = "arn:aws:ssm:{region}:{account}:parameter/{configmap}/{key}";
pub const DEFAULT_PULL_SECRET_ARN: &str = "arn:aws:secretsmanager:{region}:{account}:secret:{secret}";
pub const DEFAULT_TASK_ROLE_ARN: &str = "arn:aws:iam::{account}:role/{serviceaccount}";
pub const DEFAULT_EXECUTION_ROLE_ARN: &str = "arn:aws:iam::{account}:role/ecsTaskExecutionRole";
pub const DEFAULT_LOG_GROUP: &str = "/ecs/{family}";
pub const DEFAULT_TARGET_GROUP_ARN: &str =
    "arn:aws:elasticloadbalancing:{region}:{account}:targetgroup/{service}/TARGET_GROUP_ID";

/// Convert Kubernetes workloads to ECS task definitions (and services), or ECS task definitions
/// to Kubernetes workloads, reporting every field that could not be carried over exactly.
/// (Text options are `Box<str>`: the struct sits in the CLI's command enum beside the others.)
#[derive(Args, Debug)]
#[command(after_help = EXIT_CODES)]
pub struct ConvertArgs {
    /// Files or directories (*.yaml, *.yml, *.json; .gitignore honoured); `-` reads stdin.
    /// Services, ConfigMaps, Secrets, ServiceAccounts (and ECS services) among them resolve
    /// references.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// What to convert to: ecs (task definitions from Kubernetes workloads) or k8s (workloads
    /// from ECS task definitions).
    #[arg(long, value_enum)]
    pub to: To,

    /// ECS launch type the task definitions and services are written for.
    #[arg(long, value_enum, default_value_t = LaunchType::Fargate)]
    pub launch_type: LaunchType,

    /// Kubernetes kind to write (--to k8s) [default: DaemonSet for an ECS service with
    /// schedulingStrategy DAEMON, else Deployment].
    #[arg(long, value_enum, ignore_case = true)]
    pub kind: Option<Kind>,

    /// Where to write: a directory (created if missing) or `-` for stdout.
    #[arg(short = 'o', long = "output", value_name = "DIR|-", default_value = "-")]
    pub output: PathBuf,

    /// Overwrite files that already exist in the output directory.
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
    #[arg(long, value_name = "CLAIM=FS_ID[:AP]", value_parser = parse_efs)]
    pub efs: Vec<EfsMapping>,

    /// Approximate HTTP and TCP probes with a health check command run by this tool inside the
    /// container (it must be in the image); without it they are reported, not converted.
    #[arg(long, value_enum, value_name = "TOOL")]
    pub probe_command: Option<ProbeTool>,

    /// Refuse inputs larger than this (bytes; K, M and G suffixes allowed).
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = crate::input::parse_size)]
    pub max_file_size: u64,

    /// Read character and block devices named on the command line (up to --max-file-size)
    /// instead of refusing them. FIFOs and process substitutions are always read.
    #[arg(long)]
    pub allow_special_files: bool,
}

impl ConvertArgs {
    /// How inputs are read.
    pub fn bounds(&self) -> crate::input::Options {
        crate::input::Options {
            limit: self.max_file_size,
            allow_special_files: self.allow_special_files,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum To {
    Ecs,
    K8s,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LaunchType {
    Fargate,
    Ec2,
}

impl LaunchType {
    pub fn api_name(self) -> &'static str {
        match self {
            LaunchType::Fargate => "FARGATE",
            LaunchType::Ec2 => "EC2",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Kind {
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

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Deployment => "Deployment",
            Kind::StatefulSet => "StatefulSet",
            Kind::DaemonSet => "DaemonSet",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::Pod => "Pod",
            Kind::Job => "Job",
            Kind::CronJob => "CronJob",
        }
    }

    pub fn api_version(self) -> &'static str {
        match self {
            Kind::Pod => "v1",
            Kind::Job | Kind::CronJob => "batch/v1",
            _ => "apps/v1",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        [
            Kind::Deployment,
            Kind::StatefulSet,
            Kind::DaemonSet,
            Kind::ReplicaSet,
            Kind::Pod,
            Kind::Job,
            Kind::CronJob,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }

    /// Kinds that run replicas for ever: an ECS service runs them.
    pub fn has_replicas(self) -> bool {
        matches!(self, Kind::Deployment | Kind::StatefulSet | Kind::ReplicaSet)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProbeTool {
    Curl,
    Wget,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EfsMapping {
    pub claim: String,
    pub file_system: String,
    pub access_point: Option<String>,
}

fn parse_efs(s: &str) -> Result<EfsMapping, String> {
    let (claim, target) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: expected CLAIM=FS_ID[:ACCESS_POINT_ID], e.g. data=fs-0123:fsap-0456"))?;
    let (fs, ap) = match target.split_once(':') {
        Some((fs, ap)) => (fs, Some(ap.to_owned())),
        None => (target, None),
    };
    if claim.is_empty() || fs.is_empty() || ap.as_deref() == Some("") {
        return Err(format!("{s:?}: the claim and the file system id must not be empty"));
    }
    Ok(EfsMapping {
        claim: claim.to_owned(),
        file_system: fs.to_owned(),
        access_point: ap,
    })
}

/// What the converters need, resolved and checked.
#[derive(Clone, Debug)]
pub struct Options {
    pub to: To,
    pub launch_type: LaunchType,
    pub kind: Option<Kind>,
    pub region: String,
    pub account: String,
    pub secret_arn: Pattern,
    pub config_map_arn: Pattern,
    pub pull_secret_arn: Pattern,
    pub task_role_arn: Pattern,
    pub execution_role_arn: Pattern,
    pub log_group: Pattern,
    pub log_stream_prefix: String,
    pub logs: bool,
    pub target_group_arn: Pattern,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub cluster: Option<String>,
    pub efs: Vec<EfsMapping>,
    pub probe_command: Option<ProbeTool>,
}

const ARN_VARS: &[&str] = &["region", "account", "namespace"];

impl Options {
    /// The defaults of the command line, for `to`.
    pub fn new(to: To) -> Options {
        let pattern = |text: &str, extra: &[&str]| {
            let allowed: Vec<&str> = ARN_VARS.iter().chain(extra).copied().collect();
            // The defaults are constants checked by a unit test.
            Pattern::new(text, &allowed).unwrap_or_else(|e| panic!("{e}"))
        };
        Options {
            to,
            launch_type: LaunchType::Fargate,
            kind: None,
            region: "REGION".into(),
            account: "ACCOUNT_ID".into(),
            secret_arn: pattern(DEFAULT_SECRET_ARN, &["secret", "key"]),
            config_map_arn: pattern(DEFAULT_CONFIG_MAP_ARN, &["configmap", "key"]),
            pull_secret_arn: pattern(DEFAULT_PULL_SECRET_ARN, &["secret"]),
            task_role_arn: pattern(DEFAULT_TASK_ROLE_ARN, &["serviceaccount"]),
            execution_role_arn: pattern(DEFAULT_EXECUTION_ROLE_ARN, &[]),
            log_group: pattern(DEFAULT_LOG_GROUP, &["family"]),
            log_stream_prefix: "ecs".into(),
            logs: true,
            target_group_arn: pattern(DEFAULT_TARGET_GROUP_ARN, &["service"]),
            subnets: vec!["SUBNET_ID".into()],
            security_groups: vec!["SECURITY_GROUP_ID".into()],
            cluster: None,
            efs: Vec::new(),
            probe_command: None,
        }
    }

    pub fn from_args(args: &ConvertArgs) -> Result<Options, String> {
        if args.kind.is_some() && args.to == To::Ecs {
            return Err(
                "--kind chooses the Kubernetes kind written by --to k8s; it has no meaning with --to ecs".into(),
            );
        }
        let pattern = |flag: &str, text: &str, extra: &[&str]| {
            let allowed: Vec<&str> = ARN_VARS.iter().chain(extra).copied().collect();
            Pattern::new(text, &allowed).map_err(|e| format!("--{flag} {e}"))
        };
        for (flag, value) in [("region", &*args.region), ("account-id", &*args.account_id)] {
            if value.is_empty() || value.contains([':', '/']) {
                return Err(format!("--{flag} {value:?}: must be non-empty and hold no ':' or '/'"));
            }
        }
        if args.log_stream_prefix.is_empty() {
            return Err("--log-stream-prefix must not be empty (Fargate requires a prefix)".into());
        }
        Ok(Options {
            to: args.to,
            launch_type: args.launch_type,
            kind: args.kind,
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
            probe_command: args.probe_command,
        })
    }

    pub fn fargate(&self) -> bool {
        self.launch_type == LaunchType::Fargate
    }

    /// `{region}`, `{account}` and `{namespace}` for the patterns, plus `extra`.
    pub fn vars<'a>(&'a self, namespace: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        let mut vars = vec![
            ("region", self.region.as_str()),
            ("account", self.account.as_str()),
            ("namespace", namespace),
        ];
        vars.extend_from_slice(extra);
        vars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_patterns() {
        let o = Options::new(To::Ecs);
        assert!(o.secret_arn.uses("key"));
        assert_eq!(
            parse_efs("data=fs-1:fsap-2"),
            Ok(EfsMapping {
                claim: "data".into(),
                file_system: "fs-1".into(),
                access_point: Some("fsap-2".into())
            })
        );
        assert!(parse_efs("data").is_err());
        assert!(parse_efs("=fs-1").is_err());
        assert_eq!(Kind::from_name("CronJob"), Some(Kind::CronJob));
    }
}
