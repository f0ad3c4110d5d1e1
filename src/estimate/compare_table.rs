//! A comparison as text: scenario totals, then each workload that changed or whose cost moved
//! (largest change first), then why the two sides may not be priced alike, and the price dates.

use super::compare::{Comparison, ScenarioDelta, WorkloadDelta};
use super::prices::Origin;
use super::render::{clip, money};
use super::table::Table;
use std::fmt::Write;

/// `+$12.00`, `-$3.50`, `$0.00`.
pub fn signed(v: f64) -> String {
    if (v * 100.0).round() > 0.0 {
        format!("+{}", money(v))
    } else {
        money(v)
    }
}

/// `+$20.00 (+20%)`; no percentage from a zero base.
pub fn change(s: &ScenarioDelta) -> String {
    match (s.base_monthly, s.delta_monthly) {
        (Some(b), Some(d)) if b.abs() >= 0.005 => {
            format!("{} ({}%)", signed(d), percent(d / b * 100.0))
        }
        (_, Some(d)) => signed(d),
        (None, None) => "new scenario".to_owned(),
        (Some(_), None) => "scenario gone".to_owned(),
    }
}

fn percent(p: f64) -> String {
    let t = super::model::trim(p, 1);
    if p > 0.0 && t != "0" { format!("+{t}") } else { t }
}

/// A side's total and the workloads it leaves out.
pub fn total(v: Option<f64>, unplaced: usize) -> String {
    match (v, unplaced) {
        (None, _) => "-".to_owned(),
        (Some(v), 0) => money(v),
        (Some(v), n) => format!("{} + {n} not placed", money(v)),
    }
}

/// Workloads a comparison lists: every one added, removed or changed, and the unchanged ones
/// whose cost moved.
pub fn listed(c: &Comparison) -> impl Iterator<Item = &WorkloadDelta> {
    c.workloads.iter().filter(|w| w.status != "unchanged" || w.size() > 0.0)
}

pub fn opt_money(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), money)
}

pub fn opt_signed(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), signed)
}

/// `added, 1 removed, ...` counts as a sentence part.
pub fn counts(c: &Comparison) -> String {
    let n = &c.counts;
    format!(
        "{} added, {} removed, {} changed, {} unchanged",
        n.added, n.removed, n.changed, n.unchanged
    )
}

pub fn render(c: &Comparison) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "k2e estimate --compare {}: {} workloads (base {}): {}\n",
        c.base.file.as_deref().unwrap_or("-"),
        c.head.workloads,
        c.base.workloads,
        counts(c)
    );
    let mut t = Table::new(&[
        "SCENARIO",
        "BASE/MO>",
        "HEAD/MO>",
        "CHANGE>",
        "EC2 CHANGE>",
        "FARGATE CHANGE>",
    ]);
    for s in &c.scenarios {
        t.row(vec![
            s.title.clone(),
            total(s.base_monthly, s.base_unplaced),
            total(s.head_monthly, s.head_unplaced),
            change(s),
            opt_signed(s.ec2_delta_monthly),
            opt_signed(s.fargate_delta_monthly),
        ]);
    }
    out.push_str(&t.render(""));
    out.push('\n');
    basis(&mut out, c);
    let mut t = Table::new(&[
        "WORKLOAD",
        "STATUS",
        "FARGATE BASE>",
        "FARGATE HEAD>",
        "FARGATE CHANGE>",
        "EC2 SHARE CHANGE>",
    ]);
    let mut notes = Vec::new();
    for w in listed(c) {
        t.row(vec![
            clip(&w.workload, 60),
            w.status.to_owned(),
            opt_money(w.base_fargate_monthly),
            opt_money(w.head_fargate_monthly),
            opt_signed(w.fargate_delta_monthly),
            opt_signed(w.ec2_delta_monthly),
        ]);
        notes.extend(w.changes.iter().map(|ch| format!("{}: {ch}", w.workload)));
    }
    if notes.is_empty() && listed(c).next().is_none() {
        out.push_str("No workload was added, removed or changed, and none costs more or less.\n\n");
    } else {
        out.push_str(&t.render(""));
        out.push('\n');
    }
    section(&mut out, "Changes", &notes);
    out.push_str("Prices\n");
    if c.base.prices == c.head.prices {
        prices(&mut out, "base and head", &c.head.prices);
    } else {
        prices(&mut out, "base", &c.base.prices);
        prices(&mut out, "head", &c.head.prices);
    }
    out.trim_end().to_owned() + "\n"
}

fn basis(out: &mut String, c: &Comparison) {
    if c.basis_differences.is_empty() {
        return;
    }
    out.push_str(
        "The base was priced on another basis than the head: part of each change comes from this, not from the \
         workloads.\n",
    );
    for d in &c.basis_differences {
        let _ = writeln!(out, "  - {d}");
    }
    out.push('\n');
}

fn section(out: &mut String, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "{title}");
    for i in items {
        let _ = writeln!(out, "  - {i}");
    }
    out.push('\n');
}

fn prices(out: &mut String, side: &str, origins: &[Origin]) {
    for p in origins {
        let _ = writeln!(out, "  {side}: {}: as of {} ({})", p.what, p.as_of, p.source);
    }
}
