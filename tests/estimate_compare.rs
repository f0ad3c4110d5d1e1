//! `k2e estimate --compare BASE.json` and `--format markdown`: the cost change of a change, on a
//! base and a head tree (tests/fixtures/estimate/compare) with added, removed, changed and
//! unchanged workloads; bad BASE.json files; a base priced on another basis; snapshots of the
//! compare table, its markdown and JSON, and of the markdown estimate
//! (snapshots/estimate-compare-*.snap, estimate-markdown.snap).

use serde_json::Value;

mod common;
use common::estimate::{fixtures, k2e_in};

fn dir() -> std::path::PathBuf {
    fixtures().join("compare")
}

/// The checked-in base estimates and the arguments that make them, in compare/base.
const BASES: &[(&str, &[&str])] = &[
    ("base.json", &["--format", "json", "."]),
    ("base-spot.json", &["--format", "json", "--spot", "60", "."]),
];

/// `k2e estimate ARGS` in compare/head (exit 0 expected).
fn head(args: &[&str]) -> String {
    let run = k2e_in(&dir().join("head"), args);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    run.stdout
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

/// The base estimates are k2e's own output: regenerated here, so they cannot go stale.
#[test]
fn the_checked_in_bases_are_what_k2e_makes() {
    for (file, args) in BASES {
        let run = k2e_in(&dir().join("base"), args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let kept = std::fs::read_to_string(dir().join(file)).unwrap();
        assert!(
            kept == run.stdout,
            "tests/fixtures/estimate/compare/{file} is stale: regenerate it with \
             `cd tests/fixtures/estimate/compare/base && k2e estimate {} > ../{file}`",
            args.join(" ")
        );
    }
}

fn workload<'a>(c: &'a Value, shown: &str) -> &'a Value {
    c["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["workload"] == shown)
        .unwrap_or_else(|| panic!("no {shown} in {c:#}"))
}

#[test]
fn added_removed_changed_and_unchanged() {
    let c: Value = serde_json::from_str(&head(&["--compare", "../base.json", "--format", "json", "."])).unwrap();
    assert_eq!(c["k2e_estimate_compare"], 1);
    assert_eq!(
        c["counts"],
        serde_json::json!({"added": 3, "removed": 1, "changed": 1, "unchanged": 2})
    );
    assert!(c["basis_differences"].as_array().unwrap().is_empty());
    let api = workload(&c, "Deployment/api (shop)");
    assert_eq!(api["status"], "changed");
    assert_eq!(api["changes"][0], "replicas 2 -> 4");
    // 4 x 1 vCPU / 2 GB against 2 x 0.5 vCPU / 2 GB, at the us-east-1 rates.
    let per = |vcpu: f64, gb: f64| (vcpu * 0.04048 + gb * 0.004445) * 730.0;
    let expected = 4.0 * per(1.0, 2.0) - 2.0 * per(0.5, 2.0);
    let got = api["fargate_delta_monthly"].as_f64().unwrap();
    assert!((got - expected).abs() < 0.011, "{got} vs {expected}");
    assert_eq!(workload(&c, "Deployment/worker (shop)")["status"], "removed");
    assert_eq!(workload(&c, "Deployment/search (shop)")["status"], "added");
    // Two copies of shop/Deployment/web in head: told apart by file, the one in the same file
    // as the base's is that workload.
    let same = workload(&c, "Deployment/web (shop; apps.yaml)");
    assert_eq!(same["status"], "unchanged");
    assert_eq!(same["fargate_delta_monthly"], 0.0);
    assert_eq!(workload(&c, "Deployment/web (shop; copy/web.yaml)")["status"], "added");
    let report = workload(&c, "TaskDefinition/report_job");
    assert_eq!(
        (report["status"].as_str(), report["fargate_delta_monthly"].as_f64()),
        (Some("unchanged"), Some(0.0))
    );
    // The totals are the two estimates' totals.
    let base: Value = serde_json::from_str(&std::fs::read_to_string(dir().join("base.json")).unwrap()).unwrap();
    let now: Value = serde_json::from_str(&head(&["--format", "json", "."])).unwrap();
    for (i, s) in c["scenarios"].as_array().unwrap().iter().enumerate() {
        assert_eq!(s["base_monthly"], base["scenarios"][i]["monthly"]);
        assert_eq!(s["head_monthly"], now["scenarios"][i]["monthly"]);
        let d = s["head_monthly"].as_f64().unwrap() - s["base_monthly"].as_f64().unwrap();
        assert!((s["delta_monthly"].as_f64().unwrap() - d).abs() < 0.006, "{s}");
    }
    // Largest change first.
    let sizes: Vec<f64> = c["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            let f = w["fargate_delta_monthly"].as_f64().unwrap_or(0.0).abs();
            f.max(w["ec2_delta_monthly"].as_f64().unwrap_or(0.0).abs())
        })
        .collect();
    assert!(sizes.windows(2).all(|p| p[0] >= p[1]), "{sizes:?}");
}

