//! `k2e rules` and `k2e explain ID`, rendered from the rule data files.

use super::{Rule, all};

pub fn table() -> String {
    let mut out = String::from("ID      SEVERITY  CATEGORY    NAME                            SUMMARY\n");
    for r in all() {
        out.push_str(&format!(
            "{:<7} {:<9} {:<11} {:<31} {}\n",
            r.id,
            r.severity.as_str(),
            format!("{:?}", r.category).to_lowercase(),
            r.name,
            r.summary
        ));
    }
    out
}

/// The README's rules table (between its `rules-table` markers), one row per rule.
pub fn markdown_table() -> String {
    let mut out = String::from("| id | severity | category | what it reports |\n|---|---|---|---|\n");
    for r in all() {
        let summary = r.summary.replace('|', "\\|");
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.id,
            r.severity.as_str(),
            format!("{:?}", r.category).to_lowercase(),
            summary
        ));
    }
    out
}

pub fn explain(r: &Rule) -> String {
    let mut out = format!(
        "{} {} ({}, {})\n\n{}\n\nWhy: {}\n\nFix: {}\n",
        r.id,
        r.name,
        r.severity.as_str(),
        format!("{:?}", r.category).to_lowercase(),
        r.summary,
        r.rationale,
        r.fix
    );
    if let Some(as_of) = &r.as_of {
        out.push_str(&format!("\nFacts as of {as_of}.\n"));
    }
    if !r.references.is_empty() {
        out.push_str("\nReferences:\n");
        for reference in &r.references {
            out.push_str(&format!("  {reference}\n"));
        }
    }
    for (title, examples) in [("Reported", &r.examples.fail), ("Not reported", &r.examples.pass)] {
        for e in examples.iter() {
            let target = e
                .target
                .as_deref()
                .map(|t| format!(", --target {t}"))
                .unwrap_or_default();
            out.push_str(&format!("\n{title} ({}{target}):\n", e.file));
            if let Some(config) = &e.config {
                out.push_str("  with .k2e.yaml:\n");
                for line in config.lines() {
                    out.push_str(&format!("    {line}\n"));
                }
                out.push_str(&format!("  {}:\n", e.file));
            }
            for line in e.text.lines() {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    out
}
