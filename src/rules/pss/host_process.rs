//! PSS001 (baseline, v1.0+): Windows HostProcess containers, which run on the host with its
//! privileges. `securityContext.windowsOptions.hostProcess` on the pod and on every container
//! must be unset or false.

use super::check::{Check, as_bool, name, sc};
use crate::finding::Finding;
use crate::finding::ids::PSS_HOST_PROCESS;
use crate::parse::Node;

pub(super) fn check(cx: &Check<'_>, out: &mut Vec<Finding>) {
    if let Some(f) = host_process(cx, cx.pod_sc(), &cx.pod_sc_at(), "pod".to_owned()) {
        out.push(f);
    }
    for c in &cx.containers {
        let at = format!("{}/securityContext", c.pointer);
        let who = format!("container \"{}\"", name(c));
        out.extend(host_process(cx, sc(c), &at, who));
    }
}

fn host_process(cx: &Check<'_>, sc: Option<&Node>, at: &str, who: String) -> Option<Finding> {
    let e = sc?.get("windowsOptions")?.entry("hostProcess")?;
    (as_bool(&e.value) == Some(true)).then(|| {
        let what = format!("hostProcess ({who} must not set securityContext.windowsOptions.hostProcess=true)");
        cx.report(PSS_HOST_PROCESS, e.value.span, &format!("{at}/windowsOptions/hostProcess"), what)
            .with_label("HostProcess container")
            .with_help("remove windowsOptions.hostProcess (allowed: unset or false); a HostProcess pod needs a namespace whose level is privileged")
    })
}
