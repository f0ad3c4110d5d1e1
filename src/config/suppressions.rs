//! Suppressions from `.k2e.yaml`: by rule, path glob and object, with a reason and an optional
//! end date. Like comment suppressions, an expired one is reported and no longer applies, and one
//! that silences nothing is reported, but only when the whole project was linted: pre-commit
//! passes a few changed files, and an entry for the other files is not unused.

use super::{Config, Suppression};
use crate::finding::Finding;
use crate::finding::ids;
use crate::outcome::FileResult;
use crate::rules;

pub fn apply(config: &Config, files: &mut Vec<FileResult>, today: &str, whole_project: bool) {
    let (Some(shown), Some(doc)) = (&config.file, &config.doc) else {
        return;
    };
    if config.suppressions.is_empty() {
        return;
    }
    let expired: Vec<bool> = config
        .suppressions
        .iter()
        .map(|s| s.until.as_deref().is_some_and(|until| until < today))
        .collect();
    let mut used = vec![false; config.suppressions.len()];
    for file in files.iter_mut() {
        let rel = config.relative(&file.file);
        let findings = std::mem::take(&mut file.findings);
        for mut f in findings {
            let hit = config
                .suppressions
                .iter()
                .enumerate()
                .find(|(i, s)| !expired[*i] && covers(s, &f, rel.as_deref()));
            match hit {
                Some((i, s)) => {
                    used[i] = true;
                    f.suppressed = Some(s.reason.clone());
                    file.suppressed.push(f);
                }
                None => file.findings.push(f),
            }
        }
    }
    let root = doc.root.as_ref();
    let node_at = |pointer: String| root.and_then(|r| r.pointer(&pointer)).map(|(n, _)| n.span);
    let mut own = Vec::new();
    for (i, s) in config.suppressions.iter().enumerate() {
        let entry = node_at(s.pointer.clone()).unwrap_or_default();
        if expired[i] {
            let until = s.until.as_deref().unwrap_or_default();
            let span = node_at(format!("{}/until", s.pointer)).unwrap_or(entry);
            own.push(
                Finding::at(
                    ids::EXPIRED_SUPPRESSION,
                    rules::severity(ids::EXPIRED_SUPPRESSION),
                    shown,
                    doc,
                    span,
                    format!(
                        "suppression of {} expired on {until}; its findings are reported again",
                        s.rules.join(", ")
                    ),
                )
                .with_pointer(format!("{}/until", s.pointer))
                .with_help("fix the findings and remove the entry, or move `until` if the reason still holds"),
            );
        } else if whole_project && !used[i] {
            let span = node_at(format!("{}/rules", s.pointer)).unwrap_or(entry);
            own.push(
                Finding::at(
                    ids::UNUSED_SUPPRESSION,
                    rules::severity(ids::UNUSED_SUPPRESSION),
                    shown,
                    doc,
                    span,
                    format!("suppression of {} matches no finding", s.rules.join(", ")),
                )
                .with_pointer(format!("{}/rules", s.pointer))
                .with_help("remove the entry, or correct its rules, paths or objects"),
            );
        }
    }
    if own.is_empty() {
        return;
    }
    match files.iter_mut().find(|f| &f.file == shown) {
        Some(file) => file.findings.extend(own),
        None => files.push(FileResult {
            file: shown.clone(),
            findings: own,
            is_config: true,
            ..FileResult::default()
        }),
    }
}

/// Findings that mean a file could not be checked are never silenced: `exclude` is for that.
fn covers(s: &Suppression, f: &Finding, rel: Option<&str>) -> bool {
    !rules::is_input_problem(f.rule)
        && s.rules.iter().any(|p| f.rule.starts_with(p.as_str()))
        && s.paths.as_ref().is_none_or(|g| rel.is_some_and(|r| g.matches_path(r)))
        && s.objects
            .as_ref()
            .is_none_or(|g| f.object.as_deref().is_some_and(|o| g.matches_name(o)))
}
