//! PSS005 (baseline, v1.0+): hostPath volumes, which expose the node's files to the pod.
//! PSS101 (restricted, v1.0+): volume types other than configMap, csi, downwardAPI, emptyDir,
//! ephemeral, image, persistentVolumeClaim, projected and secret. Where PSS101 applies it
//! replaces PSS005 (a hostPath volume is one of the restricted types), as in admission.
//! Admission allows `image` at every version: the allowance was added to its 1.0 check.

use super::check::{Check, items};
use crate::finding::Finding;
use crate::finding::ids::{PSS_HOST_PATH, PSS_VOLUME_TYPES};
use crate::parse::Node;

const ALLOWED: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

pub(super) fn check(cx: &Check<'_>, out: &mut Vec<Finding>) {
    for (i, volume) in items(Some(cx.spec), "volumes") {
        let at = format!("{}/volumes/{i}", cx.at);
        let name = volume.get("name").and_then(Node::as_str).unwrap_or("");
        if cx.restricted() {
            restricted(cx, volume, name, &at, out);
        } else if let Some(e) = volume.entry("hostPath").filter(|e| !super::check::is_null(&e.value)) {
            let what = format!("hostPath volumes (volume \"{name}\")");
            out.push(
                cx.report(PSS_HOST_PATH, e.key_span, &format!("{at}/hostPath"), what)
                    .with_label("hostPath volume")
                    .with_help("use a persistentVolumeClaim, emptyDir, configMap or secret volume instead of hostPath"),
            );
        }
    }
}

fn restricted(cx: &Check<'_>, volume: &Node, name: &str, at: &str, out: &mut Vec<Finding>) {
    let Some(entries) = volume.as_map() else { return };
    let sources = || {
        entries
            .iter()
            .filter(|e| e.key != "name" && !super::check::is_null(&e.value))
    };
    if sources().any(|e| ALLOWED.contains(&e.key.as_str())) {
        return;
    }
    let (span, kind, pointer) = match sources().next() {
        Some(e) => (
            e.key_span,
            e.key.as_str(),
            format!("{at}/{}", super::check::token(&e.key)),
        ),
        None => match volume.entry("name") {
            Some(e) => (e.value.span, "unknown", format!("{at}/name")),
            None => return,
        },
    };
    let what = format!("restricted volume types (volume \"{name}\" uses restricted volume type \"{kind}\")");
    out.push(
        cx.report(PSS_VOLUME_TYPES, span, &pointer, what)
            .with_label("volume type restricted forbids")
            .with_help(format!(
                "use one of {} (a persistentVolumeClaim reaches any storage a PersistentVolume can)",
                ALLOWED.join(", ")
            )),
    );
}
