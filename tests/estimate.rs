//! `k2e estimate` end to end: Fargate sizing and prices worked out by hand, every packing
//! constraint, the Fargate blockers, `--pricing` offer files, bad input, and snapshots of the
//! table and JSON on examples/ (snapshots/estimate-*.snap).

use k2e::estimate::fargate::eks_size;
use k2e::estimate::model::{TICKS_PER_MILLI, TICKS_PER_VCPU};
use k2e::model::facts::Size;
use serde_json::Value;

mod common;
use common::estimate::{fixtures, k2e_in, root};

/// `k2e estimate --format json ARGS` in tests/fixtures/estimate, which must succeed.
fn json(args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = k2e_in(&fixtures(), &all);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    serde_json::from_str(&run.stdout).expect("JSON output")
}

fn workload<'a>(r: &'a Value, name: &str) -> &'a Value {
    r["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == name)
        .unwrap_or_else(|| panic!("no workload {name}"))
}

fn scenario<'a>(r: &'a Value, key: &str) -> &'a Value {
    r["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == key)
        .unwrap()
}

/// (type, count) of the all-EC2 fleet of a cluster.
fn nodes(r: &Value, cluster: &str) -> Vec<(String, u64)> {
    scenario(r, "all-ec2")["fleets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["cluster"] == cluster && f["batch"] == false)
        .flat_map(|f| f["nodes"].as_array().unwrap())
        .map(|n| (n["type"].as_str().unwrap().to_owned(), n["count"].as_u64().unwrap()))
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

// --- EKS on Fargate sizing ---------------------------------------------------------------

fn size(vcpu: f64, gib: f64) -> Option<Size> {
    eks_size(
        (vcpu * TICKS_PER_VCPU as f64).round() as u64,
        (gib * 1024.0).ceil() as u64,
    )
}

fn s(vcpu: f64, gb: f64) -> Option<Size> {
    Some(Size {
        cpu: (vcpu * 1024.0) as u64,
        memory: (gb * 1024.0) as u64,
    })
}

#[test]
fn the_eks_guide_sizing_example() {
    // 1 vCPU + 8 GB requested -> +256 MiB -> 2 vCPU / 9 GB.
    assert_eq!(size(1.0, 8.0), s(2.0, 9.0));
    let r = json(&["sizing/eks-guide.yaml"]);
    let guide = &workload(&r, "Deployment/guide")["fargate"];
    assert_eq!(guide["size"]["vcpu"], 2.0);
    assert_eq!(guide["size"]["memory_gb"], 9.0);
    let jump = guide["tier_jump"].as_str().unwrap();
    assert!(
        jump.contains("pushes it from 1 vCPU / 8 GB to 2 vCPU / 9 GB (+59%)"),
        "{jump}"
    );
    // 2 x $0.04048 + 9 x $0.004445 an hour.
    assert!(close(guide["hourly"].as_f64().unwrap(), 0.120965));
    assert_eq!(guide["monthly"], 88.3);
}

#[test]
fn every_table_edge() {
    assert_eq!(size(0.0, 0.0), s(0.25, 0.5), "nothing requested");
    assert_eq!(size(0.25, 0.25), s(0.25, 0.5));
    assert_eq!(size(0.25, 0.75), s(0.25, 1.0));
    assert_eq!(size(0.25, 1.75), s(0.25, 2.0));
    assert_eq!(size(0.25, 1.76), s(0.5, 3.0), "past 0.25 vCPU's 2 GB");
    assert_eq!(size(0.5, 3.75), s(0.5, 4.0));
    assert_eq!(size(0.5, 3.76), s(1.0, 5.0), "past 0.5 vCPU's 4 GB");
    assert_eq!(size(1.0, 7.75), s(1.0, 8.0));
    assert_eq!(size(1.0, 7.76), s(2.0, 9.0), "past 1 vCPU's 8 GB");
    assert_eq!(size(2.0, 15.75), s(2.0, 16.0));
    assert_eq!(size(2.0, 15.76), s(4.0, 17.0), "past 2 vCPU's 16 GB");
    assert_eq!(size(4.0, 29.75), s(4.0, 30.0));
    assert_eq!(
        size(4.0, 29.76),
        s(8.0, 32.0),
        "past 4 vCPU's 30 GB: 8 vCPU goes in steps of 4 GB"
    );
    assert_eq!(size(8.0, 59.75), s(8.0, 60.0));
    assert_eq!(
        size(8.0, 59.76),
        s(16.0, 64.0),
        "past 8 vCPU's 60 GB: 16 vCPU goes in steps of 8 GB"
    );
    assert_eq!(size(16.0, 119.75), s(16.0, 120.0));
    assert_eq!(size(16.0, 119.76), None, "nothing holds more than 16 vCPU / 120 GB");
    assert_eq!(size(16.01, 1.0), None);
    assert_eq!(size(0.251, 0.0), s(0.5, 1.0), "a millicore over 0.25 vCPU");
    assert_eq!(size(1.0, 0.0), s(1.0, 2.0), "1 vCPU starts at 2 GB");
    assert_eq!(size(8.0, 0.0), s(8.0, 16.0));
    // The 256 MiB overhead in whole MiB: 1792 MiB + 256 = 2048 still fits 0.25 vCPU / 2 GB.
    assert_eq!(eks_size(250 * TICKS_PER_MILLI, 1792), s(0.25, 2.0));
    assert_eq!(eks_size(250 * TICKS_PER_MILLI, 1793), s(0.5, 3.0));
}

#[test]
fn pod_requests_as_eks_computes_them() {
    let r = json(&["sizing/eks-guide.yaml"]);
    let sized = |name: &str| {
        let f = &workload(&r, name)["fargate"];
        (
            f["size"]["vcpu"].as_f64().unwrap(),
            f["size"]["memory_gb"].as_f64().unwrap(),
        )
    };
    // max(init 1.5 vCPU / 1 GiB, containers and native sidecar 0.75 vCPU / 1.5 GiB) + 256 MiB.
    assert_eq!(sized("Pod/init-and-sidecar"), (2.0, 4.0));
    assert_eq!(workload(&r, "Pod/init-and-sidecar")["per_replica"]["vcpu"], 1.5);
    // Limits stand in for requests.
    assert_eq!(sized("Pod/limits-only"), (2.0, 4.0));
    // No requests: the documented defaults, and a note saying so.
    assert_eq!(sized("Pod/no-requests"), (0.25, 0.5));
    let notes = workload(&r, "Pod/no-requests")["notes"].to_string();
    assert!(
        notes.contains("no cpu request or limit on container app: 250m assumed"),
        "{notes}"
    );
    assert!(
        notes.contains("no memory request or limit on container app: 256Mi assumed"),
        "{notes}"
    );
}

// --- Fargate prices per task, by hand ----------------------------------------------------

#[test]
fn fargate_prices_match_hand_computed_values() {
    let r = json(&["ecs", "sizing/eks-guide.yaml"]);
    let hourly = |name: &str| workload(&r, name)["fargate"]["hourly"].as_f64().unwrap();
    // 0.25 vCPU x $0.04048 + 0.5 GB x $0.004445.
    assert!(close(hourly("TaskDefinition/priced-x86"), 0.0123425));
    // ARM: 1 x $0.03238 + 2 x $0.00356, and 30 GB of storage above the free 20 at $0.000111.
    assert!(close(
        hourly("TaskDefinition/priced-arm"),
        0.03238 + 0.00712 + 30.0 * 0.000111
    ));
    assert_eq!(workload(&r, "TaskDefinition/priced-arm")["fargate"]["rate"], "ARM");
    // Windows: 1 x ($0.09148 + $0.046 licence) + 2 x $0.01005.
    assert!(close(hourly("TaskDefinition/priced-windows"), 0.13748 + 0.0201));
    // No task size: containers' 400 units / 1000 MiB (hard limits) round up to 0.5 vCPU / 1 GB;
    // the service runs 5 copies.
    let summed = workload(&r, "Service/summed-svc");
    assert!(close(
        summed["fargate"]["hourly"].as_f64().unwrap(),
        0.5 * 0.04048 + 0.004445
    ));
    assert_eq!(summed["replicas"], 5);
    assert_eq!(summed["fargate"]["monthly"], 90.1, "0.024685 x 5 x 730");
    assert!(
        summed["fargate"]["sizing"]
            .as_str()
            .unwrap()
            .contains("rounded up to 0.5 vCPU / 1 GB")
    );
    // On EC2 it reserves memoryReservation where there is one: 700 + 128 MiB.
    assert_eq!(summed["per_replica"]["memory_mib"], 828);
    assert_eq!(workload(&r, "TaskDefinition/priced-x86")["fargate"]["monthly"], 9.01);
}

#[test]
fn spot_discounts_ecs_but_not_eks_on_fargate() {
    let r = json(&["--spot", "70", "ecs/fargate-prices.json", "sizing/eks-guide.yaml"]);
    let x86 = &workload(&r, "TaskDefinition/priced-x86")["fargate"];
    assert!(close(x86["hourly"].as_f64().unwrap(), 0.0123425 * 0.3));
    assert_eq!(x86["spot"], true);
    let pod = &workload(&r, "Deployment/guide")["fargate"];
    assert!(close(pod["hourly"].as_f64().unwrap(), 0.120965));
    assert_eq!(pod["spot"], false);
}

// --- Packing constraints -------------------------------------------------------------------

fn m7i(r: &Value) -> u64 {
    let n = nodes(r, "EKS");
    assert!(n.iter().all(|(t, _)| t == "m7i.large"), "{n:?}");
    n.iter().map(|(_, c)| c).sum()
}

#[test]
fn packing_honours_cpu() {
    // Two 900m replicas per m7i.large (1930m allocatable), not three.
    assert_eq!(
        m7i(&json(&["--instance-types", "m7i.large", "constraints/cpu.yaml"])),
        2
    );
}

#[test]
fn packing_honours_memory() {
    // Two 3Gi replicas per m7i.large (6903Mi allocatable).
    assert_eq!(
        m7i(&json(&["--instance-types", "m7i.large", "constraints/memory.yaml"])),
        2
    );
}

#[test]
fn packing_honours_max_pods() {
    // 40 tiny pods, 29 per m7i.large; 110 per node with --max-pods 110.
    assert_eq!(
        m7i(&json(&["--instance-types", "m7i.large", "constraints/pods.yaml"])),
        2
    );
    assert_eq!(
        m7i(&json(&[
            "--instance-types",
            "m7i.large",
            "--max-pods",
            "110",
            "constraints/pods.yaml"
        ])),
        1
    );
}

/// Node count of the all-EC2 EKS fleet, all of `ty`.
fn all_of(r: &Value, ty: &str) -> u64 {
    let n = nodes(r, "EKS");
    assert!(n.iter().all(|(t, _)| t == ty), "{n:?}");
    n.iter().map(|(_, c)| c).sum()
}

#[test]
fn eks_system_pods_take_a_slot_and_their_requests_on_every_node() {
    // 29 pods by the ENI formula, two of them aws-node and kube-proxy: 58 tiny replicas are
    // 27 + 27 + 4, three nodes (two before the system pods were counted).
    let r = json(&["--instance-types", "m6i.large", "constraints/system-pods.yaml"]);
    assert_eq!(all_of(&r, "m6i.large"), 3);
    let said = r["assumptions"].as_array().unwrap().iter().any(|a| {
        let a = a.as_str().unwrap();
        a.contains("aws-node (25m)") && a.contains("kube-proxy (100m)")
    });
    assert!(said, "{}", r["assumptions"]);
    // The cluster's own kube-proxy DaemonSet is that pod, not another one beside it.
    let given = json(&["--instance-types", "m6i.large", "constraints/system-pods-given.yaml"]);
    assert_eq!(all_of(&given, "m6i.large"), 2, "27 per node, not 26");
    let explain = k2e_in(
        &fixtures(),
        &[
            "--explain",
            "--instance-types",
            "m6i.large",
            "constraints/system-pods.yaml",
        ],
    );
    assert_eq!(explain.code, 0, "{}", explain.stderr);
    settings().bind(|| insta::assert_snapshot!("estimate-system-pods-explain", explain.stdout));
}

#[test]
fn anti_affinity_workloads_share_larger_nodes_one_replica_each() {
    let r = json(&[
        "--instance-types",
        "c7a.medium,c6a.large",
        "constraints/anti-affinity-share.yaml",
    ]);
    assert_eq!(all_of(&r, "c6a.large"), 17);
}

#[test]
fn packing_honours_anti_affinity_and_topology_spread() {
    for file in ["constraints/spread.yaml", "constraints/topology-spread.yaml"] {
        let r = json(&["--instance-types", "m7i.large", file]);
        assert_eq!(m7i(&r), 3, "{file}: one replica per node");
        let w = &r["workloads"][0];
        assert!(w["one_per_node"].as_str().unwrap().contains("kubernetes.io/hostname"));
    }
}

#[test]
fn packing_honours_architecture() {
    let r = json(&[
        "--instance-types",
        "m7g.large,m7i.large",
        "--explain",
        "constraints/arch.yaml",
    ]);
    assert_eq!(
        nodes(&r, "EKS"),
        vec![("m7g.large".to_owned(), 1), ("m7i.large".to_owned(), 1)]
    );
    let fleet = &scenario(&r, "all-ec2")["fleets"][0];
    for node in fleet["explain"].as_array().unwrap() {
        let holds = node["holds"].to_string();
        match node["type"].as_str().unwrap() {
            "m7g.large" => assert!(holds.contains("arm-only") && !holds.contains("amd64-only"), "{holds}"),
            _ => assert!(holds.contains("amd64-only") && !holds.contains("arm-only"), "{holds}"),
        }
    }
    assert_eq!(
        workload(&r, "Deployment/arm-only")["architectures"],
        serde_json::json!(["arm64"])
    );
    assert_eq!(
        workload(&r, "Deployment/amd64-only")["architecture_from"],
        "required node affinity on kubernetes.io/arch"
    );
}

#[test]
fn daemonsets_are_per_node_overhead() {
    // The agent's 500m leaves 1430m per m7i.large: two 600m replicas per node, so two nodes,
    // each running the agent.
    let r = json(&[
        "--instance-types",
        "m7i.large",
        "--explain",
        "constraints/daemonset.yaml",
    ]);
    assert_eq!(m7i(&r), 2);
    let fleet = &scenario(&r, "all-ec2")["fleets"][0];
    assert_eq!(fleet["daemons"], serde_json::json!(["DaemonSet/agent"]));
    for node in fleet["explain"].as_array().unwrap() {
        assert!(node["holds"].to_string().contains("DaemonSet/agent"));
    }
    let agent = workload(&r, "DaemonSet/agent");
    assert_eq!(agent["schedule"], "daemon");
    assert!(agent["fargate"]["blocked_by"][0].as_str().unwrap().starts_with("FG101"));
}

#[test]
fn gpu_workloads_go_to_gpu_types_only() {
    let r = json(&["--explain", "constraints/gpu.yaml"]);
    let fleet = &scenario(&r, "all-ec2")["fleets"][0];
    for node in fleet["explain"].as_array().unwrap() {
        let ty = node["type"].as_str().unwrap();
        let gpu_type = ty.starts_with('g');
        assert_eq!(
            node["holds"].to_string().contains("trainer"),
            gpu_type,
            "{ty}: {}",
            node["holds"]
        );
    }
}

#[test]
fn ecs_awsvpc_tasks_are_limited_by_enis() {
    // c5.large: 3 ENIs, the primary one the instance's: two awsvpc tasks each.
    let r = json(&["--instance-types", "c5.large", "ecs/eni.json", "ecs/eni-service.json"]);
    assert_eq!(nodes(&r, "ECS"), vec![("c5.large".to_owned(), 2)]);
    assert_eq!(workload(&r, "Service/eni-svc")["replicas"], 4);
    // With ENI trunking the four fit on one.
    let r = json(&[
        "--instance-types",
        "c5.large",
        "--ecs-trunking",
        "ecs/eni.json",
        "ecs/eni-service.json",
    ]);
    assert_eq!(nodes(&r, "ECS"), vec![("c5.large".to_owned(), 1)]);
}

// --- Fargate blockers ----------------------------------------------------------------------

#[test]
fn blocked_workloads_say_why_and_stay_on_ec2() {
    let r = json(&["blocked/blocked.yaml"]);
    for (name, rule) in [
        ("DaemonSet/node-agent", "FG101"),
        ("Deployment/privileged", "FG102"),
        ("Deployment/host-network", "FG103"),
        ("StatefulSet/database", "FG107"),
    ] {
        let w = workload(&r, name);
        let blocked = w["fargate"]["blocked_by"].to_string();
        assert!(blocked.contains(rule), "{name}: {blocked}");
        assert_eq!(w["fargate"]["runnable"], false);
        let all_fargate = w["placements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["scenario"] == "all-fargate")
            .unwrap();
        assert_eq!(all_fargate["on"], "ec2", "{name}");
    }
    let fine = workload(&r, "Deployment/fine");
    assert_eq!(fine["fargate"]["runnable"], true);
    assert_eq!(fine["fargate"]["blocked_by"], serde_json::json!([]));
}

// --- Scenarios -------------------------------------------------------------------------------

#[test]
fn the_hybrid_is_never_dearer_than_either_pure_scenario() {
    for args in [vec!["blocked/blocked.yaml"], vec!["ecs", "sizing"], vec!["constraints"]] {
        let r = json(&args);
        let cost = |k: &str| scenario(&r, k)["monthly"].as_f64().unwrap();
        assert!(cost("hybrid") <= cost("all-ec2") + 1e-6, "{args:?}");
        assert!(cost("hybrid") <= cost("all-fargate") + 1e-6, "{args:?}");
        let cheapest = r["cheapest"].as_str().unwrap();
        assert!(cost(cheapest) <= cost("hybrid") + 1e-6);
        for fleet in r["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["fleets"].as_array().unwrap())
        {
            if let (Some(b), Some(m)) = (fleet["lower_bound_monthly"].as_f64(), fleet["monthly"].as_f64()) {
                assert!(b <= m + 0.01, "the bound is below the fleet");
            }
        }
    }
}

// --- --pricing -------------------------------------------------------------------------------

#[test]
fn an_offer_file_overrides_the_table() {
    for file in ["offers/ec2-us-east-1.json", "offers/ec2-us-east-1.csv"] {
        let r = json(&[
            "--pricing",
            file,
            "--instance-types",
            "m7g.large,m7i.large",
            "constraints/arch.yaml",
        ]);
        let fleet = &scenario(&r, "all-ec2")["fleets"][0];
        let price = |t: &str| {
            fleet["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|n| n["type"] == t)
                .unwrap()["hourly"]
                .as_f64()
                .unwrap()
        };
        assert_eq!(
            price("m7g.large"),
            0.05,
            "{file}: the offer's price, not the table's 0.0816"
        );
        assert_eq!(price("m7i.large"), 0.09, "{file}");
        let offer = r["prices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["source"].as_str().unwrap().contains(file))
            .unwrap();
        assert_eq!(offer["as_of"], "2026-11-01", "the publication date is the price date");
        let what = offer["what"].as_str().unwrap();
        assert!(
            what.contains("2 Linux, 1 Windows types; 2 built-in prices replaced"),
            "{what}"
        );
        // Dedicated, SQL Server, unused reservations and data transfer are not instance prices;
        // a type k2e does not know is said so.
        let notes = r["notes"].to_string();
        assert!(
            notes.contains("1 instance type is not in k2e's catalog") && notes.contains("x9q.large"),
            "{notes}"
        );
    }
}

#[test]
fn a_fargate_offer_file_overrides_the_rates() {
    let r = json(&["--pricing", "offers/ecs-us-east-1.json", "ecs/fargate-prices.json"]);
    let f = &workload(&r, "TaskDefinition/priced-x86")["fargate"];
    // 0.25 x $0.05 + 0.5 x $0.005 from the offer file.
    assert!(close(f["hourly"].as_f64().unwrap(), 0.015));
}

fn fails(args: &[&str]) -> String {
    let run = k2e_in(&fixtures(), args);
    assert_eq!(run.code, 2, "{args:?} should fail: {}", run.stdout);
    assert!(run.stdout.is_empty());
    run.stderr
}

#[test]
fn bad_price_files_are_explained() {
    let e = fails(&["constraints", "--pricing", "offers/ec2-eu-west-1.json"]);
    assert!(
        e.contains("this offer file has prices for eu-west-1, not us-east-1: pass --region eu-west-1"),
        "{e}"
    );
    let e = fails(&["constraints", "--pricing", "offers/truncated.json"]);
    assert!(
        e.contains("offers/truncated.json: malformed offer file: EOF while parsing"),
        "{e}"
    );
    assert!(e.contains("line "), "{e}");
    let e = fails(&["constraints", "--pricing", "offers/not-an-offer.json"]);
    assert!(e.contains("not an AWS Price List offer file"), "{e}");
    let e = fails(&["constraints", "--pricing", "offers/no-header.csv"]);
    assert!(e.contains("header row starting with \"SKU\""), "{e}");
    let e = fails(&["constraints", "--pricing", "offers/missing.json"]);
    assert!(e.contains("offers/missing.json: no such file or directory"), "{e}");
    let e = fails(&["constraints", "--region", "eu-west-1"]);
    assert!(
        e.contains("no EC2 prices for eu-west-1: k2e ships prices for us-east-1"),
        "{e}"
    );
    // EC2 prices alone are not enough for another region: Fargate needs its own.
    let e = fails(&[
        "constraints",
        "--region",
        "eu-west-1",
        "--pricing",
        "offers/ec2-eu-west-1.json",
    ]);
    assert!(e.contains("no Fargate prices for eu-west-1"), "{e}");
}

#[test]
fn bad_input_is_noted_and_unreadable_paths_fail() {
    let r = json(&["../../../examples/kubernetes/broken.yaml"]);
    let notes = workload(&r, "Deployment/api")["notes"].to_string();
    assert!(
        notes.contains("replicas \\\"3\\\" is not a whole number; 1 assumed"),
        "{notes}"
    );
    let debug = workload(&r, "Pod/debug-shell")["notes"].to_string();
    assert!(debug.contains("no containers found"), "{debug}");
    let run = k2e_in(&fixtures(), &["sizing", "no/such/file.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no/such/file.yaml: no such file or directory"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("Deployment/guide"), "the rest is still estimated");
    let e = fails(&["sizing", "--default-cpu", "lots"]);
    assert!(e.contains("--default-cpu \"lots\": not a cpu quantity"), "{e}");
}

// --- Output ----------------------------------------------------------------------------------

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

#[test]
fn examples_table_and_json() {
    let table = k2e_in(&root(), &["examples"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    let explain = k2e_in(&root(), &["--explain", "examples/kubernetes"]);
    assert_eq!(explain.code, 0, "{}", explain.stderr);
    let run = k2e_in(&root(), &["--format", "json", "examples"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let parsed: Value = serde_json::from_str(&run.stdout).unwrap();
    let again = k2e_in(&root(), &["--format", "json", "examples"]);
    assert_eq!(run.stdout, again.stdout, "the same input gives the same output");
    settings().bind(|| {
        insta::assert_snapshot!("estimate-examples-table", table.stdout);
        insta::assert_snapshot!("estimate-examples-explain", explain.stdout);
        insta::assert_json_snapshot!("estimate-examples-json", parsed);
    });
}

#[test]
fn help_lists_every_option() {
    let help = k2e_in(&root(), &["--help"]).stdout;
    for flag in [
        "--region",
        "--arch",
        "--spot",
        "--hours",
        "--replicas",
        "--duty-cycle",
        "--pricing",
        "--format",
        "--compare",
        "--explain",
        "--burstable",
        "--instance-types",
        "--max-pods",
        "--ecs-trunking",
        "--ecs-reserved-memory",
        "--default-cpu",
        "--default-memory",
    ] {
        assert!(help.contains(flag), "{flag} in --help");
    }
}

#[test]
fn ecs_daemon_services_are_per_instance_overhead() {
    // c6i.large registers 2048 cpu units: the agent's 512 leaves 1536, two 768-unit app tasks.
    let r = json(&["--instance-types", "c6i.large", "--explain", "ecs-daemon"]);
    assert_eq!(nodes(&r, "ECS"), vec![("c6i.large".to_owned(), 2)]);
    let agent = workload(&r, "Service/log-agent");
    assert_eq!(agent["schedule"], "daemon");
    assert!(
        agent["fargate"]["blocked_by"].to_string().contains("FG018"),
        "{}",
        agent["fargate"]
    );
    let fleet = &scenario(&r, "all-ec2")["fleets"][0];
    assert_eq!(fleet["daemons"], serde_json::json!(["Service/log-agent"]));
}

#[test]
fn batch_runs_for_its_duty_cycle() {
    let r = json(&["--duty-cycle", "0.25", "../../../examples/kubernetes/batch.yaml"]);
    let cron = &workload(&r, "CronJob/nightly-report")["fargate"];
    // A quarter of 0.25 vCPU / 0.5 GB all month.
    assert_eq!(cron["monthly"], 2.25);
    let fleet = &scenario(&r, "all-ec2")["fleets"][0];
    assert_eq!(fleet["batch"], true);
    assert_eq!(fleet["runs"], 0.25);
    let full: f64 = fleet["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["hourly"].as_f64().unwrap() * n["count"].as_f64().unwrap() * 730.0)
        .sum();
    assert!((fleet["monthly"].as_f64().unwrap() - full * 0.25).abs() < 0.01);
}

// --- Found in review: each case once went wrong ------------------------------------------

#[test]
fn containers_without_requests_cost_the_smallest_fargate_size() {
    let r = json(&["review/no-requests.yaml"]);
    let w = workload(&r, "Deployment/bare");
    assert_eq!(
        w["fargate"]["size"],
        serde_json::json!({"vcpu": 0.25, "memory_gb": 0.5})
    );
    // EC2 still reserves the defaults for each container.
    assert_eq!(w["per_replica"]["vcpu"], 0.75);
    assert_eq!(w["per_replica"]["memory_mib"], 768);
    assert!(w["notes"].to_string().contains("EKS on Fargate counts it as 0"));
}

#[test]
fn requests_too_large_for_64_bits_are_too_large_not_zero() {
    // Placed nowhere, so the estimate is incomplete: exit 1.
    let run = k2e_in(&fixtures(), &["--format", "json", "review/huge-requests.yaml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let r: Value = serde_json::from_str(&run.stdout).unwrap();
    let w = workload(&r, "Pod/huge");
    assert_eq!(w["fargate"]["runnable"], false);
    assert!(
        w["fargate"]["error"]
            .as_str()
            .unwrap()
            .contains("no Fargate size holds")
    );
    let unplaced = scenario(&r, "all-ec2")["fleets"][0]["unplaceable"].to_string();
    assert!(unplaced.contains("Pod/huge"), "{unplaced}");
}

#[test]
fn absurd_replica_counts_are_refused() {
    let run = k2e_in(&fixtures(), &["review/huge-replicas.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("the inputs ask for 1000000000 replicas")
            && run.stderr.contains("Deployment/typo at review/huge-replicas.yaml:2")
            && run.stderr.contains("at most 100000"),
        "{}",
        run.stderr
    );
}

#[test]
fn unpinned_daemonsets_run_on_every_architecture() {
    let r = json(&[
        "--instance-types",
        "c7g.large",
        "--explain",
        "review/daemon-any-arch.yaml",
    ]);
    let fleet = &scenario(&r, "all-ec2")["fleets"][0];
    assert_eq!(fleet["daemons"], serde_json::json!(["DaemonSet/logs"]));
    let explain = fleet["explain"].as_array().unwrap();
    // One c7g.large (1930m allocatable) holds the daemon's 500m, both 600m replicas and the
    // EKS system pods' 125m (aws-node 25m, kube-proxy 100m).
    assert_eq!(explain.len(), 1);
    assert_eq!(explain[0]["type"], "c7g.large");
    assert!(
        close(explain[0]["vcpu_used"].as_f64().unwrap(), 1.825),
        "{}",
        explain[0]
    );
    assert!(explain[0]["holds"].to_string().contains("DaemonSet/logs"));
    assert!(
        workload(&r, "DaemonSet/logs")["architecture_from"]
            .as_str()
            .unwrap()
            .contains("every architecture")
    );
}

#[test]
fn init_container_storage_and_the_apps_storage_are_not_added() {
    let r = json(&["review/init-storage.yaml"]);
    assert_eq!(workload(&r, "Pod/unpack")["per_replica"]["ephemeral_storage_gib"], 30.0);
}

#[test]
fn one_replica_with_a_host_port_shares_nodes_like_any_other() {
    let r = json(&["review/one-replica-host-port.yaml"]);
    let share = |name: &str| workload(&r, name)["ec2_monthly"].as_f64().unwrap();
    // Equal but for the cent the rounding hands out so that the column adds up.
    assert!((share("Deployment/with-port") - share("Deployment/without-port")).abs() <= 0.011);
    assert!(workload(&r, "Deployment/with-port")["one_per_node"].is_string());
}

#[test]
fn a_service_runs_the_revision_it_names() {
    let r = json(&["review/revisions"]);
    let all = r["workloads"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    let w = workload(&r, "Service/app");
    assert_eq!(w["replicas"], 3);
    assert_eq!(w["fargate"]["size"], serde_json::json!({"vcpu": 0.5, "memory_gb": 1.0}));
    let notes = r["notes"].to_string();
    assert!(
        notes.contains("review/revisions/app-6.json") && notes.contains("another revision"),
        "{notes}"
    );
}

#[test]
fn a_windows_task_under_1_vcpu_needs_a_change_not_ec2() {
    let r = json(&["review/windows-small.json"]);
    let f = &workload(&r, "TaskDefinition/win-small")["fargate"];
    assert_eq!(f["runnable"], true);
    assert_eq!(f["blocked_by"], serde_json::json!([]));
    assert!(f["changes_needed"][0].as_str().unwrap().starts_with("FG016"));
    assert_eq!(f["size"], serde_json::json!({"vcpu": 1.0, "memory_gb": 2.0}));
    assert!(close(f["hourly"].as_f64().unwrap(), 0.13748 + 0.0201));
}

#[test]
fn instance_type_filters_must_name_something() {
    let run = k2e_in(&fixtures(), &["--instance-types", "m7i.large,nosuch.type", "sizing"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("\"nosuch.type\" is neither an instance type nor a family"),
        "{}",
        run.stderr
    );
    let run = k2e_in(&fixtures(), &["--max-pods", "0", "sizing"]);
    assert_eq!(run.code, 2);
}

#[test]
fn many_movable_workloads_are_placed_by_fleet_shares_and_say_so() {
    // More than 40 workloads that could go either way: single moves are not measured (one
    // packing each would make large runs quadratic), and the reasons say what they quote.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..45 {
        let cpu = 100 + 50 * (i % 7);
        let memory = 128 * (1 + i % 5);
        text.push_str(&format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: w{i}}}\nspec:\n  replicas: {}\n  \
             selector: {{matchLabels: {{app: w{i}}}}}\n  template:\n    metadata: {{labels: {{app: w{i}}}}}\n    \
             spec:\n      containers:\n        - name: app\n          image: registry.example.com/w:1.0\n          \
             resources: {{requests: {{cpu: {cpu}m, memory: {memory}Mi}}}}\n---\n",
            1 + i % 3
        ));
    }
    std::fs::write(dir.path().join("many.yaml"), text).unwrap();
    let run = k2e_in(dir.path(), &["--format", "json", "many.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r: Value = serde_json::from_str(&run.stdout).unwrap();
    let hybrid = r["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|w| w["placements"].as_array().unwrap())
        .filter(|p| p["scenario"] == "hybrid")
        .collect::<Vec<_>>();
    assert_eq!(hybrid.len(), 45);
    for p in hybrid {
        let reason = p["reason"].as_str().unwrap();
        assert!(reason.contains("chosen by fleet shares"), "{reason}");
        assert!(p["ec2_delta_monthly"].is_null(), "{p}");
    }
}

#[test]
fn the_readme_shows_a_real_run() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let at = readme.find("### An estimate of the examples").expect("README section");
    let start = readme[at..].find("```text\n").unwrap() + at + "```text\n".len();
    let end = readme[start..].find("```").unwrap() + start;
    let run = k2e_in(&root(), &["examples"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for line in readme[start..end].lines().filter(|l| *l != "...") {
        assert!(
            run.stdout.lines().any(|out| out == line),
            "README line not in the output of `k2e estimate examples`:\n{line}"
        );
    }
}

#[test]
fn an_init_container_runs_beside_the_sidecars_started_before_it() {
    let r = json(&["review/sidecar-before-init.yaml"]);
    let w = workload(&r, "Pod/sidecar-first");
    assert_eq!(w["per_replica"]["vcpu"], 3.0);
    assert_eq!(w["per_replica"]["memory_mib"], 3072);
    assert_eq!(w["fargate"]["size"], serde_json::json!({"vcpu": 4.0, "memory_gb": 8.0}));
}

#[test]
fn what_a_workload_adds_to_ec2_is_never_negative() {
    let r = json(&["review/quick-packing-noise.yaml"]);
    for w in r["workloads"].as_array().unwrap() {
        for p in w["placements"].as_array().unwrap() {
            let reason = p["reason"].as_str().unwrap();
            assert!(!reason.contains("-$"), "{reason}");
            if let Some(d) = p["ec2_delta_monthly"].as_f64() {
                assert!(d >= 0.0, "{p}");
            }
        }
    }
}

#[test]
fn every_workload_on_ec2_pays_a_share_of_the_nodes() {
    // A bridge-mode service with a host port takes three nodes but no ENI: the LP's dual prices
    // value it at nothing, and its EC2/MO once read $0.00.
    let r = json(&["review/ecs-mix"]);
    let bridge = workload(&r, "Service/bridgy-svc");
    assert!(bridge["ec2_monthly"].as_f64().unwrap() > 1.0, "{bridge}");
    for w in r["workloads"].as_array().unwrap() {
        // Null: no priced EC2 type holds it (the Windows task).
        if let (true, Some(share)) = (w["replicas"].as_u64().unwrap() > 0, w["ec2_monthly"].as_f64()) {
            assert!(share > 0.0, "{}", w["name"]);
        }
    }
}

#[test]
fn a_document_that_does_not_parse_fails_the_run_and_the_rest_is_estimated() {
    let run = k2e_in(&fixtures(), &["--format", "json", "review/syntax-error.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("review/syntax-error.yaml:") && run.stderr.contains("document not estimated"),
        "{}",
        run.stderr
    );
    let r: Value = serde_json::from_str(&run.stdout).unwrap();
    workload(&r, "Pod/readable");
}

#[test]
fn a_type_filter_that_leaves_no_type_of_the_architecture_says_so() {
    let run = k2e_in(&fixtures(), &["--instance-types", "c7g", "constraints/cpu.yaml"]);
    assert!(
        run.stdout
            .contains("no priced x86_64 instance type is considered; --instance-types"),
        "{}",
        run.stdout
    );
}

#[test]
fn os_name_windows_is_a_windows_pod() {
    // Not placed (the built-in EC2 prices are Linux only), so the estimate is incomplete: exit 1.
    let run = k2e_in(&fixtures(), &["--format", "json", "review/windows-os-name.yaml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let r: Value = serde_json::from_str(&run.stdout).unwrap();
    let w = workload(&r, "Pod/win");
    assert!(w["fargate"]["blocked_by"].to_string().contains("FG108"), "{w}");
    assert_eq!(w["os"], "windows");
}

#[test]
fn pod_level_resources_are_the_pods_request() {
    let r = json(&["review/pod-level-resources.yaml"]);
    let w = workload(&r, "Pod/pod-level");
    assert_eq!(w["per_replica"]["vcpu"], 2.0);
    assert_eq!(w["per_replica"]["memory_mib"], 4096);
    // The containers' missing requests are not "assumed" when the pod gives them.
    assert_eq!(w["notes"], serde_json::json!([]), "{w}");
    // EKS on Fargate: 2 vCPU and 4 GiB + 256 MiB rounds up to 2 vCPU / 5 GB.
    assert_eq!(w["fargate"]["size"], serde_json::json!({"vcpu": 2.0, "memory_gb": 5.0}));
}
