//! securityContext -> user, readonlyRootFilesystem, privileged, linuxParameters.capabilities,
//! dockerSecurityOptions; pod sysctls -> every container's systemControls.

use super::task::{Container, Task, user};
use super::{Cx, td};
use crate::convert::cursor::At;
use crate::convert::value::{Map, Value};
use crate::convert_map;

pub fn container(cx: &mut Cx<'_, '_>, at: &At<'_>, c: &mut Container, index: usize, pod: (Option<i64>, Option<i64>)) {
    if !at.is_map() {
        cx.ledger.invalid(at, "a security context");
        return;
    }
    let p = |f: &str| td(format!("/containerDefinitions/{index}/{f}"));
    let uid = at.get("runAsUser").and_then(|u| u.int());
    let gid = at.get("runAsGroup").and_then(|g| g.int());
    let effective_uid = uid.or(pod.0);
    if uid.is_some() || gid.is_some() {
        if let Some(u) = effective_uid {
            c.map.insert("user", user(u, gid.or(pod.1)));
        }
    }
    let mut capabilities = Map::new();
    for (key, field) in at.entries() {
        match key {
            "runAsUser" => match uid {
                Some(_) => cx.ledger.mapped(&field, p("user")),
                None => cx.ledger.invalid(&field, "a numeric user id"),
            },
            "runAsGroup" => match (gid, effective_uid) {
                (Some(_), Some(_)) => cx.ledger.mapped(&field, p("user")),
                (Some(_), None) => cx.ledger.dropped(
                    &field,
                    "ECS sets a group only together with a user (user: uid:gid)",
                    "set runAsUser too",
                ),
                (None, _) => cx.ledger.invalid(&field, "a numeric group id"),
            },
            "runAsNonRoot" => non_root(cx, &field, effective_uid, p("user")),
            "readOnlyRootFilesystem" => boolean(
                cx,
                &field,
                &mut c.map,
                "readonlyRootFilesystem",
                p("readonlyRootFilesystem"),
            ),
            "privileged" => match field.bool() {
                Some(true) if cx.fargate() => cx.not_on_fargate(
                    &field,
                    "a privileged container",
                    "grant only the capabilities it needs (Fargate can add SYS_PTRACE), or run on EC2",
                ),
                _ => boolean(cx, &field, &mut c.map, "privileged", p("privileged")),
            },
            "allowPrivilegeEscalation" => match field.bool() {
                Some(false) if cx.fargate() => cx.ledger.dropped(
                    &field,
                    "Fargate takes no Docker security options, so no-new-privileges cannot be set",
                    "drop setuid binaries from the image and run as a non-root user",
                ),
                Some(false) => {
                    c.map
                        .insert("dockerSecurityOptions", vec![Value::from("no-new-privileges")]);
                    cx.ledger.mapped(&field, p("dockerSecurityOptions/0"));
                }
                Some(true) => cx.ledger.approx(
                    &field,
                    td(format!("/containerDefinitions/{index}")),
                    "the default: processes may gain privileges",
                ),
                None => cx.ledger.invalid(&field, "a boolean"),
            },
            "capabilities" => {
                for (k, list) in field.entries() {
                    match k {
                        "add" | "drop" => {
                            let kept = caps(cx, &list, k, index);
                            if !kept.is_empty() || list.items().is_empty() {
                                capabilities.insert(k, kept);
                            }
                        }
                        _ => cx.ledger.unknown(&list, "Capabilities"),
                    }
                }
            }
            "seccompProfile" | "seLinuxOptions" | "appArmorProfile" | "procMount" | "windowsOptions" => {
                cx.ledger.dropped(
                    &field,
                    format!("ECS has no {key}"),
                    if cx.fargate() {
                        "nothing to convert: Fargate applies its own default profile"
                    } else {
                        "set it through dockerSecurityOptions (seccomp=..., label:..., apparmor:...) on EC2"
                    },
                )
            }
            _ => cx.ledger.unknown(&field, "SecurityContext"),
        }
    }
    if !capabilities.is_empty() {
        c.map.map_mut("linuxParameters").insert("capabilities", capabilities);
    }
}

