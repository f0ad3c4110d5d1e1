//! PodDisruptionBudgets: the one selecting a workload's pods sets the floor of its service's
//! deploymentConfiguration.minimumHealthyPercent, which ECS keeps while it replaces tasks and
//! drains container instances. Kubernetes rounds a percentage of minAvailable and of
//! maxUnavailable up; ECS rounds minimumHealthyPercent up, so the percentage written keeps
//! the same number of tasks.

use super::{Cx, Uses, report, svc};
use crate::convert::catalog::K8sItem;
use crate::convert::cursor::At;
use crate::convert::loss::Ledger;
use crate::convert::outcome::ObjectReport;
use crate::parse::Node;
use std::collections::BTreeMap;

/// What a budget became: (ECS service name, replicas, minimumHealthyPercent).
pub type Applied = (String, i64, i64);

/// The strictest minimumHealthyPercent the budgets selecting `labels` ask for on `desired`
/// tasks, recorded in `cx.uses` for the budgets' own reports.
pub fn floor(cx: &mut Cx<'_, '_>, labels: Option<&Node>, desired: i64) -> Option<i64> {
    let labels: BTreeMap<&str, String> = labels
        .and_then(Node::as_map)
        .map(|m| {
            m.iter()
                .filter_map(|e| Some((e.key.as_str(), e.value.scalar_text()?)))
                .collect()
        })
        .unwrap_or_default();
    let mut strictest = None;
    for pdb in cx.catalog.of_kind("PodDisruptionBudget") {
        if pdb.namespace() != cx.namespace {
            continue;
        }
        let Some(spec) = pdb.obj.node.get("spec") else { continue };
        if !spec.get("selector").is_some_and(|s| selects(s, &labels)) {
            continue;
        }
        let Some(percent) = min_healthy(spec, desired) else {
            continue;
        };
        cx.uses
            .budgets
            .entry((pdb.namespace().to_owned(), pdb.name().to_owned()))
            .or_default()
            .push((cx.family.clone(), desired, percent));
        strictest = strictest.max(Some(percent));
    }
    strictest
}

/// A label selector (matchLabels and matchExpressions; `{}` selects every pod).
fn selects(selector: &Node, labels: &BTreeMap<&str, String>) -> bool {
    let by_label = selector
        .get("matchLabels")
        .and_then(Node::as_map)
        .unwrap_or_default()
        .iter()
        .all(|e| {
            e.value
                .scalar_text()
                .is_some_and(|v| labels.get(e.key.as_str()) == Some(&v))
        });
    let by_expression = selector
        .get("matchExpressions")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .all(|x| expression(x, labels));
    selector.as_map().is_some() && by_label && by_expression
}

fn expression(x: &Node, labels: &BTreeMap<&str, String>) -> bool {
    let Some(key) = x.get("key").and_then(Node::as_str) else {
        return false;
    };
    let values: Vec<String> = x
        .get("values")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::scalar_text)
        .collect();
    let value = labels.get(key);
    match x.get("operator").and_then(Node::as_str) {
        Some("In") => value.is_some_and(|v| values.contains(v)),
        Some("NotIn") => value.is_none_or(|v| !values.contains(v)),
        Some("Exists") => value.is_some(),
        Some("DoesNotExist") => value.is_none(),
        _ => false,
    }
}

/// minAvailable or maxUnavailable (a count or a percentage) as the percentage of `desired`
/// tasks ECS must keep.
fn min_healthy(spec: &Node, desired: i64) -> Option<i64> {
    let n = desired.max(1);
    let keep = match (spec.get("minAvailable"), spec.get("maxUnavailable")) {
        (Some(min), None) => scaled(min, n)?.min(n),
        (None, Some(max)) => (n - scaled(max, n)?).max(0),
        _ => return None,
    };
    Some((keep * 100 + n - 1) / n)
}

/// A count, or a percentage of `n` rounded up (as the disruption controller does).
fn scaled(value: &Node, n: i64) -> Option<i64> {
    let text = value.scalar_text()?;
    match text.strip_suffix('%') {
        Some(p) => {
            let p: i64 = p.parse().ok().filter(|p| *p >= 0)?;
            Some((p * n + 99) / 100)
        }
        None => text.parse().ok().filter(|c: &i64| *c >= 0),
    }
}

/// The report of a budget that selected converted workloads.
pub fn account(item: &K8sItem<'_>, uses: &Uses) -> Option<ObjectReport> {
    if item.obj.kind != "PodDisruptionBudget" {
        return None;
    }
    let applied = uses
        .budgets
        .get(&(item.namespace().to_owned(), item.name().to_owned()))?;
    let mut ledger = Ledger::default();
    let root = At::new(item.obj.node, item.obj.pointer.clone());
    let to = svc("/deploymentConfiguration/minimumHealthyPercent");
    let services: Vec<String> = applied
        .iter()
        .map(|(service, desired, percent)| format!("{service}: {percent}% of {desired} task(s)"))
        .collect();
    for (key, at) in root.entries() {
        match key {
            "apiVersion" | "kind" => ledger.mapped(&at, to.clone()),
            "metadata" => ledger.dropped(
                &at,
                "a deployment configuration has no name, labels or annotations",
                "nothing to convert",
            ),
            "spec" => spec(&mut ledger, &at, &to, &services),
            "status" => ledger.dropped(&at, "status is written by the cluster", "nothing to do"),
            _ => ledger.unknown(&at, "PodDisruptionBudget"),
        }
    }
    Some(report(item, ledger, Vec::new(), None))
}

fn spec(ledger: &mut Ledger, spec: &At<'_>, to: &str, services: &[String]) {
    for (key, at) in spec.entries() {
        match key {
            "selector" => ledger.mapped(&at, svc("")),
            "minAvailable" | "maxUnavailable" => ledger.approx(
                &at,
                to,
                format!(
                    "the floor of minimumHealthyPercent ({}): ECS keeps it while it replaces tasks and drains instances, not against other disruptions",
                    services.join(", ")
                ),
            ),
            "unhealthyPodEvictionPolicy" => ledger.dropped(
                &at,
                "ECS replaces unhealthy tasks whatever the minimum healthy percent",
                "nothing to convert",
            ),
            _ => ledger.unknown(&at, "PodDisruptionBudgetSpec"),
        }
    }
}
