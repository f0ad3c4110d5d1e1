//! K8S027: resource quantities the API server cannot parse (`1GB`, `512mb`), negative ones, and
//! memory given in thousandths of a byte (`memory: 512m`). K8S028: a request above its limit, and
//! the extended resources whose request must equal the limit.

use super::Pod;
use crate::finding::Finding;
use crate::finding::ids::{INVALID_QUANTITY, REQUEST_OVER_LIMIT};
use crate::model::k8s::claim_templates;
use crate::model::{Quantity, QuantityError};
use crate::parse::{Entry, Node, NodeKind, Scalar};
use crate::rules::fargate_eks::Check;

/// What the user probably meant by an unparsable quantity.
fn hint(text: &str) -> String {
    const GENERIC: &str = "write a number with an optional suffix: m (thousandths), k M G T P E (powers of 1000), Ki Mi Gi Ti Pi Ei (powers of 1024), or an exponent (e3): 500m, 128Mi, 1.5, 1e3";
    let trimmed = text.trim();
    if trimmed != text || trimmed.contains(' ') {
        let joined: String = trimmed.chars().filter(|c| *c != ' ').collect();
        if Quantity::parse(&joined).is_ok() {
            return format!("remove the spaces: {joined}");
        }
    }
    let number_end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(number_end);
    if number.is_empty() {
        return GENERIC.to_owned();
    }
    let lower = unit.to_ascii_lowercase();
    let prefix = match lower.trim_end_matches('b').trim_end_matches('i') {
        "k" => "k",
        "m" => "M",
        "g" => "G",
        "t" => "T",
        "p" => "P",
        "e" => "E",
        _ => return GENERIC.to_owned(),
    };
    let binary = if prefix == "k" {
        "Ki".to_owned()
    } else {
        format!("{prefix}i")
    };
    if lower.ends_with('i') || (lower.len() == 3 && lower.ends_with("ib")) {
        return format!("did you mean {number}{binary}? (suffixes are case-sensitive)");
    }
    let no_b = if lower.ends_with('b') {
        " (there is no B suffix)"
    } else {
        ""
    };
    format!("did you mean {number}{binary} (powers of 1024) or {number}{prefix} (powers of 1000)?{no_b}")
}

/// Resources measured in bytes, where a fraction of a byte is a mistake.
fn in_bytes(name: &str) -> bool {
    matches!(name, "memory" | "ephemeral-storage" | "storage" | "sizeLimit") || name.starts_with("hugepages-")
}

/// One quantity value; reports K8S027 and returns its parsed value.
fn quantity(check: &Check<'_>, entry: &Entry, pointer: &str, out: &mut Vec<Finding>) -> Option<f64> {
    let name = entry.key.as_str();
    let (text, value) = match &entry.value.kind {
        NodeKind::Scalar {
            value: Scalar::Str(s), ..
        } => (s.clone(), Quantity::parse(s).map(Quantity::to_f64)),
        NodeKind::Scalar {
            value: Scalar::Number(n),
            ..
        } => (n.to_string(), n.as_f64().ok_or(QuantityError::Format)),
        _ => return None,
    };
    if super::is_placeholder(&text) {
        return None;
    }
    let value = match value {
        Ok(v) => v,
        Err(e) => {
            let reason = e.message();
            out.push(
                check
                    .finding(
                        INVALID_QUANTITY,
                        entry.value.span,
                        pointer,
                        format!("{name}: Invalid value: \"{text}\": {reason}"),
                    )
                    .with_label("not a quantity")
                    .with_help(hint(&text)),
            );
            return None;
        }
    };
    if value < 0.0 {
        out.push(
            check
                .finding(
                    INVALID_QUANTITY,
                    entry.value.span,
                    pointer,
                    format!("{name}: Invalid value: \"{text}\": must be greater than or equal to 0"),
                )
                .with_label("negative")
                .with_help("use a positive quantity"),
        );
        return None;
    }
    // 512m of memory is 0.512 bytes: always meant as 512Mi.
    let fraction = match text.chars().last() {
        Some('m') => Some("thousandths"),
        Some('u') => Some("millionths"),
        Some('n') => Some("billionths"),
        _ => None,
    };
    if let Some(fraction) = fraction.filter(|_| in_bytes(name) && value > 0.0 && value < 1000.0) {
        let number = &text[..text.len() - 1];
        out.push(
            check
                .finding(
                    INVALID_QUANTITY,
                    entry.value.span,
                    pointer,
                    format!("{name}: \"{text}\" is {number} {fraction} of a byte: fractional byte values are invalid"),
                )
                .with_label("a fraction of a byte")
                .with_help(format!("did you mean {number}Mi (mebibytes) or {number}M (megabytes)?")),
        );
        return None;
    }
    Some(value)
}

