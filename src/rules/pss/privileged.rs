//! PSS003 (baseline, v1.0+): privileged containers, which have every capability and every device
//! of the node. `securityContext.privileged` must be unset or false on every container.

use super::check::{Check, as_bool, name, sc};
use crate::finding::Finding;
use crate::finding::ids::PSS_PRIVILEGED;

pub(super) fn check(cx: &Check<'_>, out: &mut Vec<Finding>) {
    for c in &cx.containers {
        let Some(e) = sc(c).and_then(|s| s.entry("privileged")) else {
            continue;
        };
        if as_bool(&e.value) != Some(true) {
            continue;
        }
        let what = format!(
            "privileged (container \"{}\" must not set securityContext.privileged=true)",
            name(c)
        );
        let at = format!("{}/securityContext/privileged", c.pointer);
        out.push(
            cx.report(PSS_PRIVILEGED, e.value.span, &at, what)
                .with_label("privileged container")
                .with_help(
                    "remove privileged: true (allowed: unset or false); add only the capabilities the program needs",
                ),
        );
    }
}
