//! An estimate or a comparison as a pull-request comment (GitHub/GitLab markdown): totals
//! first, then one table, largest first, of bounded size; the price dates last.
//!
//! Every amount sits alone in its table cell: GitHub reads `$...$` on one line as math.

use super::compare::Comparison;
use super::compare_table::{change, counts, listed, opt_money, opt_signed, total};
use super::model::trim;
use super::prices::Origin;
use super::render::{clip, money, nodes_summary};
use super::report::{Report, WorkloadOut};
use std::fmt::Write;

/// Rows of the workload table; the JSON lists them all.
const ROWS: usize = 25;
/// Widest name, and widest list of changes, in a cell.
const NAME_WIDTH: usize = 60;
const TEXT_WIDTH: usize = 160;
const FILE_WIDTH: usize = 50;

/// `s` as literal text in a table cell: on one line, with every character markdown gives a
/// meaning to (`|` ends the cell) backslash-escaped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '$' | '!' | '&' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Clipped first, so an escape is never cut in two.
fn cell(s: &str, width: usize) -> String {
    escape(&clip(s, width))
}

fn row(out: &mut String, cells: &[String]) {
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}

fn header(out: &mut String, names: &[&str]) {
    row(
        out,
        &names
            .iter()
            .map(|n| n.trim_end_matches('>').to_owned())
            .collect::<Vec<_>>(),
    );
    let rule: Vec<String> = names
        .iter()
        .map(|n| if n.ends_with('>') { "--:" } else { "---" }.to_owned())
        .collect();
    row(out, &rule);
}

fn prices(out: &mut String, side: &str, origins: &[Origin]) {
    let dated: Vec<String> = origins
        .iter()
        .map(|p| format!("{} as of {}", escape(&p.what), escape(&p.as_of)))
        .collect();
    let _ = writeln!(out, "- {side}: {}", dated.join("; "));
}

/// The estimate as a comment.
pub fn estimate(r: &Report) -> String {
    let mut out = String::new();
    if r.workloads.is_empty() {
        out.push_str("### k2e estimate: no workloads found\n\n");
        out.push_str("Prices:\n");
        prices(&mut out, "estimate", &r.prices);
        return out;
    }
    let cheapest = r.scenarios.iter().find(|s| s.key == r.cheapest);
    let _ = writeln!(
        out,
        "### k2e estimate: {}\n",
        cheapest.map_or_else(
            || "no workloads".to_owned(),
            |s| format!("{} (cheapest), {}/mo", s.title, money(s.monthly))
        )
    );
    let replicas: u64 = r.workloads.iter().map(|w| u64::from(w.replicas)).sum();
    let _ = writeln!(
        out,
        "{} workloads, {replicas} replicas, {}, {} hours a month.\n",
        r.workloads.len(),
        escape(&r.region),
        trim(r.hours_per_month, 1)
    );
    header(
        &mut out,
        &[
            "Scenario",
            "EC2 nodes",
            "On Fargate>",
            "EC2/mo>",
            "Fargate/mo>",
            "Total/mo>",
        ],
    );
    for s in &r.scenarios {
        let nodes: Vec<String> = s
            .fleets
            .iter()
            .filter(|f| !f.nodes.is_empty())
            .map(|f| format!("{}: {}", f.cluster, nodes_summary(&f.nodes)))
            .collect();
        let title = if s.key == r.cheapest {
            format!("**{} (cheapest)**", escape(s.title))
        } else {
            escape(s.title)
        };
        row(
            &mut out,
            &[
                title,
                if nodes.is_empty() {
                    "-".to_owned()
                } else {
                    escape(&nodes.join("; "))
                },
                s.fargate_workloads.to_string(),
                money(s.ec2_monthly),
                money(s.fargate_monthly),
                total(Some(s.monthly), s.unplaced_workloads.len()),
            ],
        );
    }
    out.push('\n');
    workloads(&mut out, r);
    out.push_str("Prices:\n");
    prices(&mut out, "estimate", &r.prices);
    out
}

/// A workload's larger monthly figure: the order of the table.
fn weight(w: &WorkloadOut) -> f64 {
    w.fargate.monthly.unwrap_or(0.0).max(w.ec2_monthly.unwrap_or(0.0))
}

