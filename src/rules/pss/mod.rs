//! The Pod Security Standards: one rule per control of the `baseline` (PSS001-PSS012) and
//! `restricted` (PSS101-PSS106) levels, as the Pod Security admission controller
//! (k8s.io/pod-security-admission, `policy/check_*.go`) defines them, version by version, up to
//! Kubernetes 1.37 (`latest`). Every Kubernetes object with a pod spec is checked: Pods, the
//! templates of the built-in workloads and PodTemplates, with init and ephemeral containers.

mod apparmor;
mod capabilities;
mod check;
mod host_namespaces;
mod host_ports;
mod host_probes;
mod host_process;
mod labels;
mod policies;
mod policy;
mod privilege_escalation;
mod privileged;
mod proc_mount;
mod run_as;
mod seccomp;
mod selinux;
mod sysctls;
mod volumes;

pub use policies::{Applied, Labelled, NEWEST, Origin, Policies, Source, minor_of};
pub use policy::{Level, Policy, Version};

use super::Selection;
use crate::detect::K8sObject;
use crate::finding::Finding;
use crate::finding::ids::{PSS_PRIVILEGE_ESCALATION, PSS_RUN_AS_NON_ROOT, PSS_RUN_AS_USER};
use crate::parse::Document;
use check::Check;

/// What the lint of one object tells the Pod Security check besides the object itself.
pub struct Scope<'a> {
    /// The policy that applies to the object (`Policies::for_object`).
    pub applied: &'a Applied,
    /// The rules the run reports (`--select`, `--ignore`).
    pub selection: &'a Selection,
    /// Where the object's own findings start in `out`: only those are looked at.
    pub first: usize,
}

/// Checks one object against the policy that applies to it, and a Namespace's own Pod
/// Security labels.
pub fn check(file: &str, doc: &Document, obj: &K8sObject<'_>, scope: &Scope<'_>, out: &mut Vec<Finding>) {
    labels::check(file, doc, obj, out);
    if scope.applied.policy.level == Level::Privileged {
        return;
    }
    let Some(cx) = Check::of(file, doc, obj, scope.applied) else {
        return;
    };
    host_process::check(&cx, out);
    host_namespaces::check(&cx, out);
    privileged::check(&cx, out);
    capabilities::check(&cx, out);
    volumes::check(&cx, out);
    host_ports::check(&cx, out);
    apparmor::check(&cx, out);
    selinux::check(&cx, out);
    proc_mount::check(&cx, out);
    seccomp::check(&cx, out);
    sysctls::check(&cx, out);
    host_probes::check(&cx, out);
    privilege_escalation::check(&cx, out);
    run_as::check(&cx, out);
    let selected = |id: &str| scope.selection.allows(id);
    let covered = Covered {
        run_as_root: run_as::applies(&cx) && cx.since(23) && selected(PSS_RUN_AS_NON_ROOT) && selected(PSS_RUN_AS_USER),
        privilege_escalation: privilege_escalation::applies(&cx) && selected(PSS_PRIVILEGE_ESCALATION),
    };
    let pod_at = format!("{}{}/", obj.pointer, cx.at);
    super::k8s::drop_repeated_by_pss(covered, file, doc.index, &pod_at, out, scope.first);
}

/// Which of the general security rules' findings on this pod the restricted controls already
/// make, in rules the run reports (see `k8s::drop_repeated_by_pss`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Covered {
    /// PSS103 and PSS104 apply and are selected: they flag every container K8S015 would.
    pub run_as_root: bool,
    /// PSS102 applies and is selected: it flags every container K8S016 would.
    pub privilege_escalation: bool,
}

#[cfg(test)]
mod tests;
