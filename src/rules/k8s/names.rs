//! K8S025: object, container and volume names the API server refuses (DNS-1123 subdomain,
//! DNS-1123 label or DNS-1035 label, depending on the kind), and K8S026 for duplicate container
//! and volume names in a pod.

use super::{Pod, is_placeholder};
use crate::finding::Finding;
use crate::finding::ids::{INVALID_NAME, K8S_DUPLICATE_NAME};
use crate::parse::{Entry, Node, Span};
use crate::rules::fargate_eks::Check;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Rule {
    /// RFC 1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
    Label,
    /// RFC 1123 subdomain: labels joined by dots, at most 253 characters.
    Subdomain,
    /// RFC 1035 label: a label that starts with a letter.
    Dns1035,
}

impl Rule {
    fn max(self) -> usize {
        match self {
            Rule::Subdomain => 253,
            Rule::Label | Rule::Dns1035 => 63,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Rule::Label => "a lowercase RFC 1123 label",
            Rule::Subdomain => "a lowercase RFC 1123 subdomain",
            Rule::Dns1035 => "a DNS-1035 label",
        }
    }

    fn allowed(self) -> &'static str {
        match self {
            Rule::Subdomain => "lowercase letters, digits, '-' and '.'",
            Rule::Label | Rule::Dns1035 => "lowercase letters, digits and '-'",
        }
    }
}

/// Kinds whose `metadata.name` the API server validates as a DNS-1123 subdomain, by API group.
/// RBAC objects (any path segment) and custom resources are left out.
const SUBDOMAIN_KINDS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "ConfigMap",
            "Endpoints",
            "LimitRange",
            "Node",
            "PersistentVolume",
            "PersistentVolumeClaim",
            "Pod",
            "PodTemplate",
            "ReplicationController",
            "ResourceQuota",
            "Secret",
            "ServiceAccount",
        ],
    ),
    ("apps", &["ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet"]),
    (
        "extensions",
        &["DaemonSet", "Deployment", "Ingress", "NetworkPolicy", "ReplicaSet"],
    ),
    ("batch", &["CronJob", "Job"]),
    ("autoscaling", &["HorizontalPodAutoscaler"]),
    ("policy", &["PodDisruptionBudget"]),
    ("networking.k8s.io", &["Ingress", "IngressClass", "NetworkPolicy"]),
    (
        "storage.k8s.io",
        &["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"],
    ),
    ("scheduling.k8s.io", &["PriorityClass"]),
    ("discovery.k8s.io", &["EndpointSlice"]),
    ("coordination.k8s.io", &["Lease"]),
    ("node.k8s.io", &["RuntimeClass"]),
    ("apiextensions.k8s.io", &["CustomResourceDefinition"]),
    (
        "admissionregistration.k8s.io",
        &["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
    ),
];

fn object_rule(group: &str, kind: &str) -> Option<Rule> {
    match (group, kind) {
        ("", "Service") => Some(Rule::Dns1035),
        ("", "Namespace") | ("apps", "StatefulSet") => Some(Rule::Label),
        _ => SUBDOMAIN_KINDS
            .iter()
            .any(|(g, kinds)| *g == group && kinds.contains(&kind))
            .then_some(Rule::Subdomain),
    }
}

