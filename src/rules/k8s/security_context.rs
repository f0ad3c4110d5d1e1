//! K8S015 / K8S016 / K8S017: containers that may run as root, may gain privileges, or may write
//! to their root filesystem; K8S031: the privilege settings the API server refuses together. Separate ids so a team can accept one (a legacy image that needs a
//! writable root) and keep the others.

use super::{Pod, as_bool, as_int, container_name, container_span, map_or_absent};
use crate::finding::Finding;
use crate::finding::ids::{CONFLICTING_SECURITY_CONTEXT, PRIVILEGE_ESCALATION, RUN_AS_ROOT, WRITABLE_ROOT_FS};
use crate::model::k8s::ContainerRef;
use crate::parse::{Entry, Node, Span};
use crate::rules::fargate_eks::Check;

pub(super) fn check(check: &Check<'_>, pod: &Pod<'_>, out: &mut Vec<Finding>) {
    // Windows pods have no Linux user, no setuid and the API server refuses these fields there.
    if pod.is_windows() {
        return;
    }
    let pod_sc = pod.spec.get("securityContext");
    if !map_or_absent(pod_sc) {
        return;
    }
    let pod_sc_at = format!("{}/securityContext", pod.at);
    // A pod-level setting shared by several containers is reported once.
    let mut reported: Vec<Span> = Vec::new();
    for c in pod.main_and_init() {
        let sc = c.node.get("securityContext");
        if !map_or_absent(sc) {
            continue;
        }
        let Some(anchor) = c
            .node
            .entry("securityContext")
            .map(|e| e.key_span)
            .or_else(|| container_span(c))
        else {
            continue;
        };
        let name = container_name(c);
        let field = |key: &str| -> Option<(&Entry, String)> {
            let own = sc.and_then(|s| s.entry(key)).filter(|e| !is_null(&e.value));
            match own {
                Some(e) => Some((e, format!("{}/securityContext/{key}", c.pointer))),
                None => pod_sc
                    .and_then(|s| s.entry(key))
                    .filter(|e| !is_null(&e.value))
                    .map(|e| (e, format!("{pod_sc_at}/{key}"))),
            }
        };

        // K8S015
        let non_root = field("runAsNonRoot").and_then(|(e, p)| as_bool(&e.value).map(|b| (e, p, b)));
        let user = field("runAsUser").and_then(|(e, p)| as_int(&e.value).map(|u| (e, p, u)));
        let finding = match (&non_root, &user) {
            (Some((_, _, true)), Some((e, p, 0))) => Some((
                e.value.span,
                p.clone(),
                format!(
                    "container \"{name}\" sets runAsNonRoot: true and runAsUser: 0: the kubelet refuses to start it"
                ),
                "set runAsUser to the non-zero UID the image is built for (for example 10001)",
            )),
            (Some((_, _, true)), _) => None,
            (Some((e, p, false)), _) => Some((
                e.value.span,
                p.clone(),
                format!("container \"{name}\" may run as root (runAsNonRoot: false)"),
                "set runAsNonRoot: true and run the image as a non-root user (USER in the Dockerfile, or runAsUser)",
            )),
            (None, Some((e, p, 0))) => Some((
                e.value.span,
                p.clone(),
                format!("container \"{name}\" runs as root (runAsUser: 0)"),
                "set runAsUser to a non-zero UID and runAsNonRoot: true",
            )),
            (None, Some(_)) => None,
            (None, None) => Some((
                anchor,
                c.pointer.clone(),
                format!("container \"{name}\" may run as root: runAsNonRoot is not set"),
                "set securityContext.runAsNonRoot: true (and runAsUser: a non-zero UID if the image's USER is root), on the container or the pod",
            )),
        };
        if let Some((span, pointer, message, help)) = finding {
            if !reported.contains(&span) {
                reported.push(span);
                out.push(
                    check
                        .finding(RUN_AS_ROOT, span, &pointer, message)
                        .with_label("may run as root")
                        .with_help(help),
                );
            }
        }

        escalation(check, c, sc, anchor, out);
        read_only_root(check, c, sc, anchor, out);
    }
}