/// Every quantity of a `ResourceList`-like map at `node`; returns name -> (entry, value).
fn quantities<'a>(
    check: &Check<'_>,
    node: Option<&'a Node>,
    at: &str,
    out: &mut Vec<Finding>,
) -> Vec<(&'a Entry, f64)> {
    let mut parsed = Vec::new();
    let Some(entries) = node.and_then(Node::as_map) else {
        return parsed;
    };
    for e in entries {
        let pointer = format!("{at}/{}", e.key.replace('~', "~0").replace('/', "~1"));
        if let Some(v) = quantity(check, e, &pointer, out) {
            parsed.push((e, v));
        }
    }
    parsed
}

/// requests/limits of a ResourceRequirements; `compare` adds K8S028.
fn requirements(check: &Check<'_>, resources: Option<&Node>, at: &str, compare: bool, out: &mut Vec<Finding>) {
    let Some(resources) = resources else {
        return;
    };
    let requests = quantities(check, resources.get("requests"), &format!("{at}/requests"), out);
    let limits = quantities(check, resources.get("limits"), &format!("{at}/limits"), out);
    if !compare {
        return;
    }
    let limit_names: Vec<&str> = resources
        .get("limits")
        .and_then(Node::as_map)
        .unwrap_or_default()
        .iter()
        .map(|e| e.key.as_str())
        .collect();
    for (request, req) in &requests {
        let name = request.key.as_str();
        let pointer = format!("{at}/requests/{}", name.replace('~', "~0").replace('/', "~1"));
        let text = request.value.scalar_text().unwrap_or_default();
        let overcommit = is_native(name) && !name.starts_with("hugepages-");
        let Some((limit, lim)) = limits.iter().find(|(l, _)| l.key == name) else {
            if !overcommit && !limit_names.contains(&name) {
                out.push(
                    check
                        .finding(
                            REQUEST_OVER_LIMIT,
                            request.key_span,
                            &pointer,
                            format!("resources.limits: Required value: Limit must be set for non overcommitable resources ({name})"),
                        )
                        .with_label("no limit")
                        .with_help(format!("set resources.limits.{name}: {text} (equal to the request)")),
                );
            }
            continue;
        };
        let limit_text = limit.value.scalar_text().unwrap_or_default();
        let (bad, rule) = if overcommit {
            (
                *req > lim * (1.0 + 1e-12),
                format!("must be less than or equal to {name} limit of {limit_text}"),
            )
        } else {
            (
                (req - lim).abs() > lim.abs() * 1e-12,
                format!("must be equal to {name} limit of {limit_text}"),
            )
        };
        if !bad {
            continue;
        }
        out.push(
            check
                .finding(
                    REQUEST_OVER_LIMIT,
                    request.value.span,
                    &pointer,
                    format!("resources.requests: Invalid value: \"{text}\": {rule}"),
                )
                .with_label(if overcommit {
                    "above the limit"
                } else {
                    "differs from the limit"
                })
                .with_related(check.doc, limit.value.span, "the limit")
                .with_help(if overcommit {
                    format!("lower the {name} request to at most {limit_text}, or raise the limit")
                } else {
                    format!("set the {name} request and limit to the same value")
                }),
        );
    }
}

/// Kubernetes' own resources (cpu, memory, hugepages-*, *.kubernetes.io/*), as opposed to
/// extended resources such as nvidia.com/gpu, which cannot be overcommitted.
fn is_native(name: &str) -> bool {
    !name.contains('/') || name.contains("kubernetes.io/")
}

pub(super) fn pod(check: &Check<'_>, pod: &Pod<'_>, out: &mut Vec<Finding>) {
    for c in &pod.containers {
        requirements(
            check,
            c.node.get("resources"),
            &format!("{}/resources", c.pointer),
            true,
            out,
        );
    }
    requirements(
        check,
        pod.spec.get("resources"),
        &format!("{}/resources", pod.at),
        true,
        out,
    );
    quantities(check, pod.spec.get("overhead"), &format!("{}/overhead", pod.at), out);
    let volumes = pod.spec.get("volumes").and_then(Node::as_seq).unwrap_or_default();
    for (i, volume) in volumes.iter().enumerate() {
        let at = format!("{}/volumes/{i}", pod.at);
        if let Some(e) = volume.get("emptyDir").and_then(|d| d.entry("sizeLimit")) {
            quantity(check, e, &format!("{at}/emptyDir/sizeLimit"), out);
        }
        if let Some((resources, _)) = volume.pointer("/ephemeral/volumeClaimTemplate/spec/resources") {
            requirements(
                check,
                Some(resources),
                &format!("{at}/ephemeral/volumeClaimTemplate/spec/resources"),
                false,
                out,
            );
        }
    }
}

