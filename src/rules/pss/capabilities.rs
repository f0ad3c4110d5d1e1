//! PSS004 (baseline, v1.0+): capabilities added beyond the runtime's default set.
//! PSS106 (restricted, v1.22+; Linux pods only from v1.25): every container drops `ALL` and adds
//! back at most `NET_BIND_SERVICE`. Where PSS106 applies, it replaces PSS004, as admission's
//! restricted check replaces the baseline one. Capability names are compared as written: admission
//! does not read `CAP_SYS_ADMIN` or `sys_admin` as `SYS_ADMIN`.

use super::check::{Check, anchor, items, name, sc};
use crate::finding::Finding;
use crate::finding::ids::{PSS_CAPABILITIES, PSS_RESTRICTED_CAPABILITIES};
use crate::model::k8s::ContainerRef;

/// The capabilities a container runtime grants by default, which baseline lets a container add.
const DEFAULT_SET: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// Whether the restricted check replaces the baseline one for this pod.
pub(super) fn restricted_applies(cx: &Check<'_>) -> bool {
    cx.restricted() && cx.since(22)
}

pub(super) fn check(cx: &Check<'_>, out: &mut Vec<Finding>) {
    if restricted_applies(cx) {
        if !(cx.since(25) && cx.windows()) {
            cx.containers.iter().for_each(|c| restricted(cx, c, out));
        }
        return;
    }
    cx.containers.iter().for_each(|c| baseline(cx, c, out));
}

fn baseline(cx: &Check<'_>, c: &ContainerRef<'_>, out: &mut Vec<Finding>) {
    let caps = sc(c).and_then(|s| s.get("capabilities"));
    for (i, cap) in items(caps, "add") {
        let Some(value) = cap.as_str().filter(|v| !DEFAULT_SET.contains(v)) else {
            continue;
        };
        let what = format!(
            "non-default capabilities (container \"{}\" must not include \"{value}\" in securityContext.capabilities.add)",
            name(c)
        );
        let at = format!("{}/securityContext/capabilities/add/{i}", c.pointer);
        out.push(
            cx.report(PSS_CAPABILITIES, cap.span, &at, what)
                .with_label("capability beyond the default set")
                .with_help(format!(
                    "remove {value} from capabilities.add; baseline allows adding only {}",
                    DEFAULT_SET.join(", ")
                )),
        );
    }
}

fn restricted(cx: &Check<'_>, c: &ContainerRef<'_>, out: &mut Vec<Finding>) {
    let who = format!("container \"{}\"", name(c));
    let caps = sc(c).and_then(|s| s.get("capabilities"));
    let drops_all = items(caps, "drop").any(|(_, d)| d.as_str() == Some("ALL"));
    if !drops_all {
        let caps_at = format!("{}/securityContext/capabilities", c.pointer);
        let place = match (
            caps.and_then(|n| n.entry("drop")),
            sc(c).and_then(|s| s.entry("capabilities")),
        ) {
            (Some(drop), _) => Some((drop.key_span, format!("{caps_at}/drop"))),
            (None, Some(e)) => Some((e.key_span, caps_at)),
            (None, None) => anchor(c),
        };
        if let Some((span, at)) = place {
            let what =
                format!("unrestricted capabilities ({who} must set securityContext.capabilities.drop=[\"ALL\"])");
            out.push(
                cx.report(PSS_RESTRICTED_CAPABILITIES, span, &at, what)
                    .with_label("does not drop ALL")
                    .with_help("set securityContext.capabilities.drop: [\"ALL\"] on the container"),
            );
        }
    }
    for (i, cap) in items(caps, "add") {
        let Some(value) = cap.as_str().filter(|v| *v != "NET_BIND_SERVICE") else {
            continue;
        };
        let what = format!(
            "unrestricted capabilities ({who} must not include \"{value}\" in securityContext.capabilities.add)"
        );
        let at = format!("{}/securityContext/capabilities/add/{i}", c.pointer);
        out.push(
            cx.report(PSS_RESTRICTED_CAPABILITIES, cap.span, &at, what)
                .with_label("capability restricted forbids")
                .with_help(format!(
                    "remove {value} from capabilities.add; restricted allows adding only NET_BIND_SERVICE"
                )),
        );
    }
}
