//! PSS012 (baseline, v1.34+): probes and lifecycle hooks that connect to another host. `host` of
//! `httpGet` and `tcpSocket` in liveness, readiness and startup probes and in postStart and
//! preStop hooks must be unset or empty.

use super::check::{Check, name};
use crate::finding::Finding;
use crate::finding::ids::PSS_HOST_PROBES;

const HANDLERS: &[(&str, &str)] = &[
    ("livenessProbe", ""),
    ("readinessProbe", ""),
    ("startupProbe", ""),
    ("lifecycle", "postStart"),
    ("lifecycle", "preStop"),
];

pub(super) fn check(cx: &Check<'_>, out: &mut Vec<Finding>) {
    if !cx.since(34) {
        return;
    }
    for c in &cx.containers {
        for (field, hook) in HANDLERS {
            let mut handler = c.node.get(field);
            let mut at = format!("{}/{field}", c.pointer);
            if !hook.is_empty() {
                handler = handler.and_then(|l| l.get(hook));
                at = format!("{at}/{hook}");
            }
            for action in ["httpGet", "tcpSocket"] {
                let Some(e) = handler.and_then(|h| h.get(action)).and_then(|a| a.entry("host")) else {
                    continue;
                };
                let Some(host) = e.value.as_str().filter(|h| !h.is_empty()) else {
                    continue;
                };
                let what = format!(
                    "probe or lifecycle host (container \"{}\" uses probe or lifecycle host \"{host}\")",
                    name(c)
                );
                out.push(
                    cx.report(PSS_HOST_PROBES, e.value.span, &format!("{at}/{action}/host"), what)
                        .with_label("probe or hook reaches another host")
                        .with_help("remove host: the kubelet then connects to the pod's own IP"),
                );
            }
        }
    }
}