pub(super) fn object_name(check: &Check<'_>, out: &mut Vec<Finding>) {
    let (group, _) = check.obj.group_version();
    let Some(rule) = object_rule(group, check.obj.kind) else {
        return;
    };
    let Some(entry) = check.obj.node.get("metadata").and_then(|m| m.entry("name")) else {
        return;
    };
    let Some(name) = entry.value.as_str() else {
        return;
    };
    if name.is_empty() || is_placeholder(name) {
        return;
    }
    if let Some(problem) = problem(name, rule) {
        out.push(invalid(
            check,
            entry,
            "/metadata/name",
            "metadata.name",
            name,
            rule,
            &problem,
        ));
        return;
    }
    // The name ends up in labels of the pods (Job: job-name, 63 characters) or in the names of
    // the Jobs a CronJob creates (52 + 11 characters of suffix).
    let limit = match (group, check.obj.kind) {
        ("batch", "CronJob") => 52,
        ("batch", "Job") => 63,
        _ => return,
    };
    if name.len() > limit {
        out.push(
            check
                .finding(
                    INVALID_NAME,
                    entry.value.span,
                    "/metadata/name",
                    format!("metadata.name: Invalid value: \"{name}\": must be no more than {limit} characters"),
                )
                .with_label("name too long")
                .with_help(format!(
                    "shorten the {} name to at most {limit} characters",
                    check.obj.kind
                )),
        );
    }
}

pub(super) fn pod(check: &Check<'_>, pod: &Pod<'_>, out: &mut Vec<Finding>) {
    let mut containers: Vec<(&str, Span)> = Vec::new();
    for c in &pod.containers {
        let Some(entry) = c.node.entry("name") else {
            continue;
        };
        let Some(name) = entry.value.as_str().filter(|n| !n.is_empty() && !is_placeholder(n)) else {
            continue;
        };
        let pointer = format!("{}/name", c.pointer);
        if let Some(problem) = problem(name, Rule::Label) {
            out.push(invalid(
                check,
                entry,
                &pointer,
                "container name",
                name,
                Rule::Label,
                &problem,
            ));
        }
        duplicate(check, &mut containers, entry, name, &pointer, "container", out);
    }
    let volumes = pod.spec.get("volumes").and_then(Node::as_seq).unwrap_or_default();
    let mut seen: Vec<(&str, Span)> = Vec::new();
    for (i, volume) in volumes.iter().enumerate() {
        let Some(entry) = volume.entry("name") else {
            continue;
        };
        let Some(name) = entry.value.as_str().filter(|n| !n.is_empty() && !is_placeholder(n)) else {
            continue;
        };
        let pointer = format!("{}/volumes/{i}/name", pod.at);
        if let Some(problem) = problem(name, Rule::Label) {
            out.push(invalid(
                check,
                entry,
                &pointer,
                "volume name",
                name,
                Rule::Label,
                &problem,
            ));
        }
        duplicate(check, &mut seen, entry, name, &pointer, "volume", out);
    }
}

fn duplicate<'a>(
    check: &Check<'_>,
    seen: &mut Vec<(&'a str, Span)>,
    entry: &Entry,
    name: &'a str,
    pointer: &str,
    what: &str,
    out: &mut Vec<Finding>,
) {
    if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
        out.push(
            check
                .finding(
                    K8S_DUPLICATE_NAME,
                    entry.value.span,
                    pointer,
                    format!("{what} name: Duplicate value: \"{name}\""),
                )
                .with_label(format!("duplicate {what} name"))
                .with_related(check.doc, *first, "first used here")
                .with_help(format!("give each {what} of the pod its own name")),
        );
    } else {
        seen.push((name, entry.value.span));
    }
}

fn invalid(
    check: &Check<'_>,
    entry: &Entry,
    pointer: &str,
    field: &str,
    name: &str,
    rule: Rule,
    problem: &str,
) -> Finding {
    let help = match suggestion(name, rule) {
        Some(fixed) => format!("use \"{fixed}\" ({})", rule.allowed()),
        None => format!("use {}, starting and ending with a letter or digit", rule.allowed()),
    };
    check
        .finding(
            INVALID_NAME,
            entry.value.span,
            pointer,
            format!("{field}: Invalid value: \"{name}\": {problem}"),
        )
        .with_label(format!("not {}", rule.describe()))
        .with_help(help)
}

