//! PSS007 (baseline, v1.0+): AppArmor profiles that disable or override the runtime's default.
//! The field form (`securityContext.appArmorProfile.type`, pod and containers, Kubernetes 1.30+)
//! allows RuntimeDefault and Localhost; the annotation form
//! (`container.apparmor.security.beta.kubernetes.io/<container>`) allows `runtime/default`,
//! `localhost/<profile>` and empty. Admission reads both at every version.

use super::check::{Check, name, sc, token};
use crate::finding::Finding;
use crate::finding::ids::PSS_APPARMOR;
use crate::parse::Node;

const ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";
const HELP: &str =
    "use type RuntimeDefault or Localhost (annotation: runtime/default or localhost/<profile>), or leave it unset";

pub(super) fn check(cx: &Check<'_>, out: &mut Vec<Finding>) {
    out.extend(field(cx, cx.pod_sc(), &cx.pod_sc_at(), "pod".to_owned()));
    for c in &cx.containers {
        let at = format!("{}/securityContext", c.pointer);
        out.extend(field(cx, sc(c), &at, format!("container \"{}\"", name(c))));
    }
    annotations(cx, out);
}

fn field(cx: &Check<'_>, sc: Option<&Node>, at: &str, who: String) -> Option<Finding> {
    let e = sc?.get("appArmorProfile")?.entry("type")?;
    let value = e.value.as_str()?;
    if matches!(value, "RuntimeDefault" | "Localhost") {
        return None;
    }
    let what = format!("forbidden AppArmor profile ({who} must not set AppArmor profile type to \"{value}\")");
    Some(
        cx.report(PSS_APPARMOR, e.value.span, &format!("{at}/appArmorProfile/type"), what)
            .with_label("AppArmor profile overridden")
            .with_help(HELP),
    )
}

fn annotations(cx: &Check<'_>, out: &mut Vec<Finding>) {
    let Some((node, at)) = &cx.annotations else { return };
    for e in node.as_map().unwrap_or_default() {
        let Some(value) = e.value.as_str() else { continue };
        if !e.key.starts_with(ANNOTATION_PREFIX)
            || value.is_empty()
            || value == "runtime/default"
            || value.starts_with("localhost/")
        {
            continue;
        }
        let what = format!("forbidden AppArmor profile ({}=\"{value}\")", e.key);
        out.push(
            cx.report(PSS_APPARMOR, e.value.span, &format!("{at}/{}", token(&e.key)), what)
                .with_label("AppArmor profile overridden")
                .with_help(HELP),
        );
    }
}