fn non_root(cx: &mut Cx<'_, '_>, at: &At<'_>, uid: Option<i64>, to: String) {
    match (at.bool(), uid) {
        (Some(true), Some(u)) if u != 0 => cx.ledger.approx(
            at,
            to,
            format!("ECS does not check it, but the container runs as user {u}"),
        ),
        (Some(true), _) => cx.ledger.dropped(
            at,
            "ECS does not check that a container runs as a non-root user",
            "set runAsUser to a non-zero uid (it becomes the container's user)",
        ),
        (Some(false), _) => cx
            .ledger
            .approx(at, to, "ECS does not check the user: the same as false"),
        (None, _) => cx.ledger.invalid(at, "a boolean"),
    }
}

fn boolean(cx: &mut Cx<'_, '_>, at: &At<'_>, map: &mut Map, field: &str, to: String) {
    match at.bool() {
        Some(b) => {
            map.insert(field, b);
            cx.ledger.mapped(at, to);
        }
        None => cx.ledger.invalid(at, "a boolean"),
    }
}

/// Capability names as ECS takes them (no `CAP_` prefix); Fargate can add only SYS_PTRACE.
fn caps(cx: &mut Cx<'_, '_>, list: &At<'_>, which: &str, index: usize) -> Vec<Value> {
    let mut out = Vec::new();
    if !list.is_seq() {
        cx.ledger.invalid(list, "a list of capabilities");
        return out;
    }
    if list.items().is_empty() {
        cx.ledger.empty(list);
    }
    for item in list.items() {
        let Some(raw) = item.str() else {
            cx.ledger.invalid(&item, "a capability name");
            continue;
        };
        let name = raw.to_ascii_uppercase();
        let name = name.strip_prefix("CAP_").unwrap_or(&name).to_owned();
        if which == "add" && cx.fargate() && name != "SYS_PTRACE" {
            cx.not_on_fargate(
                &item,
                &format!("adding {name}"),
                "do without it, or run on EC2 (--launch-type ec2)",
            );
            continue;
        }
        let to = td(format!(
            "/containerDefinitions/{index}/linuxParameters/capabilities/{which}/{}",
            out.len()
        ));
        if name == raw {
            cx.ledger.mapped(&item, to);
        } else {
            cx.ledger.approx(&item, to, format!("ECS names it {name}"));
        }
        out.push(Value::from(name));
    }
    out
}

pub fn pod(cx: &mut Cx<'_, '_>, at: &At<'_>, task: &mut Task) {
    if !at.is_map() {
        cx.ledger.invalid(at, "a pod security context");
        return;
    }
    for (key, field) in at.entries() {
        match key {
            "runAsUser" | "runAsGroup" => match field.int() {
                Some(_) if key == "runAsGroup" && task.pod_uid.is_none() => cx.ledger.dropped(
                    &field,
                    "ECS sets a group only together with a user",
                    "set runAsUser too",
                ),
                Some(_) => cx.ledger.approx(
                    &field,
                    td("/containerDefinitions/0/user"),
                    "ECS sets the user per container: written on every container that sets none; converting back puts it on the containers",
                ),
                None => cx.ledger.invalid(&field, "a numeric id"),
            },
            "runAsNonRoot" => non_root(cx, &field, task.pod_uid, td("/containerDefinitions/0/user")),
            "sysctls" => sysctls(cx, &field, task),
            "fsGroup" | "fsGroupChangePolicy" | "supplementalGroups" | "supplementalGroupsPolicy" => cx.ledger.dropped(
                &field,
                "ECS does not change volume ownership or add supplementary groups",
                "give the files the right owner in the image, or chown them in the entrypoint",
            ),
            "seccompProfile" | "seLinuxOptions" | "appArmorProfile" | "windowsOptions" | "seLinuxChangePolicy" => {
                cx.ledger.dropped(&field, format!("ECS has no pod-level {key}"), "nothing to convert")
            }
            _ => cx.ledger.unknown(&field, "PodSecurityContext"),
        }
    }
}

fn sysctls(cx: &mut Cx<'_, '_>, at: &At<'_>, task: &mut Task) {
    let mut controls = Vec::new();
    for item in at.items() {
        let name = item.get("name").and_then(|n| n.text());
        let value = item.get("value").and_then(|v| v.text());
        match (name, value) {
            (Some(name), Some(value)) => {
                cx.ledger.mapped(
                    &item,
                    td(format!("/containerDefinitions/0/systemControls/{}", controls.len())),
                );
                controls.push(Value::Map(convert_map! {"namespace" => name, "value" => value}));
            }
            _ => cx.ledger.invalid(&item, "a sysctl with name and value"),
        }
    }
    if at.items().is_empty() {
        cx.ledger.empty(at);
    }
    task.shared.insert_some("systemControls", controls);
}