fn workloads(out: &mut String, r: &Report) {
    let mut order: Vec<&WorkloadOut> = r.workloads.iter().collect();
    order.sort_by(|a, b| weight(b).total_cmp(&weight(a)).then_with(|| a.name.cmp(&b.name)));
    header(
        out,
        &["Workload", "File", "Replicas>", "Fargate/mo>", "EC2/mo>", "Hybrid"],
    );
    for w in order.iter().take(ROWS) {
        let hybrid = w
            .placements
            .iter()
            .find(|p| p.scenario == "hybrid")
            .map_or("", |p| p.on);
        row(
            out,
            &[
                cell(&w.name, NAME_WIDTH),
                cell(&format!("{}:{}", w.file, w.line), FILE_WIDTH),
                if w.schedule == super::model::Kind::Daemon {
                    "per node".to_owned()
                } else {
                    w.replicas.to_string()
                },
                match (w.fargate.monthly, w.fargate.blocked_by.is_empty()) {
                    (Some(m), _) => money(m),
                    (None, false) => "blocked".to_owned(),
                    (None, true) => "-".to_owned(),
                },
                opt_money(w.ec2_monthly),
                match hybrid {
                    "nowhere" => "- (no nodes)".to_owned(),
                    "fargate" => "Fargate".to_owned(),
                    on => on.to_uppercase(),
                },
            ],
        );
    }
    more(out, order.len(), "workloads");
}

fn more(out: &mut String, n: usize, what: &str) {
    if n > ROWS {
        let _ = writeln!(
            out,
            "\n_{} more {what} not shown: `--format json` lists them all._",
            n - ROWS
        );
    }
    out.push('\n');
}

/// The comparison as a comment.
pub fn comparison(c: &Comparison) -> String {
    let mut out = String::new();
    out.push_str("### k2e estimate: monthly cost change\n\n");
    header(
        &mut out,
        &[
            "Scenario",
            "Base>",
            "Head>",
            "Change>",
            "EC2 change>",
            "Fargate change>",
        ],
    );
    for s in &c.scenarios {
        let title = if s.key == c.head.cheapest {
            format!("**{} (cheapest)**", escape(&s.title))
        } else {
            escape(&s.title)
        };
        row(
            &mut out,
            &[
                title,
                total(s.base_monthly, s.base_unplaced),
                total(s.head_monthly, s.head_unplaced),
                change(s),
                opt_signed(s.ec2_delta_monthly),
                opt_signed(s.fargate_delta_monthly),
            ],
        );
    }
    out.push('\n');
    if !c.basis_differences.is_empty() {
        out.push_str(
            "> **The base was priced on another basis**, so part of each change comes from this, not from the \
             workloads:\n",
        );
        for d in &c.basis_differences {
            let _ = writeln!(out, "> - {}", escape(d));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "Workloads: {}.\n", counts(c));
    let rows: Vec<_> = listed(c).collect();
    if !rows.is_empty() {
        header(
            &mut out,
            &[
                "Workload",
                "Status",
                "Fargate base>",
                "Fargate head>",
                "Fargate change>",
                "EC2 share change>",
                "What changed",
            ],
        );
        for w in rows.iter().take(ROWS) {
            row(
                &mut out,
                &[
                    cell(&w.workload, NAME_WIDTH),
                    w.status.to_owned(),
                    opt_money(w.base_fargate_monthly),
                    opt_money(w.head_fargate_monthly),
                    opt_signed(w.fargate_delta_monthly),
                    opt_signed(w.ec2_delta_monthly),
                    cell(&w.changes.join("; "), TEXT_WIDTH),
                ],
            );
        }
        more(&mut out, rows.len(), "changes");
        out.push_str("_EC2 share: the workload's part of the all-EC2 fleet's cost._\n\n");
    }
    out.push_str("Prices:\n");
    if c.base.prices == c.head.prices {
        prices(&mut out, "base and head", &c.head.prices);
    } else {
        prices(&mut out, "base", &c.base.prices);
        prices(&mut out, "head", &c.head.prices);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_what_breaks_a_table() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("x\ny"), "x y");
        assert_eq!(escape("*_`<b>"), "\\*\\_\\`\\<b\\>");
        assert_eq!(escape("Deployment/web-1.2"), "Deployment/web-1.2");
    }
}
