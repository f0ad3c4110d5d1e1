//! PSS010 (baseline): seccomp explicitly disabled. From 1.19, `securityContext.seccompProfile.type`
//! (pod and containers) may be unset, RuntimeDefault or Localhost; before 1.19 the
//! `seccomp.security.alpha.kubernetes.io/pod` and `container.seccomp.security.alpha.kubernetes.io/<container>`
//! annotations are read instead (runtime/default, docker/default, localhost/<profile>).
//! PSS105 (restricted, v1.19+; Linux pods only from v1.25): the type must be set, on the pod or on
//! every container, to RuntimeDefault or Localhost. Where PSS105 applies it replaces PSS010.

use super::check::{Check, anchor, name, sc, set, token};
use crate::finding::Finding;
use crate::finding::ids::{PSS_RESTRICTED_SECCOMP, PSS_SECCOMP};
use crate::parse::{Node, Span};

const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION: &str = "container.seccomp.security.alpha.kubernetes.io/";

pub(super) fn check(cx: &Check<'_>, out: &mut Vec<Finding>) {
    if !cx.since(19) {
        annotations(cx, out);
    } else if cx.restricted() {
        if !(cx.since(25) && cx.windows()) {
            restricted(cx, out);
        }
    } else {
        baseline(cx, out);
    }
}

/// A profile that is set: its type's span, pointer and value ("" when it has no string type).
struct Setting {
    span: Span,
    pointer: String,
    value: String,
}

fn setting(sc: Option<&Node>, at: &str) -> Option<Setting> {
    let profile = set(sc, "seccompProfile")?;
    let at = format!("{at}/seccompProfile");
    Some(match profile.value.entry("type") {
        Some(t) => Setting {
            span: t.value.span,
            pointer: format!("{at}/type"),
            value: t.value.as_str().unwrap_or("").to_owned(),
        },
        None => Setting {
            span: profile.key_span,
            pointer: at,
            value: String::new(),
        },
    })
}

fn valid(value: &str) -> bool {
    matches!(value, "RuntimeDefault" | "Localhost")
}

fn baseline(cx: &Check<'_>, out: &mut Vec<Finding>) {
    let mut setters = vec![(setting(cx.pod_sc(), &cx.pod_sc_at()), "pod".to_owned())];
    for c in &cx.containers {
        let at = format!("{}/securityContext", c.pointer);
        setters.push((setting(sc(c), &at), format!("container \"{}\"", name(c))));
    }
    for (s, who) in setters {
        let Some(s) = s.filter(|s| !valid(&s.value)) else {
            continue;
        };
        out.push(bad_value(cx, PSS_SECCOMP, &s, &who));
    }
}

fn bad_value(cx: &Check<'_>, rule: &'static str, s: &Setting, who: &str) -> Finding {
    let what = format!(
        "seccompProfile ({who} must not set securityContext.seccompProfile.type to \"{}\")",
        s.value
    );
    cx.report(rule, s.span, &s.pointer, what)
        .with_label("seccomp profile not allowed")
        .with_help("set seccompProfile.type to RuntimeDefault (or Localhost with a profile the node has)")
}

fn restricted(cx: &Check<'_>, out: &mut Vec<Finding>) {
    let pod = setting(cx.pod_sc(), &cx.pod_sc_at());
    let pod_valid = pod.as_ref().is_some_and(|s| valid(&s.value));
    if let Some(s) = pod.as_ref().filter(|_| !pod_valid) {
        out.push(bad_value(cx, PSS_RESTRICTED_SECCOMP, s, "pod"));
    }
    for c in &cx.containers {
        let who = format!("container \"{}\"", name(c));
        match setting(sc(c), &format!("{}/securityContext", c.pointer)) {
            Some(s) if !valid(&s.value) => out.push(bad_value(cx, PSS_RESTRICTED_SECCOMP, &s, &who)),
            Some(_) => {}
            // A pod-level profile, even a bad one reported above, covers the container.
            None if pod.is_some() => {}
            None => {
                let Some((span, at)) = anchor(c) else { continue };
                let what = format!(
                    "seccompProfile (pod or {who} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")"
                );
                out.push(
                    cx.report(PSS_RESTRICTED_SECCOMP, span, &at, what)
                        .with_label("no seccomp profile")
                        .with_help(
                            "set securityContext.seccompProfile.type: RuntimeDefault on the pod (or on each container)",
                        ),
                );
            }
        }
    }
}

/// Before 1.19: the alpha annotations.
fn annotations(cx: &Check<'_>, out: &mut Vec<Finding>) {
    let Some((node, at)) = &cx.annotations else { return };
    let mut keys = vec![POD_ANNOTATION.to_owned()];
    keys.extend(
        cx.containers
            .iter()
            .map(|c| format!("{CONTAINER_ANNOTATION}{}", name(c))),
    );
    for key in keys {
        let Some(e) = node.entry(&key) else { continue };
        let Some(value) = e.value.as_str() else { continue };
        if value == "runtime/default" || value == "docker/default" || value.starts_with("localhost/") {
            continue;
        }
        let what = format!("seccompProfile (forbidden annotation {key}=\"{value}\")");
        out.push(
            cx.report(PSS_SECCOMP, e.value.span, &format!("{at}/{}", token(&key)), what)
                .with_label("seccomp profile not allowed")
                .with_help("set the annotation to runtime/default (or localhost/<profile>), or remove it"),
        );
    }
}
