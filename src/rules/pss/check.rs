//! One pod being checked against a policy: the pod spec (a Pod's, or a workload's or
//! PodTemplate's template), its containers as admission visits them (init, regular, ephemeral),
//! and the finding every control reports, worded as admission words its refusal.

use super::policies::{Applied, Source};
use super::policy::Level;
use crate::detect::K8sObject;
use crate::finding::{Finding, Severity};
use crate::model::k8s::{ContainerRef, PodTemplate};
use crate::parse::{Document, Entry, Node, NodeKind, Scalar, Span};

pub(super) struct Check<'a> {
    pub(super) file: &'a str,
    pub(super) doc: &'a Document,
    pub(super) obj: &'a K8sObject<'a>,
    pub(super) applied: &'a Applied,
    pub(super) spec: &'a Node,
    /// Pointer of `spec` in the object.
    pub(super) at: &'static str,
    pub(super) containers: Vec<ContainerRef<'a>>,
    /// The pod's `metadata.annotations` and its pointer, when it is a mapping.
    pub(super) annotations: Option<(&'a Node, String)>,
}

impl<'a> Check<'a> {
    /// None when the object has no pod spec admission would check.
    pub(super) fn of(
        file: &'a str,
        doc: &'a Document,
        obj: &'a K8sObject<'a>,
        applied: &'a Applied,
    ) -> Option<Check<'a>> {
        let template = PodTemplate::of(obj).or_else(|| pod_template_object(obj))?;
        let annotations = template.metadata(obj).and_then(|m| {
            let node = m.node.get("annotations").filter(|a| a.as_map().is_some())?;
            Some((node, format!("{}/annotations", m.pointer)))
        });
        // A container whose name is not a string is the schema rules' to report.
        let containers = template
            .containers()
            .into_iter()
            .filter(|c| c.node.get("name").is_none_or(|n| n.as_str().is_some()))
            .collect();
        Some(Check {
            file,
            doc,
            obj,
            applied,
            spec: template.spec,
            at: template.at,
            containers,
            annotations,
        })
    }

    pub(super) fn restricted(&self) -> bool {
        self.applied.policy.level == Level::Restricted
    }

    /// Whether the definition that applies (`Applied::minor`: `latest` resolved on the run's
    /// Kubernetes version) has the control (or the change) Kubernetes made in 1.`minor`.
    pub(super) fn since(&self, minor: u32) -> bool {
        self.applied.minor >= minor
    }

    /// `spec.os.name: windows`, the only OS signal admission reads.
    pub(super) fn windows(&self) -> bool {
        self.spec.get("os").and_then(|o| o.get("name")).and_then(Node::as_str) == Some("windows")
    }

    /// `spec.hostUsers: false`: the pod runs in a user namespace.
    pub(super) fn user_namespace(&self) -> bool {
        self.spec.get("hostUsers").and_then(as_bool) == Some(false)
    }

    /// The pod-level security context, when it is a mapping.
    pub(super) fn pod_sc(&self) -> Option<&'a Node> {
        self.spec.get("securityContext").filter(|n| n.as_map().is_some())
    }

    pub(super) fn pod_sc_at(&self) -> String {
        format!("{}/securityContext", self.at)
    }

    /// A finding of `rule` at `span`: `what` is admission's reason and detail for this field.
    pub(super) fn report(&self, rule: &'static str, span: Span, pointer: &str, what: String) -> Finding {
        let policy = self.applied.policy;
        let name = format!("{}:{}", policy.level.name(), policy.version);
        let (severity, tail) = match &self.applied.source {
            Source::Default => (crate::rules::severity(rule), String::new()),
            Source::Enforced(o) => (
                Severity::Error,
                format!(
                    "; namespace \"{}\" enforces it ({}:{}), so the API server refuses {}",
                    o.namespace,
                    o.file,
                    o.line,
                    self.refused()
                ),
            ),
            Source::Warned(o) => (
                crate::rules::severity(rule),
                format!(
                    "; namespace \"{}\" warns at it ({}:{}): kubectl prints this when {} is applied",
                    o.namespace,
                    o.file,
                    o.line,
                    self.obj.label()
                ),
            ),
        };
        let message = format!("violates PodSecurity \"{name}\": {what}{tail}");
        Finding::at(rule, severity, self.file, self.doc, span, message)
            .with_pointer(format!("{}{pointer}", self.obj.pointer))
            .with_object(Some(self.obj.label()))
    }

    /// What the API server refuses: the Pod itself, or the pods a controller makes from the template.
    fn refused(&self) -> String {
        match self.obj.kind {
            "Pod" => "this Pod".to_owned(),
            "PodTemplate" => "the pods made from this PodTemplate".to_owned(),
            "CronJob" => "the pods of the Jobs this CronJob creates".to_owned(),
            kind => format!("the pods this {kind}'s controller creates"),
        }
    }
}

/// A `v1` PodTemplate object: its template is at `/template`.
fn pod_template_object<'a>(obj: &K8sObject<'a>) -> Option<PodTemplate<'a>> {
    if obj.api_version != "v1" || obj.kind != "PodTemplate" {
        return None;
    }
    let spec = obj.node.pointer("/template/spec")?.0;
    spec.as_map()?;
    Some(PodTemplate {
        spec,
        at: "/template/spec",
    })
}

/// A container's `name`, for messages.
pub(super) fn name<'a>(c: &ContainerRef<'a>) -> &'a str {
    c.name().unwrap_or("")
}

/// A container's security context, when it is a mapping.
pub(super) fn sc<'a>(c: &ContainerRef<'a>) -> Option<&'a Node> {
    c.node.get("securityContext").filter(|n| n.as_map().is_some())
}

/// Where to underline a finding about a field a container leaves unset: its `securityContext`
/// key, else its `name` value, else its first key.
pub(super) fn anchor(c: &ContainerRef<'_>) -> Option<(Span, String)> {
    if let Some(e) = c.node.entry("securityContext") {
        return Some((e.key_span, format!("{}/securityContext", c.pointer)));
    }
    if let Some(e) = c.node.entry("name") {
        return Some((e.value.span, format!("{}/name", c.pointer)));
    }
    let first = c.node.as_map()?.first()?;
    Some((first.key_span, c.pointer.clone()))
}

/// `key` in `node` when its value is not null (null is unset to the API server).
pub(super) fn set<'a>(node: Option<&'a Node>, key: &str) -> Option<&'a Entry> {
    node?.entry(key).filter(|e| !is_null(&e.value))
}

/// The scalar readers the Kubernetes rules use, so both families read a value the same way.
pub(super) use crate::rules::k8s::{as_bool, as_int};

pub(super) fn is_null(node: &Node) -> bool {
    matches!(
        node.kind,
        NodeKind::Scalar {
            value: Scalar::Null,
            ..
        }
    )
}

/// The items of the sequence at `key`, each with its index.
pub(super) fn items<'a>(node: Option<&'a Node>, key: &str) -> impl Iterator<Item = (usize, &'a Node)> {
    node.and_then(|n| n.get(key))
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
}

/// A JSON pointer token for a map key.
pub(super) fn token(key: &str) -> String {
    crate::parse::pointer_token(key)
}
