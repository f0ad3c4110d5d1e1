//! The report as text: workloads, scenarios, fleets, placements, then the price dates, the
//! assumptions and the notes.

use super::model::{mem_text, trim};
use super::report::{FleetOut, Report, ScenarioOut, TypeCount, WorkloadOut};
use super::table::Table;
use std::fmt::Write;

/// `$1,234.56`
pub fn money(v: f64) -> String {
    let cents = (v * 100.0).round() as i64;
    // unsigned_abs: the most negative i64 (what -inf saturates to) has no i64 negation.
    let (sign, cents) = if cents < 0 {
        ("-", cents.unsigned_abs())
    } else {
        ("", cents as u64)
    };
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}${grouped}.{:02}", cents % 100)
}

fn nodes_text(nodes: &[TypeCount]) -> String {
    if nodes.is_empty() {
        return "-".to_owned();
    }
    nodes
        .iter()
        .map(|n| {
            let os = if n.os == super::model::Os::Windows {
                " (Windows)"
            } else {
                ""
            };
            format!("{} x {}{os}", n.count, n.ty)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// At most two types, else the type with the most nodes and how many others: a fleet of many
/// types would make its column hundreds of characters wide. `--explain` and the JSON list all.
pub fn nodes_summary(nodes: &[TypeCount]) -> String {
    if nodes.len() <= 2 {
        return nodes_text(nodes);
    }
    // The first of the largest counts, so ties keep the fleet's order.
    let top = nodes
        .iter()
        .enumerate()
        .max_by(|(i, a), (j, b)| a.count.cmp(&b.count).then(j.cmp(i)))
        .map(|(i, _)| i)
        .unwrap_or(0);
    format!("{} + {} more types", nodes_text(&nodes[top..=top]), nodes.len() - 1)
}

/// The fleet's types: all of them with --explain, else summarised.
fn fleet_types(nodes: &[TypeCount], explain: bool) -> String {
    if explain {
        nodes_text(nodes)
    } else {
        nodes_summary(nodes)
    }
}

/// `s` cut to `max` characters, the cut marked: names can be as long as Kubernetes allows.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let kept: String = s.chars().take(max.saturating_sub(3)).collect();
    format!("{kept}...")
}

/// Widest WORKLOAD cell; the placement and notes sections name workloads in full.
const NAME_WIDTH: usize = 60;

fn per_replica(w: &WorkloadOut) -> String {
    let mut s = format!(
        "{} vCPU {}",
        trim(w.per_replica.vcpu, 3),
        mem_text(w.per_replica.memory_mib)
    );
    if w.per_replica.gpus > 0 {
        let _ = write!(s, " {} GPU", w.per_replica.gpus);
    }
    s
}

fn replicas(w: &WorkloadOut) -> String {
    match w.schedule {
        super::model::Kind::Daemon => "per node".to_owned(),
        _ => w.replicas.to_string(),
    }
}

fn placement<'a>(w: &'a WorkloadOut, key: &str) -> &'a str {
    w.placements.iter().find(|p| p.scenario == key).map_or("", |p| p.on)
}

/// The HYBRID cell: a daemon whose scenario has no node for it runs nowhere, not on EC2.
fn hybrid_cell(w: &WorkloadOut) -> String {
    match placement(w, "hybrid") {
        "nowhere" => "- (no nodes)".to_owned(),
        "fargate" => "Fargate".to_owned(),
        on => on.to_uppercase(),
    }
}

pub fn render(r: &Report, explain: bool) -> String {
    let mut out = String::new();
    let replicas_total: u64 = r.workloads.iter().map(|w| u64::from(w.replicas)).sum();
    let pricing = match r.spot_discount_percent {
        Some(p) => format!("Spot at {}% off where offered", trim(p, 1)),
        None => "on-demand".to_owned(),
    };
    let _ = writeln!(
        out,
        "k2e estimate: {} workload{}, {replicas_total} replica{}, {}, {} hours a month, {pricing}\n",
        r.workloads.len(),
        if r.workloads.len() == 1 { "" } else { "s" },
        if replicas_total == 1 { "" } else { "s" },
        r.region,
        trim(r.hours_per_month, 1)
    );
    if r.workloads.is_empty() {
        out.push_str(
            "No workloads found (Deployments, StatefulSets, DaemonSets, Jobs, CronJobs, Pods, ECS task definitions).\n",
        );
    } else {
        workloads(&mut out, r);
        scenarios(&mut out, r);
        for s in &r.scenarios {
            fleets(&mut out, s, explain);
        }
        placements(&mut out, r);
        fargate_details(&mut out, r);
    }
    out.push_str("Prices\n");
    for p in &r.prices {
        let _ = writeln!(out, "  {}: as of {} ({})", p.what, p.as_of, p.source);
    }
    out.push('\n');
    list(&mut out, "Assumptions", &r.assumptions);
    let mut notes = r.notes.clone();
    for w in &r.workloads {
        notes.extend(
            w.notes
                .iter()
                .map(|n| format!("{} ({}:{}): {n}", w.name, w.file, w.line)),
        );
    }
    list(&mut out, "Notes", &notes);
    out.trim_end().to_owned() + "\n"
}

