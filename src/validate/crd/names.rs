//! The names a CRD gives its API, as the API server validates them
//! (`ValidateCustomResourceDefinitionSpec`, `ValidateCustomResourceDefinitionNames`): the group
//! is a DNS-1123 subdomain with at least one dot, the kind (in any case) and every version name
//! are DNS-1035 labels. `k2e schemas export` builds file paths from them, so a CRD that breaks
//! these rules must not get that far.

use super::Problem;
use serde_json::Value;

/// Every problem with `spec.group`, `spec.names.kind` and `spec.versions[*].name`.
pub fn problems(spec: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut push = |pointer: String, field: &str, value: &str, why: String| {
        out.push(Problem {
            pointer,
            message: format!("{field}: Invalid value: {value:?}: {why}"),
        });
    };
    if let Some(group) = spec.get("group").and_then(Value::as_str) {
        let why = subdomain(group)
            .or_else(|| (!group.contains('.')).then(|| "should be a domain with at least one dot".to_owned()));
        if let Some(why) = why {
            push("/spec/group".into(), "spec.group", group, why);
        }
    }
    if let Some(kind) = spec.get("names").and_then(|n| n.get("kind")).and_then(Value::as_str) {
        if let Some(why) = label(&kind.to_ascii_lowercase()) {
            push(
                "/spec/names/kind".into(),
                "spec.names.kind",
                kind,
                format!("may have mixed case, but should otherwise match: {why}"),
            );
        }
    }
    let versions = spec.get("versions").and_then(Value::as_array);
    for (i, version) in versions.into_iter().flatten().enumerate() {
        let Some(name) = version.get("name").and_then(Value::as_str) else {
            continue;
        };
        if let Some(why) = label(name) {
            push(
                format!("/spec/versions/{i}/name"),
                &format!("spec.versions[{i}].name"),
                name,
                why,
            );
        }
    }
    out
}

const LABEL: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const SUBDOMAIN: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

/// Why `name` is not a DNS-1035 label (at most 63 characters), if it is not.
fn label(name: &str) -> Option<String> {
    if name.len() > 63 {
        return Some("must be no more than 63 characters".into());
    }
    let ok = name.starts_with(|c: char| c.is_ascii_lowercase()) && rfc1123_label(name);
    (!ok).then(|| LABEL.to_owned())
}

/// Why `name` is not a DNS-1123 subdomain (at most 253 characters), if it is not.
fn subdomain(name: &str) -> Option<String> {
    if name.len() > 253 {
        return Some("must be no more than 253 characters".into());
    }
    (!name.split('.').all(rfc1123_label)).then(|| SUBDOMAIN.to_owned())
}

/// Lower case letters, digits and '-', starting and ending with a letter or digit.
fn rfc1123_label(part: &str) -> bool {
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    edge(part.chars().next())
        && edge(part.chars().last())
        && part
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(spec: Value) -> Vec<String> {
        problems(&spec).into_iter().map(|p| p.pointer).collect()
    }

    #[test]
    fn valid_names_pass() {
        let spec = json!({"group": "cert-manager.io", "names": {"kind": "ClusterIssuer"},
            "versions": [{"name": "v1"}, {"name": "v1alpha2"}]});
        assert!(at(spec).is_empty());
    }

    #[test]
    fn names_that_could_leave_a_folder_are_refused() {
        for group in ["/etc", "..", "../x.io", "a..b", "example", "Example.com", "a.io/b"] {
            assert_eq!(at(json!({"group": group})), ["/spec/group"], "{group}");
        }
        for kind in ["../Widget", "Wid.get", "1Widget", "Wid/get", ""] {
            assert_eq!(at(json!({"names": {"kind": kind}})), ["/spec/names/kind"], "{kind}");
        }
        for version in ["..", "v1/../../x", "V1", "1", "v1."] {
            assert_eq!(
                at(json!({"versions": [{"name": version}]})),
                ["/spec/versions/0/name"],
                "{version}"
            );
        }
        assert_eq!(
            problems(&json!({"group": "example"}))[0].message,
            "spec.group: Invalid value: \"example\": should be a domain with at least one dot"
        );
    }
}
