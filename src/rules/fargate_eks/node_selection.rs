//! FG108 (and FG115 for Spot): node selectors, required node affinity, `os.name` and extended resources that no Fargate
//! node satisfies.

use super::{Check, NODE_GROUP};
use crate::finding::{Finding, ids};
use crate::model::k8s::{ARCH_LABELS, ContainerRef, Located, OS_LABELS, PodTemplate};
use crate::model::quantity;
use crate::parse::{Node, Span};

/// What a node label or selector asks for that Fargate does not offer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unavailable {
    Arch,
    Windows,
    Gpu,
    /// FG115: EKS has no Fargate Spot.
    Spot,
}

impl Unavailable {
    fn rule(self) -> &'static str {
        match self {
            Unavailable::Spot => ids::EKS_FG_SPOT,
            Unavailable::Arch | Unavailable::Windows | Unavailable::Gpu => ids::EKS_FG_NODE_SELECTION,
        }
    }

    fn reason(self) -> &'static str {
        match self {
            Unavailable::Arch => "Fargate on EKS runs x86_64 (amd64) Linux pods only",
            Unavailable::Windows => "Fargate on EKS runs Linux pods only",
            Unavailable::Gpu => "GPUs and accelerators (Inferentia, Trainium) are not available on Fargate",
            Unavailable::Spot => {
                "Amazon EKS doesn't support Fargate Spot: every Fargate pod runs on on-demand capacity"
            }
        }
    }

    fn help(self) -> String {
        match self {
            Unavailable::Arch => format!(
                "publish an amd64 (or multi-arch) image and select kubernetes.io/arch: amd64 or drop the selector; run Arm (Graviton) pods on {NODE_GROUP}"
            ),
            Unavailable::Windows => format!("run Windows pods on {NODE_GROUP}"),
            Unavailable::Gpu => format!("run GPU and Inferentia/Trainium pods on {NODE_GROUP}"),
            Unavailable::Spot => format!(
                "drop the capacity-type selector to run on Fargate (on-demand), or run the pod on Spot instances in {NODE_GROUP}"
            ),
        }
    }
}

fn mentions_gpu(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    ["gpu", "accelerator", "inferentia", "trainium", "neuron"]
        .iter()
        .any(|w| t.contains(w))
}

/// Node labels that tell Spot capacity from on-demand (EKS managed node groups, Karpenter), with
/// their Spot and on-demand values.
const CAPACITY_LABELS: &[(&str, &str, &str)] = &[
    ("eks.amazonaws.com/capacityType", "SPOT", "ON_DEMAND"),
    ("karpenter.sh/capacity-type", "spot", "on-demand"),
];

fn capacity_label(key: &str) -> Option<(&'static str, &'static str)> {
    CAPACITY_LABELS
        .iter()
        .find(|(label, _, _)| *label == key)
        .map(|(_, spot, on_demand)| (*spot, *on_demand))
}

/// Label values that say "no".
fn is_no(value: &str) -> bool {
    matches!(value.to_ascii_lowercase().as_str(), "" | "false" | "0" | "no" | "none")
}

/// An extended resource that is a GPU or an AWS Inferentia/Trainium device.
fn is_gpu_resource(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("gpu") || n.starts_with("aws.amazon.com/neuron")
}

