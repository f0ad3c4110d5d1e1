//! PSS102 (restricted, v1.8+; Linux pods only from v1.25): every container sets
//! `securityContext.allowPrivilegeEscalation: false` (unset allows it).

use super::check::{Check, anchor, as_bool, name, sc};
use crate::finding::Finding;
use crate::finding::ids::PSS_PRIVILEGE_ESCALATION;

/// Whether the control applies to this pod.
pub(super) fn applies(cx: &Check<'_>) -> bool {
    cx.restricted() && cx.since(8) && !(cx.since(25) && cx.windows())
}

pub(super) fn check(cx: &Check<'_>, out: &mut Vec<Finding>) {
    if !applies(cx) {
        return;
    }
    for c in &cx.containers {
        let entry = sc(c).and_then(|s| s.entry("allowPrivilegeEscalation"));
        let place = match entry {
            Some(e) if as_bool(&e.value) == Some(false) => continue,
            Some(e) if as_bool(&e.value) == Some(true) => Some((
                e.value.span,
                format!("{}/securityContext/allowPrivilegeEscalation", c.pointer),
            )),
            _ => anchor(c),
        };
        let Some((span, at)) = place else { continue };
        let what = format!(
            "allowPrivilegeEscalation != false (container \"{}\" must set securityContext.allowPrivilegeEscalation=false)",
            name(c)
        );
        out.push(
            cx.report(PSS_PRIVILEGE_ESCALATION, span, &at, what)
                .with_label("privilege escalation allowed")
                .with_help("set securityContext.allowPrivilegeEscalation: false on the container"),
        );
    }
}
