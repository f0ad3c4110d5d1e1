//! How an estimate is shown (issue 16): bounded columns (a fleet of many types summarised, long
//! names cut), a DAEMON service that runs nowhere not called EC2, a blocked workload without
//! Fargate sizing notes, the instance catalog dated in the JSON `prices`. Fixtures in
//! tests/fixtures/estimate/presentation; snapshots/estimate-presentation-*.snap.

use serde_json::Value;

mod common;
use common::estimate::{fixtures, k2e_in};

fn run(args: &[&str]) -> String {
    let r = k2e_in(&fixtures(), args);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    r.stdout
}

fn json(args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&run(&all)).unwrap()
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

/// The tables of an estimate (up to the fleets), where the widths are.
fn tables(out: &str) -> &str {
    &out[..out.find("EC2 fleets").unwrap_or(out.len())]
}

#[test]
fn a_fleet_of_many_types_is_summarised_and_listed_in_full_elsewhere() {
    let file = "presentation/many-types.yaml";
    let table = run(&[file]);
    let r = json(&[file]);
    let fleet = &r["scenarios"][0]["fleets"][0];
    let types: Vec<&str> = fleet["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["type"].as_str().unwrap())
        .collect();
    assert!(types.len() > 2, "the fixture needs a fleet of several types: {types:?}");
    let summary = format!("+ {} more types", types.len() - 1);
    assert!(table.contains(&summary), "{table}");
    for line in tables(&table).lines() {
        assert!(line.chars().count() <= 120, "{line}");
    }
    let explain = run(&["--explain", file]);
    let all_ec2 = &explain[explain.find("EC2 fleets, all EC2").unwrap()..];
    let first = all_ec2.lines().nth(1).unwrap();
    for t in &types {
        assert!(first.contains(&format!(" x {t}")), "--explain lists {t}: {first}");
    }
    settings().bind(|| insta::assert_snapshot!("estimate-presentation-many-types", table));
}

#[test]
fn long_names_are_cut_in_the_table_only() {
    let file = "presentation/long-name.yaml";
    let table = run(&[file]);
    let name = json(&[file])["workloads"][0]["name"].as_str().unwrap().to_owned();
    assert_eq!(name.len(), "Deployment/".len() + 117);
    let row = tables(&table).lines().nth(3).unwrap();
    assert!(row.starts_with(&format!("{}... ", &name[..57])), "{row}");
    assert!(
        table.contains(&format!("  {name}: ")),
        "the placement line names it in full"
    );
    settings().bind(|| insta::assert_snapshot!("estimate-presentation-long-name", tables(&table)));
}

#[test]
fn a_daemon_with_no_nodes_runs_nowhere_not_on_ec2() {
    let dir = "presentation/daemon-nowhere";
    let r = json(&[dir]);
    let agent = r["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "Service/log-agent")
        .unwrap();
    let on = |key: &str| {
        agent["placements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["scenario"] == key)
            .unwrap()["on"]
            .clone()
    };
    assert_eq!(on("hybrid"), "nowhere", "the hybrid has no ECS node");
    assert_eq!(on("all-ec2"), "ec2");
    let table = run(&[dir]);
    let row = table.lines().find(|l| l.starts_with("Service/log-agent")).unwrap();
    assert!(row.ends_with("- (no nodes)"), "{row}");
    settings().bind(|| insta::assert_snapshot!("estimate-presentation-daemon-nowhere", table));
}

#[test]
fn a_blocked_gpu_pod_has_no_fargate_size_notes() {
    let file = "constraints/gpu.yaml";
    let r = json(&[file]);
    let trainer = r["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "Deployment/trainer")
        .unwrap();
    let f = &trainer["fargate"];
    assert_eq!(f["runnable"], false);
    assert!(!f["blocked_by"].as_array().unwrap().is_empty());
    assert!(
        f["tier_jump"].is_null() && f["sizing"].is_null() && f["spot"] == false,
        "{f}"
    );
    let table = run(&[file]);
    let fargate = &table[table.find("\nFargate\n").unwrap()..table.find("\nPrices\n").unwrap()];
    assert!(!fargate.contains("trainer: the 256 MiB"), "{fargate}");
    assert!(
        fargate.contains("Deployment/trainer: cannot run on Fargate"),
        "{fargate}"
    );
    settings().bind(|| insta::assert_snapshot!("estimate-presentation-gpu-blocked", fargate));
}

#[test]
fn the_instance_catalog_is_dated_in_the_prices() {
    let r = json(&["sizing"]);
    let catalog = r["prices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["what"].as_str().unwrap().starts_with("EC2 instance types"))
        .expect("the catalog among the prices");
    let as_of = catalog["as_of"].as_str().unwrap();
    let date = as_of.len() == 10
        && as_of
            .chars()
            .enumerate()
            .all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
    assert!(date, "a date, not a package version: {as_of}");
    assert!(catalog["source"].as_str().unwrap().contains("moto"), "{catalog}");
    let table = run(&["sizing"]);
    assert!(table.contains(&format!("1148 types): as of {as_of}")), "{table}");
    assert!(
        table.contains(&format!("priced types of the catalog (as of {as_of})")),
        "{table}"
    );
}