fn list(out: &mut String, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "{title}");
    for i in items {
        let _ = writeln!(out, "  - {i}");
    }
    out.push('\n');
}

fn workloads(out: &mut String, r: &Report) {
    let mut t = Table::new(&[
        "WORKLOAD",
        "REPLICAS>",
        "PER REPLICA",
        "FARGATE SIZE",
        "FARGATE/MO>",
        "EC2/MO>",
        "HYBRID",
    ]);
    for w in &r.workloads {
        let size = match (&w.fargate.size, w.fargate.runnable) {
            (Some(s), true) => format!("{} vCPU / {} GB", trim(s.vcpu, 2), trim(s.memory_gb, 2)),
            _ if !w.fargate.blocked_by.is_empty() => "blocked".to_owned(),
            _ => "-".to_owned(),
        };
        t.row(vec![
            clip(&w.name, NAME_WIDTH),
            replicas(w),
            per_replica(w),
            size,
            w.fargate.monthly.map_or_else(|| "-".to_owned(), money),
            w.ec2_monthly.map_or_else(|| "-".to_owned(), money),
            hybrid_cell(w),
        ]);
    }
    out.push_str(&t.render(""));
    out.push('\n');
}

fn scenarios(out: &mut String, r: &Report) {
    let mut t = Table::new(&[
        "SCENARIO",
        "EC2 NODES",
        "FARGATE>",
        "EC2/MO>",
        "FARGATE/MO>",
        "TOTAL/MO>",
    ]);
    for s in &r.scenarios {
        let nodes: Vec<String> = s
            .fleets
            .iter()
            .filter(|f| !f.nodes.is_empty())
            .map(|f| format!("{}: {}", fleet_name(f), nodes_summary(&f.nodes)))
            .collect();
        let title = if s.key == r.cheapest {
            format!("{} (cheapest)", s.title)
        } else {
            s.title.to_owned()
        };
        t.row(vec![
            title,
            if nodes.is_empty() {
                "-".to_owned()
            } else {
                nodes.join("; ")
            },
            s.fargate_workloads.to_string(),
            money(s.ec2_monthly),
            money(s.fargate_monthly),
            total(s),
        ]);
    }
    out.push_str(&t.render(""));
    out.push('\n');
}

/// The total, and what it leaves out: a workload placed nowhere has no price in it.
fn total(s: &ScenarioOut) -> String {
    match s.unplaced_workloads.len() {
        0 => money(s.monthly),
        1 => format!("{} + 1 workload not placed", money(s.monthly)),
        n => format!("{} + {n} workloads not placed", money(s.monthly)),
    }
}

fn fleet_name(f: &FleetOut) -> String {
    if f.batch {
        format!("{} batch ({}% of the month)", f.cluster, trim(f.runs * 100.0, 1))
    } else {
        f.cluster.to_owned()
    }
}

