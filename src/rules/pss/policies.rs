//! Which policy applies to an object: the one its Namespace's Pod Security labels set, when that
//! Namespace is among the inputs, else the default (`--pod-security`, `pod-security:`).
//!
//! Labels are read as admission reads them (`PolicyToEvaluate` in k8s.io/pod-security-admission):
//! an invalid `enforce` level counts as `restricted`, an invalid version as `latest`. Of the three
//! modes, `enforce` decides (the API server refuses what violates it); a `warn` level is used only
//! where no `enforce` label is set (kubectl prints its violations as warnings); `audit` only adds
//! audit-log annotations, which k2e cannot show more usefully than the default warnings, so it is
//! not read.

use super::policy::{Level, Policy, Version};
use crate::detect::K8sObject;
use std::collections::BTreeMap;

pub const ENFORCE: &str = "pod-security.kubernetes.io/enforce";
pub const ENFORCE_VERSION: &str = "pod-security.kubernetes.io/enforce-version";
pub const WARN: &str = "pod-security.kubernetes.io/warn";
pub const WARN_VERSION: &str = "pod-security.kubernetes.io/warn-version";
pub const AUDIT: &str = "pod-security.kubernetes.io/audit";
pub const AUDIT_VERSION: &str = "pod-security.kubernetes.io/audit-version";

/// A Namespace among the inputs, with its labels and where it is.
pub struct Labelled<'a> {
    pub name: &'a str,
    pub labels: &'a BTreeMap<String, String>,
    pub file: &'a str,
    pub line: usize,
}

/// The Namespace that set a policy, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub namespace: String,
    pub file: String,
    pub line: usize,
}

/// Why a policy applies, which decides the findings' severity and wording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// No Namespace among the inputs sets one: the default level, at the rules' severity.
    Default,
    /// `pod-security.kubernetes.io/enforce`: the API server refuses the pod; findings are errors.
    Enforced(Origin),
    /// `pod-security.kubernetes.io/warn` without `enforce`: kubectl warns; the rules' severity.
    Warned(Origin),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// As labelled or configured (messages name it so: `restricted:latest`).
    pub policy: Policy,
    pub source: Source,
    /// The Kubernetes minor whose definition of the level applies: the policy's version
    /// resolved on the run's Kubernetes version (`Version::resolve`).
    pub minor: u32,
}

/// The policy of every namespace the inputs label, and the default for the rest.
#[derive(Clone, Debug)]
pub struct Policies {
    default: Applied,
    namespaces: BTreeMap<String, Applied>,
}

impl Default for Policies {
    fn default() -> Self {
        Policies::new(Policy::default(), NEWEST, [])
    }
}

/// The newest Kubernetes minor whose Pod Security definitions k2e knows (1.37).
pub const NEWEST: u32 = 37;

/// The minor of a `1.X` Kubernetes version (`--kubernetes-version`), at most `NEWEST`.
pub fn minor_of(kubernetes_version: &str) -> u32 {
    kubernetes_version
        .strip_prefix("1.")
        .and_then(|m| m.parse().ok())
        .map_or(NEWEST, |m: u32| m.min(NEWEST))
}

impl Policies {
    /// `newest` is the minor of the run's Kubernetes version: what `latest` means there. When a
    /// namespace is defined twice, the later definition wins, as with `kubectl apply`: a later
    /// one without Pod Security labels leaves the namespace at the default.
    pub fn new<'a>(default: Policy, newest: u32, namespaces: impl IntoIterator<Item = Labelled<'a>>) -> Policies {
        let mut labelled = BTreeMap::new();
        for ns in namespaces {
            match of_namespace(default, newest, &ns) {
                Some(applied) => labelled.insert(ns.name.to_owned(), applied),
                None => labelled.remove(ns.name),
            };
        }
        Policies {
            default: Applied {
                policy: default,
                source: Source::Default,
                minor: default.version.resolve(newest),
            },
            namespaces: labelled,
        }
    }

    /// The policy for an object in `namespace` (None: no `metadata.namespace`, the default).
    pub fn for_namespace(&self, namespace: Option<&str>) -> &Applied {
        namespace
            .and_then(|ns| self.namespaces.get(ns))
            .unwrap_or(&self.default)
    }

    /// The policy for an object, by its `metadata.namespace`.
    pub fn for_object(&self, obj: &K8sObject<'_>) -> &Applied {
        let ns = obj.node.pointer("/metadata/namespace").and_then(|(n, _)| n.as_str());
        self.for_namespace(ns)
    }
}

