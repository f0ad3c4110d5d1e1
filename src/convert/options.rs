//! The options the converters read, and their defaults (those of `k2e convert`).

use super::patterns::Pattern;

pub const DEFAULT_SECRET_ARN: &str = "arn:aws:secretsmanager:{region}:{account}:secret:{secret}:{key}::";
pub const DEFAULT_CONFIG_MAP_ARN: &str = "arn:aws:ssm:{region}:{account}:parameter/{configmap}/{key}";
pub const DEFAULT_PULL_SECRET_ARN: &str = "arn:aws:secretsmanager:{region}:{account}:secret:{secret}";
pub const DEFAULT_TASK_ROLE_ARN: &str = "arn:aws:iam::{account}:role/{serviceaccount}";
pub const DEFAULT_EXECUTION_ROLE_ARN: &str = "arn:aws:iam::{account}:role/ecsTaskExecutionRole";
pub const DEFAULT_LOG_GROUP: &str = "/ecs/{family}";
pub const DEFAULT_TARGET_GROUP_ARN: &str =
    "arn:aws:elasticloadbalancing:{region}:{account}:targetgroup/{service}/TARGET_GROUP_ID";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum To {
    Ecs,
    K8s,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Deployment,
    StatefulSet,
    DaemonSet,
    ReplicaSet,
    Pod,
    Job,
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

/// The form of the ECS outputs (`--emit`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Emit {
    /// One JSON file per API call input (RegisterTaskDefinition, CreateService, ...).
    #[default]
    Api,
    /// One CloudFormation template; placeholders are template Parameters.
    CloudFormation,
    /// One Terraform `.tf.json` file; placeholders are variables.
    Terraform,
}

/// The oldest Kubernetes minor version k2e writes for by default (`--kubernetes-version`):
/// the oldest it has schemas for, so the output applies to every cluster k2e knows.
pub const OLDEST_KUBERNETES: (u64, u64) = (1, 30);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

impl EfsMapping {
    /// Reads `CLAIM=FS_ID[:ACCESS_POINT_ID]`.
    pub fn parse(s: &str) -> Result<EfsMapping, String> {
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
    /// `--to k8s`: the Kubernetes version (major, minor) the output must be valid for.
    pub kubernetes_version: (u64, u64),
    /// `--to ecs`: the form of the outputs.
    pub emit: Emit,
    /// `--to ecs`: write `awslogs-create-group: "true"` (needs `logs:CreateLogGroup` on the
    /// execution role, which the managed policy does not grant).
    pub create_log_groups: bool,
}

const ARN_VARS: &[&str] = &["region", "account", "namespace"];

/// Parses a pattern that may use `{region}`, `{account}`, `{namespace}` and the placeholders in
/// `extra`.
pub fn arn_pattern(text: &str, extra: &[&str]) -> Result<Pattern, String> {
    let allowed: Vec<&str> = ARN_VARS.iter().chain(extra).copied().collect();
    Pattern::new(text, &allowed)
}

impl Options {
    /// The defaults of the command line, for `to`.
    pub fn new(to: To) -> Options {
        // The defaults are constants checked by a unit test.
        let pattern = |text: &str, extra: &[&str]| arn_pattern(text, extra).unwrap_or_else(|e| panic!("{e}"));
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
            kubernetes_version: OLDEST_KUBERNETES,
            emit: Emit::Api,
            create_log_groups: false,
        }
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
            EfsMapping::parse("data=fs-1:fsap-2"),
            Ok(EfsMapping {
                claim: "data".into(),
                file_system: "fs-1".into(),
                access_point: Some("fsap-2".into())
            })
        );
        assert!(EfsMapping::parse("data").is_err());
        assert!(EfsMapping::parse("=fs-1").is_err());
        assert_eq!(Kind::from_name("CronJob"), Some(Kind::CronJob));
    }
}
