//! PSS006 (baseline, v1.0+): host ports. `ports[*].hostPort` of every container must be unset
//! or 0 (the standard allows a known list, which admission does not support).

use super::check::{Check, as_int, items, name};
use crate::finding::Finding;
use crate::finding::ids::PSS_HOST_PORTS;

pub(super) fn check(cx: &Check<'_>, out: &mut Vec<Finding>) {
    for c in &cx.containers {
        for (i, port) in items(Some(c.node), "ports") {
            let Some(e) = port.entry("hostPort") else { continue };
            let Some(value) = as_int(&e.value).filter(|v| *v != 0) else {
                continue;
            };
            let what = format!("hostPort (container \"{}\" uses hostPort {value})", name(c));
            let at = format!("{}/ports/{i}/hostPort", c.pointer);
            out.push(
                cx.report(PSS_HOST_PORTS, e.value.span, &at, what)
                    .with_label("host port")
                    .with_help("remove hostPort (allowed: unset or 0) and reach the pod through a Service"),
            );
        }
    }
}