/// The policy a Namespace's labels set; None when it sets no level (the default applies).
fn of_namespace(default: Policy, newest: u32, ns: &Labelled<'_>) -> Option<Applied> {
    let origin = || Origin {
        namespace: ns.name.to_owned(),
        file: ns.file.to_owned(),
        line: ns.line,
    };
    let version = |key: &str| {
        ns.labels
            .get(key)
            .map_or(default.version, |v| Version::parse_label(v).unwrap_or(Version::Latest))
    };
    if let Some(level) = ns.labels.get(ENFORCE) {
        // Admission fails closed on an enforce level it cannot read.
        let level = Level::parse(level).unwrap_or(Level::Restricted);
        let policy = Policy {
            level,
            version: version(ENFORCE_VERSION),
        };
        return Some(Applied {
            policy,
            source: Source::Enforced(origin()),
            minor: policy.version.resolve(newest),
        });
    }
    let level = ns.labels.get(WARN)?;
    // ... and open on a warn level.
    let level = Level::parse(level).unwrap_or(Level::Privileged);
    let policy = Policy {
        level,
        version: version(WARN_VERSION),
    };
    Some(Applied {
        policy,
        source: Source::Warned(origin()),
        minor: policy.version.resolve(newest),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn policies(pairs: &[(&str, &str)]) -> Policies {
        let labels = labels(pairs);
        let ns = Labelled {
            name: "apps",
            labels: &labels,
            file: "ns.yaml",
            line: 3,
        };
        Policies::new(Policy::default(), NEWEST, [ns])
    }

    #[test]
    fn enforce_labels_set_level_and_version() {
        let p = policies(&[(ENFORCE, "restricted"), (ENFORCE_VERSION, "v1.25")]);
        let applied = p.for_namespace(Some("apps"));
        assert_eq!(applied.policy.to_string(), "restricted:v1.25");
        assert!(matches!(&applied.source, Source::Enforced(o) if o.file == "ns.yaml" && o.line == 3));
        assert_eq!(p.for_namespace(Some("other")).source, Source::Default);
        assert_eq!(p.for_namespace(None).policy, Policy::default());
    }

    #[test]
    fn invalid_labels_read_as_admission_reads_them() {
        let p = policies(&[(ENFORCE, "strict"), (ENFORCE_VERSION, "1.25")]);
        assert_eq!(p.for_namespace(Some("apps")).policy.to_string(), "restricted");
        let p = policies(&[(WARN, "strict")]);
        assert_eq!(p.for_namespace(Some("apps")).policy.level, Level::Privileged);
    }

    #[test]
    fn warn_applies_only_without_enforce_and_audit_never() {
        let p = policies(&[(WARN, "restricted"), (ENFORCE, "baseline")]);
        assert_eq!(p.for_namespace(Some("apps")).policy.level, Level::Baseline);
        let p = policies(&[(WARN, "restricted")]);
        assert!(matches!(p.for_namespace(Some("apps")).source, Source::Warned(_)));
        let p = policies(&[(AUDIT, "restricted")]);
        assert_eq!(p.for_namespace(Some("apps")).source, Source::Default);
    }

    #[test]
    fn latest_is_the_runs_kubernetes_version() {
        let p = Policies::new(Policy::default(), minor_of("1.34"), []);
        assert_eq!(p.for_namespace(None).minor, 34);
        assert_eq!(p.for_namespace(None).policy.to_string(), "baseline");
        assert_eq!((minor_of("1.37"), minor_of("1.99"), minor_of("x")), (37, 37, 37));
    }

    #[test]
    fn a_later_namespace_definition_wins_labels_or_not() {
        let enforced = labels(&[(ENFORCE, "restricted")]);
        let none = labels(&[]);
        let ns = |labels| Labelled {
            name: "apps",
            labels,
            file: "ns.yaml",
            line: 1,
        };
        let p = Policies::new(Policy::default(), NEWEST, [ns(&enforced), ns(&none)]);
        assert_eq!(p.for_namespace(Some("apps")).source, Source::Default);
        let p = Policies::new(Policy::default(), NEWEST, [ns(&none), ns(&enforced)]);
        assert_eq!(p.for_namespace(Some("apps")).policy.level, Level::Restricted);
    }
}
