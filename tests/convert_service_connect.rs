//! Service Connect both ways: ClusterIP Services -> the ECS services' serviceConnectConfiguration
//! (port names added to the task definition), and back: serviceConnectConfiguration -> Services;
//! ECS service autoscaling (RegisterScalableTarget + PutScalingPolicy inputs) -> a
//! HorizontalPodAutoscaler. Snapshots of both directions and a Service round trip.

use k2e::convert::audit;
use k2e::convert::loss::{Fate, Note};
use k2e::convert::outcome::{Conversion, ObjectReport};
use k2e::convert::{Options, To, convert_texts, input, loss_render};
use serde_json::{Value, json};
use std::path::Path;

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/convert/service-connect")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

fn output(run: &Conversion, file: &str) -> Value {
    let o = run
        .outputs
        .iter()
        .find(|o| o.file == file)
        .unwrap_or_else(|| panic!("no output {file}"));
    serde_json::from_str(&o.text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn object<'r>(run: &'r Conversion, label: &str, file: &str) -> &'r ObjectReport {
    run.objects
        .iter()
        .find(|o| o.object == label && o.file == file)
        .unwrap_or_else(|| panic!("no report of {label}"))
}

fn note<'r>(report: &'r ObjectReport, path: &str) -> &'r Note {
    report
        .fields
        .iter()
        .find(|n| n.path == path)
        .unwrap_or_else(|| panic!("no note at {path}: {:#?}", report.fields))
}

fn assert_accounted(texts: &[(&str, &str)], run: &Conversion) {
    let sources: Vec<input::Source> = texts
        .iter()
        .map(|(n, t)| input::parse_bytes(n, t.as_bytes(), n.ends_with(".json")).0)
        .collect();
    let missing = audit::unaccounted(&sources, run);
    assert!(missing.is_empty(), "fields dropped silently:\n{}", missing.join("\n"));
}

fn to_ecs(opts: &Options) -> (String, Conversion) {
    let text = read("k8s.yaml");
    let run = convert_texts(&[("k8s.yaml", text.as_str())], opts);
    (text, run)
}

#[test]
fn cluster_ip_services_become_service_connect_endpoints() {
    let (_, run) = to_ecs(&Options::new(To::Ecs));
    let api = output(&run, "api.service.json");
    assert_eq!(
        api["serviceConnectConfiguration"],
        json!({
            "enabled": true,
            "namespace": "CLOUD_MAP_NAMESPACE",
            "services": [
                {"portName": "http", "discoveryName": "api-shop-http",
                 "clientAliases": [{"port": 80, "dnsName": "api.shop"}]},
                {"portName": "grpc", "discoveryName": "api-shop-grpc",
                 "clientAliases": [{"port": 9090, "dnsName": "api.shop"}]},
            ],
        })
    );
    // The unnamed container port gets the Service port's name, so portName finds it.
    let td = output(&run, "api.task-definition.json");
    let names: Vec<&Value> = td["containerDefinitions"][0]["portMappings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["name"])
        .collect();
    assert_eq!(names, [&json!("http"), &json!("grpc")]);
    let ledger = output(&run, "ledger.service.json");
    assert_eq!(
        ledger["serviceConnectConfiguration"]["services"],
        json!([{"portName": "web", "discoveryName": "api-billing",
                "clientAliases": [{"port": 8000, "dnsName": "api.billing"}]}])
    );
}

#[test]
fn workloads_without_a_service_are_clients_of_their_namespace() {
    let (_, run) = to_ecs(&Options::new(To::Ecs));
    let frontend = output(&run, "frontend.service.json");
    assert_eq!(
        frontend["serviceConnectConfiguration"],
        json!({"enabled": true, "namespace": "CLOUD_MAP_NAMESPACE"})
    );
}

#[test]
fn the_cluster_names_the_cloud_map_namespace() {
    let mut opts = Options::new(To::Ecs);
    opts.cluster = Some("prod".into());
    let (_, run) = to_ecs(&opts);
    assert_eq!(
        output(&run, "frontend.service.json")["serviceConnectConfiguration"]["namespace"],
        json!("prod")
    );
}

#[test]
fn service_fields_point_into_the_service_connect_configuration() {
    let (text, run) = to_ecs(&Options::new(To::Ecs));
    assert_accounted(&[("k8s.yaml", text.as_str())], &run);
    let api = object(&run, "Service/api", "k8s.yaml");
    let port = note(api, "/spec/ports/0/port");
    assert_eq!(port.fate, Fate::Mapped);
    assert_eq!(
        port.to.as_deref(),
        Some("service#/serviceConnectConfiguration/services/0/clientAliases/0/port")
    );
    // One alias per endpoint: the short name is shared with billing's api, so the qualified
    // one is written and the others are reported.
    let name = note(api, "/metadata/name");
    assert_eq!(name.fate, Fate::Approximated, "{name:?}");
    assert!(
        name.reason.as_deref().unwrap_or_default().contains("api.shop"),
        "{name:?}"
    );
    let udp = run.objects.iter().find(|o| o.object == "Service/dns").unwrap();
    assert_eq!(note(udp, "/spec/ports/0").fate, Fate::Dropped);
}

#[test]
fn snapshots_k8s_to_ecs() {
    let opts = Options::new(To::Ecs);
    let (_, run) = to_ecs(&opts);
    let text: String = run
        .outputs
        .iter()
        .map(|o| format!("=== {}\n{}", o.file, o.text))
        .collect();
    let mut report: Value = serde_json::from_str(&loss_render::json(&run, &opts, run.exit_code())).unwrap();
    report["tool"]["version"] = Value::from("VERSION");
    settings().bind(|| {
        insta::assert_snapshot!("service-connect-k8s-outputs", text);
        insta::assert_json_snapshot!("service-connect-k8s-report", report);
    });
}