/// Where the restricted Pod Security level applies to a pod, its controls already flag every
/// container K8S015 (PSS103, PSS104) and K8S016 (PSS102) would, as errors under an enforcing
/// namespace: these findings on the pod (pointers under `pod_at`) are dropped so each fact is said
/// once, when the run reports the PSS rules that say it (`covered`). Elsewhere (baseline, a
/// Windows pod, a user-namespace pod) they stay. Only the object's own findings, from `first`
/// on, are looked at.
pub(in crate::rules) fn drop_repeated_by_pss(
    covered: crate::rules::pss::Covered,
    file: &str,
    document: usize,
    pod_at: &str,
    out: &mut Vec<Finding>,
    first: usize,
) {
    if !(covered.run_as_root || covered.privilege_escalation) || first >= out.len() {
        return;
    }
    let repeated = |f: &Finding| {
        let covered = (f.rule == RUN_AS_ROOT && covered.run_as_root)
            || (f.rule == PRIVILEGE_ESCALATION && covered.privilege_escalation);
        let on_pod = f.file == file
            && f.document == Some(document)
            && f.pointer.as_deref().is_some_and(|p| p.starts_with(pod_at));
        covered && on_pod
    };
    let own = out.split_off(first);
    out.extend(own.into_iter().filter(|f| !repeated(f)));
}

/// K8S016: only the container-level field exists; unset means allowed.
fn escalation(check: &Check<'_>, c: &ContainerRef<'_>, sc: Option<&Node>, anchor: Span, out: &mut Vec<Finding>) {
    let entry = sc.and_then(|s| s.entry("allowPrivilegeEscalation"));
    let value = entry.and_then(|e| as_bool(&e.value));
    let name = container_name(c);
    let privileged = sc.and_then(|s| s.get("privileged")).and_then(as_bool) == Some(true);
    let sys_admin = sc
        .and_then(|s| s.get("capabilities"))
        .and_then(|caps| caps.get("add"))
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .any(|cap| cap.as_str().is_some_and(|s| s == "SYS_ADMIN" || s == "CAP_SYS_ADMIN"));
    if value == Some(false) {
        // K8S031: the API server's own validation refuses the combination.
        let conflict = if privileged {
            Some("cannot set `allowPrivilegeEscalation` to false and `privileged` to true")
        } else if sys_admin {
            Some("cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN")
        } else {
            None
        };
        if let (Some(message), Some(e)) = (conflict, entry) {
            out.push(
                check
                    .finding(
                        CONFLICTING_SECURITY_CONTEXT,
                        e.value.span,
                        &format!("{}/securityContext/allowPrivilegeEscalation", c.pointer),
                        format!("container \"{name}\": {message}"),
                    )
                    .with_label("refused with privileged / SYS_ADMIN")
                    .with_help(if privileged {
                        "remove privileged: true (keep allowPrivilegeEscalation: false), or drop allowPrivilegeEscalation if the container must be privileged"
                    } else {
                        "drop the SYS_ADMIN capability (keep allowPrivilegeEscalation: false), or drop allowPrivilegeEscalation if it needs SYS_ADMIN"
                    }),
            );
        }
        return;
    }
    // The API server refuses allowPrivilegeEscalation: false beside these.
    let help = if privileged {
        "remove privileged: true, then set allowPrivilegeEscalation: false (the API server refuses the two together)"
    } else if sys_admin {
        "drop the SYS_ADMIN capability, then set allowPrivilegeEscalation: false (the API server refuses the two together)"
    } else {
        "set securityContext.allowPrivilegeEscalation: false on the container"
    };
    let (span, pointer, message) = match (entry, value) {
        (Some(e), Some(true)) => (
            e.value.span,
            format!("{}/securityContext/allowPrivilegeEscalation", c.pointer),
            format!("container \"{name}\" sets allowPrivilegeEscalation: true"),
        ),
        _ => (
            anchor,
            c.pointer.clone(),
            format!("container \"{name}\" does not set allowPrivilegeEscalation: false"),
        ),
    };
    out.push(
        check
            .finding(PRIVILEGE_ESCALATION, span, &pointer, message)
            .with_label("privilege escalation allowed")
            .with_help(help),
    );
}

/// K8S017: container-level only; unset means writable.
fn read_only_root(check: &Check<'_>, c: &ContainerRef<'_>, sc: Option<&Node>, anchor: Span, out: &mut Vec<Finding>) {
    let entry = sc.and_then(|s| s.entry("readOnlyRootFilesystem"));
    let value = entry.and_then(|e| as_bool(&e.value));
    if value == Some(true) {
        return;
    }
    let name = container_name(c);
    let (span, pointer, message) = match (entry, value) {
        (Some(e), Some(false)) => (
            e.value.span,
            format!("{}/securityContext/readOnlyRootFilesystem", c.pointer),
            format!("container \"{name}\" sets readOnlyRootFilesystem: false"),
        ),
        _ => (
            anchor,
            c.pointer.clone(),
            format!("container \"{name}\" does not set readOnlyRootFilesystem: true"),
        ),
    };
    out.push(
        check
            .finding(WRITABLE_ROOT_FS, span, &pointer, message)
            .with_label("writable root filesystem")
            .with_help(
                "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the program writes (/tmp, caches)",
            ),
    );
}

