//! PSS103 (restricted, v1.0+): containers must run as non-root: `runAsNonRoot: true` on the pod,
//! or on every container (a container's own value wins).
//! PSS104 (restricted, v1.23+): `runAsUser` must not be 0, on the pod or any container.
//! From 1.35 neither applies to a pod with its own user namespace (`hostUsers: false`), where
//! root in the container is not root on the node.

use super::check::{Check, anchor, as_bool, as_int, name, sc, set};
use crate::finding::Finding;
use crate::finding::ids::{PSS_RUN_AS_NON_ROOT, PSS_RUN_AS_USER};
use crate::parse::Node;

/// Whether both controls apply to this pod (PSS104 also needs 1.23).
pub(super) fn applies(cx: &Check<'_>) -> bool {
    cx.restricted() && !(cx.since(35) && cx.user_namespace())
}

pub(super) fn check(cx: &Check<'_>, out: &mut Vec<Finding>) {
    if !applies(cx) {
        return;
    }
    non_root(cx, out);
    if cx.since(23) {
        user(cx, out);
    }
}

const NON_ROOT_HELP: &str =
    "set securityContext.runAsNonRoot: true on the pod (or on each container) and run the image as a non-root user";

fn non_root(cx: &Check<'_>, out: &mut Vec<Finding>) {
    let pod = set(cx.pod_sc(), "runAsNonRoot");
    let pod_value = pod.and_then(|e| as_bool(&e.value));
    if let (Some(e), Some(false)) = (pod, pod_value) {
        let what = "runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)".to_owned();
        let at = format!("{}/runAsNonRoot", cx.pod_sc_at());
        out.push(explained(cx.report(PSS_RUN_AS_NON_ROOT, e.value.span, &at, what)));
    }
    for c in &cx.containers {
        let who = format!("container \"{}\"", name(c));
        let place = match set(sc(c), "runAsNonRoot") {
            Some(e) => match as_bool(&e.value) {
                Some(false) => Some((
                    e.value.span,
                    format!("{}/securityContext/runAsNonRoot", c.pointer),
                    format!("runAsNonRoot != true ({who} must not set securityContext.runAsNonRoot=false)"),
                )),
                _ => None,
            },
            // A pod-level false is reported above; true covers the container.
            None if pod.is_some() => None,
            None => anchor(c).map(|(span, at)| {
                (
                    span,
                    at,
                    format!("runAsNonRoot != true (pod or {who} must set securityContext.runAsNonRoot=true)"),
                )
            }),
        };
        if let Some((span, at, what)) = place {
            out.push(explained(cx.report(PSS_RUN_AS_NON_ROOT, span, &at, what)));
        }
    }
}

fn explained(f: Finding) -> Finding {
    f.with_label("may run as root").with_help(NON_ROOT_HELP)
}

fn user(cx: &Check<'_>, out: &mut Vec<Finding>) {
    let mut setters: Vec<(Option<&Node>, String, String)> = vec![(cx.pod_sc(), cx.pod_sc_at(), "pod".to_owned())];
    for c in &cx.containers {
        let at = format!("{}/securityContext", c.pointer);
        setters.push((sc(c), at, format!("container \"{}\"", name(c))));
    }
    for (sc, at, who) in setters {
        let Some(e) = set(sc, "runAsUser").filter(|e| as_int(&e.value) == Some(0)) else {
            continue;
        };
        let what = format!("runAsUser=0 ({who} must not set runAsUser=0)");
        out.push(
            cx.report(PSS_RUN_AS_USER, e.value.span, &format!("{at}/runAsUser"), what)
                .with_label("runs as root")
                .with_help(
                    "set runAsUser to a non-zero UID (for example 10001), or remove it and set runAsNonRoot: true",
                ),
        );
    }
}