/// Why `name` is not valid under `rule`, naming the offending characters; None when it is valid.
pub(super) fn problem(name: &str, rule: Rule) -> Option<String> {
    let allowed =
        |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || (c == '.' && rule == Rule::Subdomain);
    let bad: Vec<(usize, char)> = name.chars().enumerate().filter(|(_, c)| !allowed(*c)).collect();
    if let Some((first, _)) = bad.first() {
        let mut kinds: Vec<String> = Vec::new();
        if bad.iter().any(|(_, c)| c.is_ascii_uppercase()) {
            kinds.push("uppercase letters".to_owned());
        }
        for (_, c) in &bad {
            let shown = match c {
                ' ' => "spaces".to_owned(),
                c if c.is_ascii_uppercase() => continue,
                c => format!("'{c}'"),
            };
            if !kinds.contains(&shown) {
                kinds.push(shown);
            }
        }
        let list = match kinds.as_slice() {
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
            [] => String::new(),
        };
        let verb = if kinds.len() == 1 && kinds[0].starts_with('\'') {
            "is"
        } else {
            "are"
        };
        return Some(format!(
            "{list} {verb} not allowed in {} (character {})",
            rule.describe(),
            first + 1
        ));
    }
    if name.len() > rule.max() {
        return Some(format!("must be no more than {} characters", rule.max()));
    }
    let parts: Vec<&str> = if rule == Rule::Subdomain {
        name.split('.').collect()
    } else {
        vec![name]
    };
    for part in parts {
        let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if !edge_ok(part.chars().next()) || !edge_ok(part.chars().last()) {
            return Some(if rule == Rule::Subdomain && name.contains('.') {
                format!(
                    "{} must start and end with a letter or digit, around every '.'",
                    rule.describe()
                )
            } else {
                format!("{} must start and end with a letter or digit", rule.describe())
            });
        }
    }
    if rule == Rule::Dns1035 && !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some(format!("{} must start with a letter", rule.describe()));
    }
    None
}

/// The closest valid name: lowercase, other characters turned into '-', edges trimmed.
pub(super) fn suggestion(name: &str, rule: Rule) -> Option<String> {
    let lower = name.to_lowercase();
    let mapped: String = lower
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || (c == '.' && rule == Rule::Subdomain) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trim = |s: &str| s.trim_matches(|c: char| !c.is_ascii_alphanumeric()).to_owned();
    let mut fixed = if rule == Rule::Subdomain {
        mapped
            .split('.')
            .map(trim)
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(".")
    } else {
        trim(&mapped)
    };
    if fixed.len() > rule.max() {
        fixed.truncate(rule.max());
        fixed = trim(&fixed);
    }
    (!fixed.is_empty() && fixed != name && problem(&fixed, rule).is_none()).then_some(fixed)
}