#[test]
fn the_same_tree_compares_as_no_change() {
    let run = k2e_in(&dir().join("base"), &["--compare", "../base.json", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("0 added, 0 removed, 0 changed, 4 unchanged"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("No workload was added, removed or changed"),
        "{}",
        run.stdout
    );
}

/// A base made with other options: every delta is the basis, none is a workload change.
#[test]
fn a_price_change_is_not_a_workload_change() {
    let run = k2e_in(
        &dir().join("base"),
        &["--compare", "../base-spot.json", "--format", "json", "."],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let c: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(c["counts"]["changed"], 0);
    assert_eq!(c["counts"]["unchanged"], 4);
    let differences = c["basis_differences"].to_string();
    assert!(
        differences.contains("Spot discount: base 60%, head none"),
        "{differences}"
    );
    let moved: Vec<&Value> = c["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["fargate_delta_monthly"].as_f64().unwrap_or(0.0) != 0.0)
        .collect();
    assert!(!moved.is_empty(), "Spot prices ECS on Fargate lower");
    for w in moved {
        assert!(
            w["changes"][0].as_str().unwrap().contains("priced on another basis"),
            "{w}"
        );
    }
    let md = k2e_in(
        &dir().join("base"),
        &["--compare", "../base-spot.json", "--format", "markdown", "."],
    );
    assert!(
        md.stdout.contains("**The base was priced on another basis**"),
        "{}",
        md.stdout
    );
}

fn refused(base: &str, text: Option<&str>) -> String {
    let tmp = std::env::temp_dir().join(format!("k2e-compare-{}-{base}", std::process::id()));
    let path = match text {
        Some(t) => {
            std::fs::write(&tmp, t).unwrap();
            tmp.display().to_string()
        }
        None => base.to_owned(),
    };
    let run = k2e_in(&dir().join("head"), &["--compare", &path, "."]);
    let _ = std::fs::remove_file(&tmp);
    assert_eq!(run.code, 2, "{base}: {}", run.stdout);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains(&path), "names the file: {}", run.stderr);
    run.stderr
}

#[test]
fn a_base_that_is_not_an_estimate_is_refused() {
    let e = refused("broken.json", Some("{\n  \"k2e_estimate\": 1,\n  \"region\": \n}\n"));
    assert!(e.contains("broken.json:4:1: not JSON"), "{e}");
    let e = refused("lint.json", Some("{\"findings\": []}"));
    assert!(
        e.contains("not a k2e estimate (no \"k2e_estimate\" format field)"),
        "{e}"
    );
    let e = refused("future.json", Some("{\"k2e_estimate\": 99}"));
    assert!(e.contains("k2e estimate format 99, but this k2e reads format 1"), "{e}");
    let comparison = head(&["--compare", "../base.json", "--format", "json", "."]);
    let e = refused("comparison.json", Some(&comparison));
    assert!(
        e.contains("a comparison (k2e estimate --compare), not an estimate"),
        "{e}"
    );
    let e = refused("partial.json", Some("{\"k2e_estimate\": 1, \"region\": \"us-east-1\"}"));
    assert!(e.contains("partial.json:1:"), "{e}");
    assert!(e.contains("not a k2e estimate of format 1: missing field"), "{e}");
    // Edited amounts: a negative cost, or one so large that its delta overflowed the cents.
    let base = std::fs::read_to_string(dir().join("base.json")).unwrap();
    let mut edited: Value = serde_json::from_str(&base).unwrap();
    edited["scenarios"][0]["monthly"] = serde_json::json!(1e300);
    let e = refused("huge.json", Some(&edited.to_string()));
    assert!(
        e.contains("scenario all-ec2 monthly is 1e300: not a monthly cost"),
        "{e}"
    );
    let mut edited: Value = serde_json::from_str(&base).unwrap();
    edited["workloads"][0]["fargate"]["monthly"] = serde_json::json!(-5.0);
    let e = refused("negative.json", Some(&edited.to_string()));
    assert!(
        e.contains("Deployment/web fargate.monthly is -5: not a monthly cost"),
        "{e}"
    );
    let e = refused("no/such/base.json", None);
    assert!(e.contains("no/such/base.json: no such file or directory"), "{e}");
}

#[test]
fn snapshots_of_the_comparison_and_the_markdown() {
    let table = head(&["--compare", "../base.json", "."]);
    let markdown = head(&["--compare", "../base.json", "--format", "markdown", "."]);
    let json: Value = serde_json::from_str(&head(&["--compare", "../base.json", "--format", "json", "."])).unwrap();
    let estimate = head(&["--format", "markdown", "."]);
    assert_eq!(
        markdown,
        head(&["--compare", "../base.json", "--format", "markdown", "."])
    );
    // The pod's name is shown escaped: `|` would end the cell, `*` start emphasis.
    assert!(markdown.contains("Pod/debug\\|shell\\*1 (shop)"), "{markdown}");
    assert!(estimate.contains("Pod/debug\\|shell\\*1"), "{estimate}");
    for md in [&markdown, &estimate] {
        for line in md.lines().filter(|l| l.starts_with('|')) {
            // Every row of a table has as many cells as its header: no name broke one.
            let cells = line.replace("\\|", "").matches('|').count();
            let header = md[..md.find(line).unwrap()]
                .lines()
                .rev()
                .take_while(|l| l.starts_with('|'))
                .last()
                .unwrap_or(line);
            assert_eq!(cells, header.matches('|').count(), "{line}");
        }
        assert!(md.contains("as of 2026-"), "price dates: {md}");
    }
    settings().bind(|| {
        insta::assert_snapshot!("estimate-compare-table", table);
        insta::assert_snapshot!("estimate-compare-markdown", markdown);
        insta::assert_json_snapshot!("estimate-compare-json", json);
        insta::assert_snapshot!("estimate-markdown", estimate);
    });
}

/// The markdown estimate lists at most 25 workloads, largest first, and says how many it left out.
#[test]
fn the_markdown_table_is_bounded() {
    let run = k2e_in(&fixtures(), &["--format", "markdown", "presentation/thirty.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = run.stdout.lines().filter(|l| l.starts_with("| ")).count();
    // Scenario header + 3 rows, workload header + at most 25 rows (the rule lines start "| -").
    let rules = run.stdout.lines().filter(|l| l.starts_with("| -")).count();
    assert!(rows - rules <= 2 + 3 + 25, "{}", run.stdout);
    assert!(run.stdout.contains("_5 more workloads not shown"), "{}", run.stdout);
    let dollars = |c: &str| {
        c.trim()
            .trim_start_matches('$')
            .replace(',', "")
            .parse::<f64>()
            .unwrap_or(0.0)
    };
    let weights: Vec<f64> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("| Deployment/"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').collect();
            dollars(cells[4]).max(dollars(cells[5]))
        })
        .collect();
    assert_eq!(weights.len(), 25);
    assert!(weights.windows(2).all(|p| p[0] >= p[1]), "largest first: {weights:?}");
    assert!(run.stdout.lines().all(|l| l.chars().count() <= 400), "bounded lines");
}

/// The README shows the comparison of the fixture as k2e prints it.
#[test]
fn the_readme_shows_the_real_comment() {
    let readme = std::fs::read_to_string(common::estimate::root().join("README.md")).unwrap();
    let at = readme
        .find("## The cost change of a pull request")
        .expect("README section");
    let start = readme[at..].find("```markdown\n").unwrap() + at + "```markdown\n".len();
    let end = readme[start..].find("\n```").unwrap() + start;
    let shown = &readme[start..end];
    let real = head(&["--compare", "../base.json", "--format", "markdown", "."]);
    assert_eq!(shown, real.trim_end(), "README's sample of --format markdown");
}
