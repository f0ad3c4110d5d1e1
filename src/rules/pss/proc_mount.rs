//! PSS009 (baseline, v1.0+): unmasked `/proc`. `securityContext.procMount` of every container must
//! be unset or `Default`. From 1.35, baseline allows any value in a pod with its own user
//! namespace (`hostUsers: false`); restricted does not.

use super::check::{Check, name, sc};
use crate::finding::Finding;
use crate::finding::ids::PSS_PROC_MOUNT;

pub(super) fn check(cx: &Check<'_>, out: &mut Vec<Finding>) {
    if !cx.restricted() && cx.since(35) && cx.user_namespace() {
        return;
    }
    for c in &cx.containers {
        let Some(e) = sc(c).and_then(|s| s.entry("procMount")) else {
            continue;
        };
        let Some(value) = e.value.as_str().filter(|v| *v != "Default") else {
            continue;
        };
        let what = format!(
            "procMount (container \"{}\" must not set securityContext.procMount to \"{value}\")",
            name(c)
        );
        let at = format!("{}/securityContext/procMount", c.pointer);
        out.push(
            cx.report(PSS_PROC_MOUNT, e.value.span, &at, what)
                .with_label("/proc unmasked")
                .with_help("remove procMount or set it to Default"),
        );
    }
}