fn is_null(node: &Node) -> bool {
    matches!(
        node.kind,
        crate::parse::NodeKind::Scalar {
            value: crate::parse::Scalar::Null,
            ..
        }
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::only;
    use super::*;

    fn pod(pod_sc: &str, container_sc: &str) -> String {
        let mut text = String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n");
        if !pod_sc.is_empty() {
            text.push_str(&format!("  securityContext: {pod_sc}\n"));
        }
        text.push_str("  containers:\n    - name: a\n      image: a:1\n");
        if !container_sc.is_empty() {
            text.push_str(&format!("      securityContext: {container_sc}\n"));
        }
        text
    }

    #[test]
    fn nothing_set() {
        let text = pod("", "");
        assert_eq!(
            only(&text, RUN_AS_ROOT),
            ["7:13 container \"a\" may run as root: runAsNonRoot is not set"]
        );
        assert_eq!(
            only(&text, PRIVILEGE_ESCALATION),
            ["7:13 container \"a\" does not set allowPrivilegeEscalation: false"]
        );
        assert_eq!(
            only(&text, WRITABLE_ROOT_FS),
            ["7:13 container \"a\" does not set readOnlyRootFilesystem: true"]
        );
    }

    #[test]
    fn hardened() {
        let text = pod(
            "",
            "{runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true}",
        );
        assert!(only(&text, RUN_AS_ROOT).is_empty());
        assert!(only(&text, PRIVILEGE_ESCALATION).is_empty());
        assert!(only(&text, WRITABLE_ROOT_FS).is_empty());
    }

    #[test]
    fn pod_level_inherited_and_overridden() {
        assert!(only(&pod("{runAsNonRoot: true}", ""), RUN_AS_ROOT).is_empty());
        assert!(only(&pod("{runAsUser: 1000}", ""), RUN_AS_ROOT).is_empty());
        // The container overrides the pod.
        assert_eq!(
            only(&pod("{runAsNonRoot: true}", "{runAsNonRoot: false}"), RUN_AS_ROOT),
            ["10:39 container \"a\" may run as root (runAsNonRoot: false)"]
        );
        assert!(only(&pod("{runAsNonRoot: false}", "{runAsNonRoot: true}"), RUN_AS_ROOT).is_empty());
        assert_eq!(
            only(&pod("{runAsUser: 0}", ""), RUN_AS_ROOT),
            ["6:32 container \"a\" runs as root (runAsUser: 0)"]
        );
        assert_eq!(
            only(&pod("{runAsNonRoot: true}", "{runAsUser: 0}"), RUN_AS_ROOT),
            ["10:36 container \"a\" sets runAsNonRoot: true and runAsUser: 0: the kubelet refuses to start it"]
        );
    }

    #[test]
    fn pod_level_false_reported_once() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    runAsNonRoot: false\n  containers:\n    - name: a\n      image: a:1\n    - name: b\n      image: b:1\n";
        assert_eq!(
            only(text, RUN_AS_ROOT),
            ["7:19 container \"a\" may run as root (runAsNonRoot: false)"]
        );
    }

    #[test]
    fn explicit_bad_values_are_underlined() {
        let text = pod(
            "",
            "{allowPrivilegeEscalation: true, readOnlyRootFilesystem: false, runAsNonRoot: true}",
        );
        assert_eq!(
            only(&text, PRIVILEGE_ESCALATION),
            ["9:51 container \"a\" sets allowPrivilegeEscalation: true"]
        );
        assert_eq!(
            only(&text, WRITABLE_ROOT_FS),
            ["9:81 container \"a\" sets readOnlyRootFilesystem: false"]
        );
    }

    #[test]
    fn privileged_help_says_remove_it_first() {
        let text = pod("", "{privileged: true, runAsNonRoot: true}");
        let found = super::super::test_support::lint(&text);
        let f = found.iter().find(|f| f.rule == PRIVILEGE_ESCALATION).unwrap();
        assert!(f.help.as_deref().unwrap().starts_with("remove privileged: true"));
    }

    #[test]
    fn windows_pods_are_skipped() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  os: {name: windows}\n  containers:\n    - name: a\n      image: a:1\n";
        assert!(only(text, RUN_AS_ROOT).is_empty());
        assert!(only(text, WRITABLE_ROOT_FS).is_empty());
    }
}
