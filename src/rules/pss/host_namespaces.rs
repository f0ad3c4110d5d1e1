//! PSS002 (baseline, v1.0+): sharing the node's network, PID or IPC namespace.
//! `spec.hostNetwork`, `spec.hostPID` and `spec.hostIPC` must be unset or false.

use super::check::{Check, as_bool};
use crate::finding::Finding;
use crate::finding::ids::PSS_HOST_NAMESPACES;

pub(super) fn check(cx: &Check<'_>, out: &mut Vec<Finding>) {
    for key in ["hostNetwork", "hostPID", "hostIPC"] {
        let Some(e) = cx.spec.entry(key) else { continue };
        if as_bool(&e.value) != Some(true) {
            continue;
        }
        let what = format!("host namespaces ({key}=true)");
        out.push(
            cx.report(PSS_HOST_NAMESPACES, e.value.span, &format!("{}/{key}", cx.at), what)
                .with_label("host namespace")
                .with_help(format!("remove {key} (allowed: unset or false)")),
        );
    }
}