/// The first problem of a DNS-1123 label (Service port names), for other packs of rules.
pub(super) fn label_problem(name: &str) -> Option<String> {
    problem(name, Rule::Label)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::only;
    use super::*;

    #[test]
    fn problems() {
        assert_eq!(problem("web-app", Rule::Label), None);
        assert_eq!(problem("web.app", Rule::Subdomain), None);
        assert_eq!(problem("0day", Rule::Label), None);
        assert_eq!(
            problem("Web_App", Rule::Subdomain).as_deref(),
            Some("uppercase letters and '_' are not allowed in a lowercase RFC 1123 subdomain (character 1)")
        );
        assert_eq!(
            problem("web.app", Rule::Label).as_deref(),
            Some("'.' is not allowed in a lowercase RFC 1123 label (character 4)")
        );
        assert_eq!(
            problem("my app", Rule::Label).as_deref(),
            Some("spaces are not allowed in a lowercase RFC 1123 label (character 3)")
        );
        assert_eq!(
            problem("-web", Rule::Label).as_deref(),
            Some("a lowercase RFC 1123 label must start and end with a letter or digit")
        );
        assert_eq!(
            problem("web.-app", Rule::Subdomain).as_deref(),
            Some("a lowercase RFC 1123 subdomain must start and end with a letter or digit, around every '.'")
        );
        assert_eq!(
            problem("1web", Rule::Dns1035).as_deref(),
            Some("a DNS-1035 label must start with a letter")
        );
        assert_eq!(
            problem(&"a".repeat(64), Rule::Label).as_deref(),
            Some("must be no more than 63 characters")
        );
        assert_eq!(problem(&"a".repeat(64), Rule::Subdomain), None);
        assert!(problem("wéb", Rule::Label).is_some());
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggestion("Web_App", Rule::Subdomain).as_deref(), Some("web-app"));
        assert_eq!(suggestion("web.app", Rule::Label).as_deref(), Some("web-app"));
        assert_eq!(
            suggestion("My.Site..com", Rule::Subdomain).as_deref(),
            Some("my.site.com")
        );
        assert_eq!(suggestion("_x_", Rule::Label).as_deref(), Some("x"));
        assert_eq!(suggestion("1web", Rule::Dns1035), None);
        assert_eq!(suggestion("___", Rule::Label), None);
        assert_eq!(suggestion(&"A".repeat(70), Rule::Label).map(|s| s.len()), Some(63));
    }

    fn object(api: &str, kind: &str, name: &str) -> String {
        format!("apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\n")
    }

    #[test]
    fn rules_per_kind() {
        assert_eq!(
            only(&object("v1", "Service", "web.api"), INVALID_NAME),
            ["4:9 metadata.name: Invalid value: \"web.api\": '.' is not allowed in a DNS-1035 label (character 4)"]
        );
        assert!(only(&object("v1", "ConfigMap", "web.api"), INVALID_NAME).is_empty());
        assert_eq!(only(&object("v1", "Namespace", "team.a"), INVALID_NAME).len(), 1);
        assert_eq!(
            only(&object("apps/v1", "StatefulSet", "db.main"), INVALID_NAME).len(),
            1
        );
        assert!(
            only(
                &object("rbac.authorization.k8s.io/v1", "ClusterRole", "system:reader"),
                INVALID_NAME
            )
            .is_empty()
        );
        assert!(only(&object("example.com/v1", "Widget", "Big_Widget"), INVALID_NAME).is_empty());
        assert!(
            only(
                &object("v1", "ConfigMap", "\"{{ .Release.Name }}-config\""),
                INVALID_NAME
            )
            .is_empty()
        );
    }

    #[test]
    fn length_limits_of_jobs() {
        let long = "a".repeat(60);
        assert_eq!(
            only(&object("batch/v1", "CronJob", &long), INVALID_NAME),
            [format!(
                "4:9 metadata.name: Invalid value: \"{long}\": must be no more than 52 characters"
            )]
        );
        assert!(only(&object("batch/v1", "Job", &long), INVALID_NAME).is_empty());
        assert_eq!(only(&object("batch/v1", "Job", &"a".repeat(64)), INVALID_NAME).len(), 1);
    }

    #[test]
    fn containers_and_volumes() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  initContainers:\n    - {name: app, image: a:1}\n  containers:\n    - {name: app, image: a:1}\n    - {name: Side_Car, image: a:1}\n  volumes:\n    - {name: data.dir, emptyDir: {}}\n    - {name: cache, emptyDir: {}}\n    - {name: cache, emptyDir: {}}\n";
        assert_eq!(
            only(text, INVALID_NAME),
            [
                "10:14 container name: Invalid value: \"Side_Car\": uppercase letters and '_' are not allowed in a lowercase RFC 1123 label (character 1)",
                "12:14 volume name: Invalid value: \"data.dir\": '.' is not allowed in a lowercase RFC 1123 label (character 5)"
            ]
        );
        assert_eq!(
            only(text, K8S_DUPLICATE_NAME),
            [
                "9:14 container name: Duplicate value: \"app\"",
                "14:14 volume name: Duplicate value: \"cache\""
            ]
        );
    }
}