pub(super) fn object(check: &Check<'_>, out: &mut Vec<Finding>) {
    let node = check.obj.node;
    match (check.obj.group_version().0, check.obj.kind) {
        ("", "PersistentVolumeClaim") => {
            requirements(
                check,
                node.pointer("/spec/resources").map(|(n, _)| n),
                "/spec/resources",
                false,
                out,
            );
        }
        ("", "PersistentVolume") => {
            quantities(
                check,
                node.pointer("/spec/capacity").map(|(n, _)| n),
                "/spec/capacity",
                out,
            );
        }
        ("", "ResourceQuota") => {
            quantities(check, node.pointer("/spec/hard").map(|(n, _)| n), "/spec/hard", out);
        }
        ("", "LimitRange") => {
            let limits = node
                .pointer("/spec/limits")
                .and_then(|(n, _)| n.as_seq())
                .unwrap_or_default();
            for (i, item) in limits.iter().enumerate() {
                for section in ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"] {
                    quantities(check, item.get(section), &format!("/spec/limits/{i}/{section}"), out);
                }
            }
        }
        ("apps", "StatefulSet") => {
            for t in claim_templates(check.obj) {
                let at = format!("{}/spec/resources", t.pointer);
                requirements(
                    check,
                    t.node.pointer("/spec/resources").map(|(n, _)| n),
                    &at,
                    false,
                    out,
                );
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{deployment, only};
    use super::*;
    use crate::model::quantity::FORMAT_WRONG;

    #[test]
    fn hints() {
        assert_eq!(
            hint("1GB"),
            "did you mean 1Gi (powers of 1024) or 1G (powers of 1000)? (there is no B suffix)"
        );
        assert_eq!(
            hint("512mb"),
            "did you mean 512Mi (powers of 1024) or 512M (powers of 1000)? (there is no B suffix)"
        );
        assert_eq!(hint("2gi"), "did you mean 2Gi? (suffixes are case-sensitive)");
        assert_eq!(hint("1GiB"), "did you mean 1Gi? (suffixes are case-sensitive)");
        assert_eq!(hint("1K"), "did you mean 1Ki (powers of 1024) or 1k (powers of 1000)?");
        assert_eq!(hint("1 Gi"), "remove the spaces: 1Gi");
        assert!(hint("lots").starts_with("write a number"));
    }

    #[test]
    fn container_quantities() {
        let text = deployment(
            "name: app\nimage: app:1\nresources:\n  requests:\n    cpu: 2\n    memory: 1GB\n  limits:\n    cpu: 1\n    memory: 512m",
        );
        assert_eq!(
            only(&text, INVALID_QUANTITY),
            [
                format!("20:23 memory: Invalid value: \"1GB\": {FORMAT_WRONG}"),
                "23:23 memory: \"512m\" is 512 thousandths of a byte: fractional byte values are invalid".to_owned()
            ]
        );
        assert_eq!(
            only(&text, REQUEST_OVER_LIMIT),
            ["19:20 resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1"]
        );
    }

    #[test]
    fn requests_within_limits() {
        let text = deployment(
            "name: app\nimage: app:1\nresources:\n  requests: {cpu: 500m, memory: 1Gi, nvidia.com/gpu: 1}\n  limits: {cpu: '0.5', memory: 1024Mi, nvidia.com/gpu: 1}",
        );
        assert!(only(&text, REQUEST_OVER_LIMIT).is_empty());
        assert!(only(&text, INVALID_QUANTITY).is_empty());
    }

    #[test]
    fn extended_resources_must_match() {
        let text = deployment(
            "name: app\nimage: app:1\nresources:\n  requests: {nvidia.com/gpu: 1, hugepages-2Mi: 100Mi}\n  limits: {nvidia.com/gpu: 2}",
        );
        assert_eq!(
            only(&text, REQUEST_OVER_LIMIT),
            [
                "18:40 resources.requests: Invalid value: \"1\": must be equal to nvidia.com/gpu limit of 2",
                "18:43 resources.limits: Required value: Limit must be set for non overcommitable resources (hugepages-2Mi)"
            ]
        );
    }

    #[test]
    fn numbers_and_negatives() {
        let text = deployment(
            "name: app\nimage: app:1\nresources:\n  requests: {cpu: 0.5, memory: 1e9, ephemeral-storage: -1}",
        );
        assert_eq!(
            only(&text, INVALID_QUANTITY),
            ["18:66 ephemeral-storage: Invalid value: \"-1\": must be greater than or equal to 0"]
        );
    }

    #[test]
    fn other_objects() {
        let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: c\nspec:\n  resources:\n    requests:\n      storage: 10GB\n";
        assert_eq!(only(pvc, INVALID_QUANTITY).len(), 1);
        let quota = "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: q\nspec:\n  hard:\n    pods: \"10\"\n    requests.memory: 1Tb\n";
        assert_eq!(only(quota, INVALID_QUANTITY).len(), 1);
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: [{name: a, image: a:1}]\n  volumes:\n    - {name: t, emptyDir: {sizeLimit: 1gi}}\n";
        assert_eq!(
            only(pod, INVALID_QUANTITY),
            [format!("8:39 sizeLimit: Invalid value: \"1gi\": {FORMAT_WRONG}")]
        );
    }
}