pub(super) fn check(check: &Check<'_>, pod: &PodTemplate<'_>, containers: &[ContainerRef<'_>], out: &mut Vec<Finding>) {
    let (spec, at) = (pod.spec, pod.at);
    let push = |out: &mut Vec<Finding>, span: Span, pointer: String, message: String, what: Unavailable| {
        out.push(
            check
                .finding(what.rule(), span, &pointer, message)
                .with_label("no Fargate node has this")
                .with_help(what.help()),
        );
    };
    let selector = spec.get("nodeSelector").and_then(Node::as_map).unwrap_or_default();
    for entry in selector {
        let pointer = format!("{at}/nodeSelector/{}", entry.key.replace('~', "~0").replace('/', "~1"));
        let value = entry.value.scalar_text().unwrap_or_default();
        let key = entry.key.as_str();
        let found = if ARCH_LABELS.contains(&key) && !value.is_empty() && value != "amd64" {
            Some((Unavailable::Arch, entry.value.span))
        } else if OS_LABELS.contains(&key) && !value.is_empty() && value != "linux" {
            Some((Unavailable::Windows, entry.value.span))
        } else if capacity_label(key).is_some_and(|(spot, _)| value == spot) {
            Some((Unavailable::Spot, entry.value.span))
        } else if mentions_gpu(key) && !is_no(&value) {
            Some((Unavailable::Gpu, entry.key_span))
        } else if mentions_gpu(&value) {
            Some((Unavailable::Gpu, entry.value.span))
        } else {
            None
        };
        if let Some((what, span)) = found {
            let message = format!("nodeSelector {key}: {value} matches no Fargate node: {}", what.reason());
            push(out, span, pointer, message, what);
        }
    }
    if let Some(Located { node: os, pointer }) = pod.os_name() {
        if os.as_str().is_some_and(|n| n != "linux") {
            let message = format!(
                "os.name {} matches no Fargate node: {}",
                os.scalar_text().unwrap_or_default(),
                Unavailable::Windows.reason()
            );
            push(out, os.span, pointer, message, Unavailable::Windows);
        }
    }
    required_affinity(spec, at, |span, pointer, message, what| {
        push(out, span, pointer, message, what);
    });
    for c in containers {
        let Some(resources) = c.node.get("resources") else {
            continue;
        };
        // Extended resources must have requests equal to limits: report one of the two.
        let limits = resources.get("limits").and_then(Node::as_map).unwrap_or_default();
        let requests = resources.get("requests").and_then(Node::as_map).unwrap_or_default();
        let mut seen: Vec<&str> = Vec::new();
        for (section, entries) in [("limits", limits), ("requests", requests)] {
            for entry in entries {
                if !is_gpu_resource(&entry.key) || seen.contains(&entry.key.as_str()) {
                    continue;
                }
                seen.push(&entry.key);
                if quantity::value_of(&entry.value).is_some_and(|q| q <= 0.0) {
                    continue;
                }
                let message = format!(
                    "container \"{}\" asks for {} {} ({section}): {}",
                    c.name().unwrap_or("?"),
                    &entry.value.scalar_text().unwrap_or_default(),
                    entry.key,
                    Unavailable::Gpu.reason()
                );
                push(
                    out,
                    entry.key_span,
                    format!(
                        "{}/resources/{section}/{}",
                        c.pointer,
                        entry.key.replace('~', "~0").replace('/', "~1")
                    ),
                    message,
                    Unavailable::Gpu,
                );
            }
        }
    }
}

/// Required node affinity: the terms are ORed, so it is unsatisfiable on Fargate only when every
/// term has an expression no Fargate node matches. Reports that expression of each term.
fn required_affinity(spec: &Node, at: &str, mut report: impl FnMut(Span, String, String, Unavailable)) {
    const TERMS: &str = "/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms";
    let Some(terms) = spec.pointer(TERMS).and_then(|(n, _)| n.as_seq()) else {
        return;
    };
    let mut found = Vec::new();
    for (t, term) in terms.iter().enumerate() {
        let exprs = term.get("matchExpressions").and_then(Node::as_seq).unwrap_or_default();
        let hit = exprs
            .iter()
            .enumerate()
            .find_map(|(e, expr)| unsatisfiable(expr).map(|(what, text)| (e, expr, what, text)));
        match hit {
            Some((e, expr, what, text)) => found.push((t, e, expr, what, text)),
            None => return,
        }
    }
    for (t, e, expr, what, text) in found {
        let Some(key) = expr.get("key") else {
            continue;
        };
        report(
            key.span,
            format!("{at}{TERMS}/{t}/matchExpressions/{e}/key"),
            format!(
                "required node affinity {text} matches no Fargate node: {}",
                what.reason()
            ),
            what,
        );
    }
}

/// A match expression no Fargate node satisfies, and how to show it.
fn unsatisfiable(expr: &Node) -> Option<(Unavailable, String)> {
    let key = expr.get("key")?.as_str()?;
    let operator = expr.get("operator")?.as_str()?;
    let values = expr.scalar_texts("values");
    let has = |v: &str| values.iter().any(|x| x == v);
    let what = if ARCH_LABELS.contains(&key) {
        let bad = match operator {
            "In" => !has("amd64"),
            "NotIn" => has("amd64"),
            _ => false,
        };
        bad.then_some(Unavailable::Arch)
    } else if OS_LABELS.contains(&key) {
        let bad = match operator {
            "In" => !has("linux"),
            "NotIn" => has("linux"),
            _ => false,
        };
        bad.then_some(Unavailable::Windows)
    } else if let Some((spot, on_demand)) = capacity_label(key) {
        let bad = match operator {
            "In" => !values.is_empty() && values.iter().all(|v| v == spot),
            "NotIn" => has(on_demand),
            _ => false,
        };
        bad.then_some(Unavailable::Spot)
    } else if mentions_gpu(key) {
        let bad = match operator {
            "Exists" => true,
            "In" => !values.is_empty() && values.iter().all(|v| !is_no(v)),
            _ => false,
        };
        bad.then_some(Unavailable::Gpu)
    } else {
        None
    }?;
    let text = if values.is_empty() {
        format!("{key} {operator}")
    } else {
        format!("{key} {operator} [{}]", values.join(", "))
    };
    Some((what, text))
}
