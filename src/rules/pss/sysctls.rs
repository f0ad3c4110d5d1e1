//! PSS011 (baseline): sysctls other than the safe, namespaced ones. Only
//! `spec.securityContext.sysctls[*].name` is read; the allowed set grew in 1.27, 1.29, 1.32 and
//! 1.37.

use super::check::{Check, items};
use crate::finding::Finding;
use crate::finding::ids::PSS_SYSCTLS;

/// Each safe sysctl and the Kubernetes minor version whose definition first allows it.
const SAFE: &[(&str, u32)] = &[
    ("kernel.shm_rmid_forced", 0),
    ("net.ipv4.ip_local_port_range", 0),
    ("net.ipv4.tcp_syncookies", 0),
    ("net.ipv4.ping_group_range", 0),
    ("net.ipv4.ip_unprivileged_port_start", 0),
    ("net.ipv4.ip_local_reserved_ports", 27),
    ("net.ipv4.tcp_keepalive_time", 29),
    ("net.ipv4.tcp_fin_timeout", 29),
    ("net.ipv4.tcp_keepalive_intvl", 29),
    ("net.ipv4.tcp_keepalive_probes", 29),
    ("net.ipv4.tcp_rmem", 32),
    ("net.ipv4.tcp_wmem", 32),
    ("net.ipv4.tcp_slow_start_after_idle", 37),
    ("net.ipv4.tcp_notsent_lowat", 37),
];

pub(super) fn check(cx: &Check<'_>, out: &mut Vec<Finding>) {
    let allowed: Vec<&str> = SAFE
        .iter()
        .filter(|(_, since)| cx.since(*since))
        .map(|(s, _)| *s)
        .collect();
    for (i, sysctl) in items(cx.pod_sc(), "sysctls") {
        let Some(e) = sysctl.entry("name") else { continue };
        let Some(value) = e.value.as_str() else { continue };
        if allowed.contains(&value) {
            continue;
        }
        let at = format!("{}/sysctls/{i}/name", cx.pod_sc_at());
        out.push(
            cx.report(PSS_SYSCTLS, e.value.span, &at, format!("forbidden sysctls ({value})"))
                .with_label("unsafe sysctl")
                .with_help(format!(
                    "remove the sysctl (baseline at {} allows only {})",
                    cx.applied.policy.version,
                    allowed.join(", ")
                )),
        );
    }
}
