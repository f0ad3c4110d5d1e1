//! FG109: more than 175 GiB of ephemeral storage, per container or for the pod. Fargate sizes a
//! pod by its requests (a container without a request gets its limit as request); init containers
//! run one at a time, regular containers and sidecars together.

use super::Check;
use crate::finding::{Finding, ids};
use crate::model::k8s::{ContainerRef, Phase};
use crate::model::quantity;
use crate::parse::Span;

/// Ephemeral storage a Fargate pod can have (20 GiB included, up to 175 GiB on request).
const MAX_EPHEMERAL_GIB: f64 = 175.0;

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

fn gib(bytes: f64) -> String {
    let s = format!("{:.2}", bytes / GIB);
    format!("{} GiB", s.trim_end_matches('0').trim_end_matches('.'))
}

pub(super) fn check(check: &Check<'_>, containers: &[ContainerRef<'_>], out: &mut Vec<Finding>) {
    let max = MAX_EPHEMERAL_GIB * GIB;
    let mut total = 0.0;
    let mut over = false;
    let push = |out: &mut Vec<Finding>, span: Span, pointer: String, message: String| {
        out.push(
            check
                .finding(ids::EKS_FG_EPHEMERAL_STORAGE, span, &pointer, message)
                .with_label("above 175 GiB")
                .with_help(
                    "Fargate gives a pod at most 175 GiB of ephemeral storage (20 GiB included): request less, or keep large data on EFS",
                ),
        );
    };
    for c in containers {
        let Some(resources) = c.node.get("resources") else {
            continue;
        };
        let mut effective = None;
        for section in ["requests", "limits"] {
            let Some(value) = resources.get(section).and_then(|s| s.get("ephemeral-storage")) else {
                continue;
            };
            let Some(bytes) = quantity::value_of(value).filter(|b| *b >= 0.0) else {
                continue;
            };
            let pointer = format!("{}/resources/{section}/ephemeral-storage", c.pointer);
            if effective.is_none() {
                effective = Some((bytes, value.span, pointer.clone(), section));
            }
            if bytes > max {
                over = true;
                let kind = if section == "requests" { "request" } else { "limit" };
                push(
                    out,
                    value.span,
                    pointer,
                    format!(
                        "ephemeral-storage {kind} {} ({}) of container \"{}\" is above the {MAX_EPHEMERAL_GIB} GiB a Fargate pod can have",
                        value.scalar_text().unwrap_or_default(),
                        gib(bytes),
                        c.name().unwrap_or("?")
                    ),
                );
            }
        }
        // Sidecars (init containers with restartPolicy Always) keep running beside the others.
        if !matches!(c.phase, Phase::App | Phase::Sidecar) || over {
            continue;
        }
        let Some((bytes, span, pointer, section)) = effective else {
            continue;
        };
        let before = total;
        total += bytes;
        if before <= max && total > max {
            over = true;
            let kind = if section == "requests" {
                "requests"
            } else {
                "limits (used as requests)"
            };
            push(
                out,
                span,
                pointer,
                format!(
                    "ephemeral-storage {kind} of the pod's containers add up to {} with container \"{}\", above the {MAX_EPHEMERAL_GIB} GiB a Fargate pod can have",
                    gib(total),
                    c.name().unwrap_or("?")
                ),
            );
        }
    }
}
