//! `k2e estimate` scenarios: the hybrid's placement reasons hold for the split printed, totals
//! add up to the cent, and workloads placed nowhere make a scenario incomplete (exit 1).

use serde_json::Value;
use std::path::{Path, PathBuf};

mod common;
use common::estimate::{k2e_in as k2e, root};

fn scenarios_dir() -> PathBuf {
    root().join("tests/fixtures/estimate/scenarios")
}

fn json(dir: &Path, path: &str, code: i32) -> Value {
    let run = k2e(dir, &["--format", "json", path]);
    assert_eq!(run.code, code, "{path}: {}", run.stderr);
    serde_json::from_str(&run.stdout).expect("JSON output")
}

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().expect("an array")
}

/// USD as whole cents, so sums compare exactly.
fn cents(v: &Value) -> i64 {
    (v.as_f64().unwrap_or_else(|| panic!("a number: {v}")) * 100.0).round() as i64
}

/// `$1,234.56`, as the reasons print it.
fn money(c: i64) -> String {
    let whole = (c.abs() / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{}${grouped}.{:02}", if c < 0 { "-" } else { "" }, c.abs() % 100)
}

fn reasons_hold(r: &Value, what: &str) -> usize {
    let mut checked = 0;
    for w in arr(&r["workloads"]) {
        let p = arr(&w["placements"])
            .iter()
            .find(|p| p["scenario"] == "hybrid")
            .unwrap();
        let (f, d) = (&p["fargate_monthly"], &p["ec2_delta_monthly"]);
        if f.is_null() || d.is_null() {
            assert!(f.is_null() && d.is_null(), "{what}: {p}");
            continue;
        }
        let (f, d) = (cents(f), cents(d));
        let reason = p["reason"].as_str().unwrap();
        assert!(
            reason.contains(&money(f)) && reason.contains(&money(d)),
            "{what}: the reason quotes the fields: {p}"
        );
        match p["on"].as_str().unwrap() {
            // The measured amounts are unrounded; rounding each can cost a cent.
            "fargate" => assert!(d >= f - 1, "{what}: {} on Fargate but EC2 adds less: {p}", w["name"]),
            "ec2" => assert!(d <= f + 1, "{what}: {} on EC2 but Fargate is cheaper: {p}", w["name"]),
            other => panic!("{what}: a weighed workload is on {other}"),
        }
        let saving = if p["on"] == "fargate" { d - f } else { f - d };
        assert!(
            reason.contains(&format!("saves {}/mo overall", money(saving))) || reason.contains("a tie at the cent"),
            "{what}: the verdict is the difference of the amounts printed: {p}"
        );
        checked += 1;
    }
    checked
}

#[test]
fn hybrid_reasons_state_what_the_final_split_measures() {
    let generated = json(&scenarios_dir(), "generated", 0);
    assert!(
        reasons_hold(&generated, "generated") >= 10,
        "every generated service can go either way"
    );
    let examples = json(&root(), "examples", 0);
    assert!(reasons_hold(&examples, "examples") >= 5);
    // The all-EC2 share is a different fleet from the hybrid's: a reason must not quote it.
    let shop = arr(&examples["workloads"])
        .iter()
        .find(|w| w["name"] == "TaskDefinition/shop-api")
        .unwrap();
    let hybrid = &shop["placements"][2];
    assert_eq!(hybrid["scenario"], "hybrid");
    assert!(!hybrid["reason"].as_str().unwrap().contains("about"), "{hybrid}");
}

fn totals_add_up(r: &Value, what: &str) {
    for s in arr(&r["scenarios"]) {
        let key = s["key"].as_str().unwrap();
        assert_eq!(
            cents(&s["ec2_monthly"]) + cents(&s["fargate_monthly"]),
            cents(&s["monthly"]),
            "{what} {key}: ec2 + fargate == total"
        );
        let fleets: i64 = arr(&s["fleets"]).iter().map(|f| cents(&f["monthly"])).sum();
        assert_eq!(
            fleets,
            cents(&s["ec2_monthly"]),
            "{what} {key}: the fleets add up to EC2"
        );
    }
    let scenario = |k: &str| arr(&r["scenarios"]).iter().find(|s| s["key"] == k).unwrap();
    // The workload columns add up to the pure scenarios' parts.
    let ec2: i64 = arr(&r["workloads"])
        .iter()
        .filter(|w| !w["ec2_monthly"].is_null())
        .map(|w| cents(&w["ec2_monthly"]))
        .sum();
    assert_eq!(ec2, cents(&scenario("all-ec2")["ec2_monthly"]), "{what}: EC2/MO column");
    let fargate: i64 = arr(&r["workloads"])
        .iter()
        .filter(|w| !w["fargate"]["monthly"].is_null())
        .map(|w| cents(&w["fargate"]["monthly"]))
        .sum();
    assert_eq!(
        fargate,
        cents(&scenario("all-fargate")["fargate_monthly"]),
        "{what}: FARGATE/MO column"
    );
}

#[test]
fn totals_are_the_sum_of_their_rounded_parts() {
    totals_add_up(&json(&root(), "examples", 0), "examples");
    totals_add_up(&json(&scenarios_dir(), "generated", 0), "generated");
    let table = k2e(&root(), &["examples"]).stdout;
    let all_fargate = table.lines().find(|l| l.starts_with("all Fargate")).unwrap();
    // $55.85 + $140.56, not the separately rounded $196.40.
    assert!(all_fargate.ends_with("$55.85     $140.56   $196.41"), "{all_fargate}");
}

#[test]
fn a_workload_placed_nowhere_makes_the_estimate_incomplete() {
    // An 8 vCPU Windows task: no Windows EC2 prices are built in, and Windows on Fargate stops at 4 vCPU.
    let r = json(&scenarios_dir(), "unplaced", 1);
    for s in arr(&r["scenarios"]) {
        assert_eq!(s["complete"], false, "{}", s["key"]);
        assert_eq!(
            s["unplaced_workloads"],
            serde_json::json!(["TaskDefinition/large-windows"]),
            "{}",
            s["key"]
        );
        assert_eq!(
            cents(&s["ec2_monthly"]) + cents(&s["fargate_monthly"]),
            cents(&s["monthly"])
        );
    }
    let windows = arr(&r["workloads"])
        .iter()
        .find(|w| w["name"] == "TaskDefinition/large-windows")
        .unwrap();
    assert!(arr(&windows["placements"]).iter().all(|p| p["on"] == "none"));
    assert_eq!(r["cheapest"], "all-fargate", "the linux task is cheapest on Fargate");

    let run = k2e(&scenarios_dir(), &["unplaced/windows-large.json"]);
    assert_eq!(run.code, 1, "printed, but incomplete: {}", run.stderr);
    assert!(
        run.stdout
            .contains("all EC2 (cheapest)  -                0   $0.00       $0.00  $0.00 + 1 workload not placed"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Placement, hybrid"),
        "the estimate is printed in full"
    );
    // A cluster of only unplaced workloads has no fleet to describe, only why.
    assert!(
        run.stdout
            .contains("  ECS: no nodes\n    not placed: TaskDefinition/large-windows: no EC2 Windows prices"),
        "{}",
        run.stdout
    );
    // Unreadable input still wins: exit 2.
    let run = k2e(&scenarios_dir(), &["unplaced", "no/such/file.json"]);
    assert_eq!(run.code, 2);
}

#[test]
fn everything_placed_is_complete_and_exits_0() {
    let r = json(&scenarios_dir(), "unplaced/linux.json", 0);
    for s in arr(&r["scenarios"]) {
        assert_eq!(s["complete"], true);
        assert_eq!(s["unplaced_workloads"], serde_json::json!([]));
    }
}