fn fleets(out: &mut String, s: &ScenarioOut, explain: bool) {
    if s.fleets.is_empty() {
        return;
    }
    let _ = writeln!(out, "EC2 fleets, {}", s.title);
    for f in &s.fleets {
        if f.nodes.is_empty() {
            // Only workloads no priced type holds: nothing to size, only why.
            let _ = writeln!(out, "  {}: no nodes", fleet_name(f));
            for u in &f.unplaceable {
                let _ = writeln!(out, "    not placed: {}: {}", u.workload, u.reason);
            }
            continue;
        }
        let _ = writeln!(
            out,
            "  {}: {} {}, {}/mo; utilisation cpu {}%, memory {}%",
            fleet_name(f),
            fleet_types(&f.nodes, explain),
            if f.chosen == "mixed" {
                "(mixed)"
            } else {
                "(homogeneous)"
            },
            money(f.monthly),
            trim(f.utilisation.cpu_percent, 1),
            trim(f.utilisation.memory_percent, 1)
        );
        if let Some(h) = &f.homogeneous {
            let _ = writeln!(
                out,
                "    cheapest homogeneous: {}, {}/mo",
                fleet_types(&h.nodes, explain),
                money(h.monthly)
            );
        }
        if let Some(m) = &f.mixed {
            let _ = writeln!(
                out,
                "    cheapest mixed: {}, {}/mo",
                fleet_types(&m.nodes, explain),
                money(m.monthly)
            );
        }
        if let (Some(b), Some(g)) = (f.lower_bound_monthly, f.gap_percent) {
            let _ = writeln!(
                out,
                "    lower bound (LP relaxation): {}/mo; this fleet is {}% above it",
                money(b),
                trim(g, 1)
            );
        }
        if !f.daemons.is_empty() {
            let _ = writeln!(out, "    on every node: {}", f.daemons.join(", "));
        }
        for u in &f.unplaceable {
            let _ = writeln!(out, "    not placed: {}: {}", u.workload, u.reason);
        }
        if explain {
            if let Some(nodes) = &f.explain {
                for (i, n) in nodes.iter().enumerate() {
                    let holds: Vec<String> = n
                        .holds
                        .iter()
                        .map(|h| {
                            if h.replicas == 1 {
                                h.workload.clone()
                            } else {
                                format!("{} x{}", h.workload, h.replicas)
                            }
                        })
                        .collect();
                    let _ = writeln!(
                        out,
                        "    node {}: {} ${}/h  cpu {}/{} vCPU  memory {}/{}  {} {}/{}: {}",
                        i + 1,
                        n.ty,
                        trim(n.hourly, 5),
                        trim(n.vcpu_used, 3),
                        trim(n.vcpu_allocatable, 3),
                        mem_text(n.memory_mib_used),
                        mem_text(n.memory_mib_allocatable),
                        if f.cluster == "EKS" { "pods" } else { "ENIs" },
                        n.slots_used,
                        if n.slots > 1_000_000 {
                            "-".to_owned()
                        } else {
                            n.slots.to_string()
                        },
                        holds.join(", ")
                    );
                }
            }
        }
    }
    out.push('\n');
}

fn placements(out: &mut String, r: &Report) {
    let _ = writeln!(out, "Placement, hybrid");
    for w in &r.workloads {
        if let Some(p) = w.placements.iter().find(|p| p.scenario == "hybrid") {
            let _ = writeln!(out, "  {}: {}", w.name, p.reason);
        }
    }
    out.push('\n');
}

fn fargate_details(out: &mut String, r: &Report) {
    let mut lines = Vec::new();
    for w in &r.workloads {
        let f = &w.fargate;
        for b in &f.blocked_by {
            lines.push(format!("{}: cannot run on Fargate: {b}", w.name));
        }
        // A change that would not make it runnable is not worth a line.
        for c in f.changes_needed.iter().filter(|_| f.blocked_by.is_empty()) {
            lines.push(format!("{}: needs a change for Fargate: {c}", w.name));
        }
        if let Some(s) = &f.sizing {
            lines.push(format!("{}: {s}", w.name));
        }
        if let Some(j) = &f.tier_jump {
            lines.push(format!("{}: {j}", w.name));
        }
        if let (Some(e), true) = (&f.error, f.blocked_by.is_empty()) {
            lines.push(format!("{}: {e}", w.name));
        }
        if f.spot && f.runnable {
            lines.push(format!("{}: priced as Fargate Spot", w.name));
        }
    }
    list(out, "Fargate", &lines);
}

#[cfg(test)]
mod tests {
    use super::{clip, money, nodes_summary};
    use crate::estimate::model::Os;
    use crate::estimate::report::TypeCount;

    fn types(counts: &[(&str, usize)]) -> Vec<TypeCount> {
        counts
            .iter()
            .map(|&(ty, count)| TypeCount {
                ty: ty.to_owned(),
                os: Os::Linux,
                count,
                hourly: 0.1,
            })
            .collect()
    }

    #[test]
    fn fleets_of_more_than_two_types_are_summarised_by_the_most_numerous() {
        let two = types(&[("c6a.large", 3), ("m6i.large", 1)]);
        assert_eq!(nodes_summary(&two), "3 x c6a.large, 1 x m6i.large");
        let four = types(&[
            ("c6a.large", 3),
            ("c7a.medium", 25),
            ("m6i.large", 25),
            ("r6i.large", 1),
        ]);
        assert_eq!(nodes_summary(&four), "25 x c7a.medium + 3 more types");
    }

    #[test]
    fn clip_marks_the_cut() {
        assert_eq!(clip("abcdef", 6), "abcdef");
        assert_eq!(clip("abcdefg", 6), "abc...");
    }

    #[test]
    fn money_format() {
        assert_eq!(money(0.0), "$0.00");
        assert_eq!(money(1234.567), "$1,234.57");
        assert_eq!(money(1_000_000.0), "$1,000,000.00");
        assert_eq!(money(12.3), "$12.30");
        assert_eq!(money(-1.5), "-$1.50");
        assert!(money(f64::NEG_INFINITY).starts_with("-$"));
    }
}
