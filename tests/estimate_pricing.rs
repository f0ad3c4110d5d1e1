//! `k2e estimate --pricing`: offer files that must be refused (prices that are not prices, no
//! region) and offer files that must be read the same way every time ($0 rows, several prices
//! for one type, Local Zones, "terms" before "products").

use serde_json::Value;

mod common;
use common::estimate::{fixtures, k2e_in};

fn k2e(args: &[&str]) -> common::estimate::Run {
    k2e_in(&fixtures(), args)
}

/// The JSON estimate of constraints/arch.yaml on m7g.large and m7i.large with one offer file.
fn estimate(offer: &str) -> Value {
    let run = k2e(&[
        "--format",
        "json",
        "--pricing",
        offer,
        "--instance-types",
        "m7g.large,m7i.large",
        "constraints/arch.yaml",
    ]);
    assert_eq!(run.code, 0, "{offer}: {}", run.stderr);
    serde_json::from_str(&run.stdout).expect("JSON output")
}

/// The hourly price of an instance type in the all-EC2 scenario.
fn hourly(r: &Value, instance: &str) -> f64 {
    r["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "all-ec2")
        .unwrap()["fleets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["nodes"].as_array().unwrap())
        .find(|n| n["type"] == instance)
        .unwrap_or_else(|| panic!("no {instance} node"))["hourly"]
        .as_f64()
        .unwrap()
}

fn fails(offer: &str) -> String {
    let run = k2e(&["constraints", "--pricing", offer]);
    assert_eq!(run.code, 2, "{offer} should fail: {}", run.stdout);
    assert!(run.stdout.is_empty());
    run.stderr
}

#[test]
fn a_price_that_is_not_a_price_is_refused() {
    // m7g.large's PricePerUnit is "NaN" on line 7; it used to price every scenario at $0.00.
    let e = fails("offers/ec2-us-east-1-nan.csv");
    assert!(
        e.contains("offers/ec2-us-east-1-nan.csv: malformed offer file: line 7 (SKU K2EFIXTURE00001): PricePerUnit"),
        "{e}"
    );
    assert!(e.contains("\"NaN\" is not a number of dollars"), "{e}");
    assert!(e.contains("download it again"), "{e}");
    // m7g.large at -$5 an hour used to make the estimate negative.
    let e = fails("offers/ec2-us-east-1-negative.json");
    assert!(
        e.contains("offers/ec2-us-east-1-negative.json: malformed offer file: SKU K2EFIXTURE40001:"),
        "{e}"
    );
    assert!(e.contains("\"-5.0000000000\" is not a number of dollars"), "{e}");
}

#[test]
fn zero_rows_and_duplicate_prices_are_settled_the_same_way_every_time() {
    // No CapacityStatus column, so reservation rows cannot be told from on-demand ones.
    let offer = "offers/ec2-us-east-1-no-capacity-status.csv";
    let first = estimate(offer);
    assert_eq!(hourly(&first, "m7g.large"), 0.05, "the $0 row does not win over $0.05");
    assert_eq!(
        hourly(&first, "m7i.large"),
        0.1008,
        "only a $0 row: the built-in price, not $0"
    );
    let notes = first["notes"].to_string();
    assert!(
        notes.contains("only $0 on-demand rows for m7i.large (Linux)"),
        "{notes}"
    );
    assert!(
        notes.contains("c7g.large (Linux): $0.0725 (SKU K2EFIXTURE20006), $0.08 (SKU K2EFIXTURE20005)")
            && notes.contains("k2e takes the lowest"),
        "{notes}"
    );
    let what = first["prices"].to_string();
    assert!(
        what.contains("2 Linux, 0 Windows types"),
        "m7g.large and c7g.large: {what}"
    );
    for _ in 0..3 {
        assert_eq!(estimate(offer), first);
    }
}

#[test]
fn only_the_requested_region_is_priced() {
    let r = estimate("offers/ec2-us-east-1-places.json");
    // Not Boston's $0.0612 (a Local Zone) nor Dallas's $0.1111 (a Local Zone whose usage type
    // starts with us-east-1's prefix); m7i.large's $0.09 has only a location, which is enough.
    assert_eq!(hourly(&r, "m7g.large"), 0.05);
    assert_eq!(hourly(&r, "m7i.large"), 0.09);
    let notes = r["notes"].to_string();
    assert!(
        notes.contains("1 product names no regionCode or location k2e recognises, so not used for us-east-1"),
        "{notes}"
    );
    assert!(!notes.contains("more than one on-demand price"), "{notes}");
    let e = fails("offers/ec2-no-region.json");
    assert!(
        e.contains("offers/ec2-no-region.json: k2e cannot tell which region this offer file's prices are for"),
        "{e}"
    );
    assert!(e.contains("pass the us-east-1 offer file as AWS publishes it"), "{e}");
}

#[test]
fn terms_may_come_before_products() {
    let r = estimate("offers/ec2-us-east-1-terms-first.json");
    assert_eq!(hourly(&r, "m7g.large"), 0.05);
    assert_eq!(hourly(&r, "m7i.large"), 0.09);
}
