//! PSS000: a Namespace whose Pod Security labels admission cannot read. The API server refuses
//! to create it (`ValidateNamespace`); a namespace that already has such a label is evaluated as
//! `restricted` (an unreadable enforce level) and `latest` (an unreadable version).

use super::policies::{AUDIT, AUDIT_VERSION, ENFORCE, ENFORCE_VERSION, WARN, WARN_VERSION};
use super::policy::{Level, Version};
use crate::detect::K8sObject;
use crate::finding::Finding;
use crate::finding::ids::PSS_LABEL;
use crate::parse::Document;

pub(super) fn check(file: &str, doc: &Document, obj: &K8sObject<'_>, out: &mut Vec<Finding>) {
    if obj.api_version != "v1" || obj.kind != "Namespace" {
        return;
    }
    let Some((labels, _)) = obj.node.pointer("/metadata/labels") else {
        return;
    };
    for e in labels.as_map().unwrap_or_default() {
        let Some(value) = e.value.as_str() else { continue };
        let problem = match e.key.as_str() {
            ENFORCE | WARN | AUDIT => Level::parse(value)
                .is_none()
                .then_some("must be one of privileged, baseline, restricted"),
            ENFORCE_VERSION | WARN_VERSION | AUDIT_VERSION => Version::parse_label(value)
                .is_none()
                .then_some("must be \"latest\" or \"v1.x\""),
            _ => None,
        };
        let Some(problem) = problem else { continue };
        let message = format!(
            "metadata.labels[{}]: Invalid value: \"{value}\": {problem}; the API server refuses to create the Namespace",
            e.key
        );
        let pointer = format!(
            "{}/metadata/labels/{}",
            obj.pointer,
            crate::parse::pointer_token(&e.key)
        );
        out.push(
            Finding::at(
                PSS_LABEL,
                crate::rules::severity(PSS_LABEL),
                file,
                doc,
                e.value.span,
                message,
            )
            .with_pointer(pointer)
            .with_object(Some(obj.label()))
            .with_label("not a Pod Security label value")
            .with_help(if e.key.ends_with("-version") {
                "use latest or v1.X (for example v1.33)"
            } else {
                "use privileged, baseline or restricted"
            }),
        );
    }
}
