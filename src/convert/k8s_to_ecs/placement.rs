//! Where a pod may run: nodeSelector and os -> runtimePlatform (architecture and OS family).

use super::task::Task;
use super::{Cx, td};
use crate::convert::cursor::At;

pub fn node_selector(cx: &mut Cx<'_, '_>, at: &At<'_>, task: &mut Task) {
    let build = at
        .get("node.kubernetes.io/windows-build")
        .and_then(|b| b.str().map(str::to_owned));
    for (key, value) in at.entries() {
        let v = value.str().unwrap_or_default();
        let deprecated = key.starts_with("beta.");
        let fate = |cx: &mut Cx<'_, '_>, to: &str| {
            if deprecated {
                cx.ledger.approx(
                    &value,
                    td(to),
                    format!(
                        "deprecated label {key}: converting back writes {}",
                        key.trim_start_matches("beta.")
                    ),
                );
            } else {
                cx.ledger.mapped(&value, td(to));
            }
        };
        match (key.trim_start_matches("beta."), v) {
            ("kubernetes.io/arch", "amd64") => {
                task.cpu_architecture = Some("X86_64");
                fate(cx, "/runtimePlatform/cpuArchitecture");
            }
            ("kubernetes.io/arch", "arm64") => {
                task.cpu_architecture = Some("ARM64");
                fate(cx, "/runtimePlatform/cpuArchitecture");
            }
            ("kubernetes.io/os", "linux") => {
                task.os_family = Some("LINUX");
                fate(cx, "/runtimePlatform/operatingSystemFamily");
            }
            ("kubernetes.io/os", "windows") => {
                match build.as_deref().and_then(crate::convert::platform::windows_family) {
                    Some(family) => {
                        task.os_family = Some(family);
                        fate(cx, "/runtimePlatform/operatingSystemFamily");
                    }
                    None => {
                        task.os_family = Some("WINDOWS_SERVER_2022_CORE");
                        cx.ledger.approx(
                            &value,
                            td("/runtimePlatform/operatingSystemFamily"),
                            "ECS needs the Windows version: WINDOWS_SERVER_2022_CORE chosen (add node.kubernetes.io/windows-build to choose)",
                        );
                    }
                }
            }
            ("node.kubernetes.io/windows-build", _) if build.as_deref().and_then(crate::convert::platform::windows_family).is_some() => {
                cx.ledger.mapped(&value, td("/runtimePlatform/operatingSystemFamily"));
            }
            _ => cx.ledger.dropped(
                &value,
                "ECS has no node labels to select on",
                if cx.fargate() {
                    "Fargate chooses the hardware: nothing to do, or choose the architecture with kubernetes.io/arch"
                } else {
                    "put a custom attribute on the container instances and a memberOf placement constraint on the service"
                },
            ),
        }
    }
    if !at.is_map() {
        cx.ledger.invalid(at, "a mapping");
    } else if at.entries().is_empty() {
        cx.ledger.empty(at);
    }
}

pub fn os(cx: &mut Cx<'_, '_>, at: &At<'_>, task: &mut Task) {
    for (key, value) in at.entries() {
        match (key, value.str()) {
            ("name", Some("linux")) => {
                task.os_family = Some("LINUX");
                cx.ledger.approx(
                    &value,
                    td("/runtimePlatform/operatingSystemFamily"),
                    "converting back writes the node selector kubernetes.io/os: linux",
                );
            }
            ("name", Some("windows")) => {
                task.os_family.get_or_insert("WINDOWS_SERVER_2022_CORE");
                cx.ledger.approx(
                    &value,
                    td("/runtimePlatform/operatingSystemFamily"),
                    "ECS needs the Windows version; converting back writes node selectors",
                );
            }
            _ => cx.ledger.unknown(&value, "PodOS"),
        }
    }
}
