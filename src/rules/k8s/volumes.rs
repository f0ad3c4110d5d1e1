//! K8S029: a volumeMount or volumeDevice naming a volume the pod does not define.

use super::{Pod, container_name, is_placeholder};
use crate::finding::Finding;
use crate::finding::ids::VOLUME_NOT_FOUND;
use crate::parse::Node;
use crate::rules::fargate_eks::Check;

pub(super) fn check(check: &Check<'_>, pod: &Pod<'_>, out: &mut Vec<Finding>) {
    let mut volumes: Vec<&str> = Vec::new();
    for v in pod.spec.get("volumes").and_then(Node::as_seq).unwrap_or_default() {
        match v.get("name").map(Node::as_str) {
            Some(Some(name)) => volumes.push(name),
            // A volume list we cannot read: do not guess which mounts it satisfies.
            _ => return,
        }
    }
    // A StatefulSet's claim templates become volumes of its pods.
    if check.obj.kind == "StatefulSet" {
        let templates = check
            .obj
            .node
            .pointer("/spec/volumeClaimTemplates")
            .and_then(|(n, _)| n.as_seq())
            .unwrap_or_default();
        for t in templates {
            match t.pointer("/metadata/name").and_then(|(n, _)| n.as_str()) {
                Some(name) => volumes.push(name),
                None => return,
            }
        }
    }
    if volumes.iter().any(|v| is_placeholder(v)) {
        return;
    }
    for c in &pod.containers {
        for list in ["volumeMounts", "volumeDevices"] {
            let mounts = c.node.get(list).and_then(Node::as_seq).unwrap_or_default();
            for (i, mount) in mounts.iter().enumerate() {
                let Some(entry) = mount.entry("name") else {
                    continue;
                };
                let Some(name) = entry.value.as_str().filter(|n| !n.is_empty() && !is_placeholder(n)) else {
                    continue;
                };
                if volumes.contains(&name) {
                    continue;
                }
                let help = match super::closest(name, &volumes) {
                    Some(meant) => format!("did you mean \"{meant}\"?"),
                    None if volumes.is_empty() => format!("add a volume named \"{name}\" to the pod's spec.volumes"),
                    None => format!(
                        "add a volume named \"{name}\" to the pod's spec.volumes, or mount one of: {}",
                        volumes.join(", ")
                    ),
                };
                out.push(
                    check
                        .finding(
                            VOLUME_NOT_FOUND,
                            entry.value.span,
                            &format!("{}/{list}/{i}/name", c.pointer),
                            format!(
                                "{list}[{i}].name: Not found: \"{name}\" (container \"{}\"): the pod has no volume of that name",
                                container_name(c)
                            ),
                        )
                        .with_label("no such volume")
                        .with_help(help),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::only;
    use super::*;

    #[test]
    fn mounts_must_name_volumes() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: a:1\n      volumeMounts:\n        - {name: config, mountPath: /etc/a}\n        - {name: dta, mountPath: /data}\n  volumes:\n    - {name: config, configMap: {name: a}}\n    - {name: data, emptyDir: {}}\n";
        assert_eq!(
            only(text, VOLUME_NOT_FOUND),
            ["11:18 volumeMounts[1].name: Not found: \"dta\" (container \"a\"): the pod has no volume of that name"]
        );
        let found = super::super::test_support::lint(text);
        let f = found.iter().find(|f| f.rule == VOLUME_NOT_FOUND).unwrap();
        assert_eq!(f.help.as_deref(), Some("did you mean \"data\"?"));
    }

    #[test]
    fn statefulset_claim_templates_count() {
        let text = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: s\nspec:\n  serviceName: s\n  selector: {matchLabels: {app: s}}\n  template:\n    metadata: {labels: {app: s}}\n    spec:\n      containers:\n        - name: a\n          image: a:1\n          volumeMounts: [{name: data, mountPath: /data}]\n  volumeClaimTemplates:\n    - metadata: {name: data}\n      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n";
        assert!(only(text, VOLUME_NOT_FOUND).is_empty());
        let deployment = text.replace("StatefulSet", "Deployment");
        assert_eq!(only(&deployment, VOLUME_NOT_FOUND).len(), 1);
    }

    #[test]
    fn unreadable_volumes_are_skipped() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: a:1\n      volumeMounts: [{name: x, mountPath: /x}]\n  volumes:\n    - {emptyDir: {}}\n";
        assert!(only(text, VOLUME_NOT_FOUND).is_empty());
    }
}
