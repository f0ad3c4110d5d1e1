//! The rule registry: one data file per rule in `rules/`, embedded at build time.

pub mod cross;
pub mod docs;
mod ecs;
mod ecs_service;
mod eks_sizing;
mod fargate_ecs;
mod fargate_eks;
mod k8s;
mod profile;
pub mod pss;
pub mod suppress;
mod target;
pub mod yaml;

pub use ecs::check as check_ecs;
pub use ecs_service::{check as check_ecs_service, declares_fargate};
pub use fargate_ecs::{Task as FargateTask, check as check_ecs_fargate};
pub use fargate_eks::check as check_eks_fargate;
pub use fargate_eks::profiles as fargate_profiles;
pub use k8s::check as check_kubernetes;
pub use k8s::service_selectors;
pub use profile::{Profile, ProfileSelector};
pub use target::{Selection, Target};

use crate::finding::Severity;
use serde::Deserialize;
use std::sync::OnceLock;

pub use crate::finding::ids::RULE_FILES;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// The file could not be read: exit code 2.
    Input,
    /// The text is not valid YAML/JSON: exit code 2.
    Syntax,
    /// The document does not match the API schema.
    Schema,
    /// AWS Fargate would reject or mishandle it.
    Fargate,
    /// A suppression comment or annotation that does not do what it says.
    Suppression,
    /// The object is wrong: the platform rejects it or it cannot work as written.
    Correctness,
    /// It runs, with more privilege or exposure than it needs.
    Security,
    /// It runs, but fails or degrades under ordinary conditions (restarts, load, rollouts).
    Reliability,
    /// Other tools or YAML versions read the file differently than Kubernetes does.
    Portability,
}

/// What an error finding of a Fargate rule means for running the workload on Fargate, as
/// `k2e estimate` reports it (`fargate:` in the rule's data file).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FargateFit {
    /// Fargate lacks the capability (a DaemonSet, privileged containers, GPUs, ...): the
    /// workload stays on EC2.
    Blocks,
    /// An edit of the manifest fixes it without losing anything (a task size, the network
    /// mode, logging options, ...): listed as a change needed.
    NeedsChange,
    /// Blocks, except a finding on a task cpu below the smallest size the rule allows, which the
    /// estimate rounds up like any other size (FG016: Windows tasks under 1 vCPU).
    BlocksUnlessCpuTooSmall,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub name: String,
    /// The name of the id's constant in `finding::ids` (build.rs generates it).
    pub const_name: String,
    pub category: Category,
    pub severity: Severity,
    /// Fargate rules only: whether an error finding keeps the workload off Fargate.
    #[serde(default)]
    pub fargate: Option<FargateFit>,
    pub summary: String,
    pub rationale: String,
    pub fix: String,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub as_of: Option<String>,
    #[serde(default)]
    pub examples: Examples,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    #[serde(default)]
    pub fail: Vec<Example>,
    #[serde(default)]
    pub pass: Vec<Example>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub file: String,
    pub text: String,
    /// `line:column` of each finding this rule must report.
    #[serde(default)]
    pub expect: Vec<String>,
    /// `--target` to lint the example with (default auto).
    #[serde(default)]
    pub target: Option<String>,
    /// A `.k2e.yaml` to lint the example with.
    #[serde(default)]
    pub config: Option<String>,
}

impl<'de> Deserialize<'de> for Severity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Severity::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown severity {s:?}")))
    }
}

/// All rules, sorted by id. A malformed rule file is a build defect caught by the tests.
pub fn all() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut rules: Vec<Rule> = RULE_FILES
            .iter()
            .filter_map(|(name, text)| load(name, text).ok())
            .collect();
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        rules
    })
}

pub fn get(id: &str) -> Option<&'static Rule> {
    all().iter().find(|r| r.id == id)
}

/// Findings of input and syntax rules mean the file could not be checked: exit code 2.
pub fn is_input_problem(id: &str) -> bool {
    get(id).is_some_and(|r| matches!(r.category, Category::Input | Category::Syntax))
}

/// The `fargate:` field of a rule's data file; `None` for a rule that is not about Fargate.
pub fn fargate_fit(id: &str) -> Option<FargateFit> {
    get(id)?.fargate
}

/// The default severity of a rule (error for an id without a rule file, which a test forbids).
pub fn severity(id: &str) -> Severity {
    get(id).map_or(Severity::Error, |r| r.severity)
}

pub fn load(name: &str, text: &str) -> Result<Rule, String> {
    let rule: Rule = crate::model::facts::read_yaml(text).map_err(|e| format!("{name}: {e}"))?;
    if format!("{}.yaml", rule.id) != name {
        return Err(format!("{name}: id {} does not match the file name", rule.id));
    }
    Ok(rule)
}
