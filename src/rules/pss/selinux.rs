//! PSS008 (baseline, v1.0+): custom SELinux options. `seLinuxOptions.type` (pod and containers)
//! must be empty or one of the container types (`container_engine_t` since 1.31);
//! `seLinuxOptions.user` and `.role` must be empty.

use super::check::{Check, name, sc};
use crate::finding::Finding;
use crate::finding::ids::PSS_SELINUX;
use crate::parse::Node;

const TYPES: &[&str] = &["container_t", "container_init_t", "container_kvm_t"];

pub(super) fn check(cx: &Check<'_>, out: &mut Vec<Finding>) {
    options(cx, cx.pod_sc(), &cx.pod_sc_at(), "pod".to_owned(), out);
    for c in &cx.containers {
        let at = format!("{}/securityContext", c.pointer);
        options(cx, sc(c), &at, format!("container \"{}\"", name(c)), out);
    }
}

fn options(cx: &Check<'_>, sc: Option<&Node>, at: &str, who: String, out: &mut Vec<Finding>) {
    let Some(opts) = sc.and_then(|s| s.get("seLinuxOptions")) else {
        return;
    };
    let at = format!("{at}/seLinuxOptions");
    let engine = cx.since(31);
    let allowed = |t: &str| t.is_empty() || TYPES.contains(&t) || (engine && t == "container_engine_t");
    if let Some(e) = opts.entry("type") {
        if let Some(t) = e.value.as_str().filter(|t| !allowed(t)) {
            let what = format!("seLinuxOptions ({who} set forbidden securityContext.seLinuxOptions: type \"{t}\")");
            let types = if engine {
                "container_t, container_init_t, container_kvm_t or container_engine_t"
            } else {
                "container_t, container_init_t or container_kvm_t"
            };
            out.push(
                cx.report(PSS_SELINUX, e.value.span, &format!("{at}/type"), what)
                    .with_label("SELinux type not allowed")
                    .with_help(format!("leave seLinuxOptions.type unset or use {types}")),
            );
        }
    }
    for key in ["user", "role"] {
        let Some(e) = opts.entry(key) else { continue };
        if e.value.as_str().is_none_or(str::is_empty) {
            continue;
        }
        let what = format!("seLinuxOptions ({who} set forbidden securityContext.seLinuxOptions: {key} may not be set)");
        out.push(
            cx.report(PSS_SELINUX, e.value.span, &format!("{at}/{key}"), what)
                .with_label(format!("SELinux {key} set"))
                .with_help(format!("remove seLinuxOptions.{key}")),
        );
    }
}
