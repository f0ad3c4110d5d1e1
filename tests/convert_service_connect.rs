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

fn to_k8s() -> (Vec<(&'static str, String)>, Conversion) {
    let texts = vec![
        ("catalog.json", read("catalog.json")),
        ("catalog-service.json", read("catalog-service.json")),
    ];
    let borrowed: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let run = convert_texts(&borrowed, &Options::new(To::K8s));
    (texts, run)
}

/// The YAML documents of an output, as JSON.
fn documents(run: &Conversion, file: &str) -> Vec<Value> {
    let o = run
        .outputs
        .iter()
        .find(|o| o.file == file)
        .unwrap_or_else(|| panic!("no output {file}"));
    k2e::parse::yaml_text(&o.text, &k2e::parse::Limits::default())
        .into_iter()
        .filter_map(|d| d.root.map(|r| r.to_json()))
        .collect()
}

fn services(docs: &[Value]) -> Vec<&Value> {
    docs.iter().filter(|d| d["kind"] == "Service").collect()
}

#[test]
fn service_connect_endpoints_become_services() {
    let (texts, run) = to_k8s();
    let borrowed: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, t.as_str())).collect();
    assert_accounted(&borrowed, &run);
    let docs = documents(&run, "catalog.yaml");
    let services = services(&docs);
    let summary: Vec<Value> = services
        .iter()
        .map(|s| json!({"name": s["metadata"]["name"], "type": s["spec"]["type"], "ports": s["spec"]["ports"], "selector": s["spec"]["selector"]}))
        .collect();
    assert_eq!(
        summary,
        [
            json!({"name": "catalog", "type": "ClusterIP", "selector": {"app": "catalog"},
                   "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP", "appProtocol": "http"}]}),
            json!({"name": "catalog-admin", "type": "ClusterIP", "selector": {"app": "catalog"},
                   "ports": [{"name": "admin", "port": 9000, "targetPort": 9000, "protocol": "TCP"}]}),
        ]
    );
    let service = object(&run, "EcsService/catalog", "catalog-service.json");
    let port = note(service, "/serviceConnectConfiguration/services/0/clientAliases/0/port");
    assert_eq!(port.fate, Fate::Mapped);
    let dns = note(
        service,
        "/serviceConnectConfiguration/services/1/clientAliases/0/dnsName",
    );
    assert_eq!(dns.fate, Fate::Approximated);
    let timeout = note(service, "/serviceConnectConfiguration/services/0/timeout");
    assert_eq!(timeout.fate, Fate::Dropped);
}

#[test]
fn snapshots_ecs_to_k8s() {
    let (_, run) = to_k8s();
    let opts = Options::new(To::K8s);
    let text: String = run
        .outputs
        .iter()
        .map(|o| format!("=== {}\n{}", o.file, o.text))
        .collect();
    let mut report: Value = serde_json::from_str(&loss_render::json(&run, &opts, run.exit_code())).unwrap();
    report["tool"]["version"] = Value::from("VERSION");
    settings().bind(|| {
        insta::assert_snapshot!("service-connect-ecs-outputs", text);
        insta::assert_json_snapshot!("service-connect-ecs-report", report);
    });
}

/// Kubernetes Services -> Service Connect -> Services: every field the first conversion calls
/// mapped comes back unchanged.
#[test]
fn services_round_trip() {
    let (text, there) = to_ecs(&Options::new(To::Ecs));
    let files: Vec<(&str, &str)> = there
        .outputs
        .iter()
        .map(|o| (o.file.as_str(), o.text.as_str()))
        .collect();
    let back = convert_texts(&files, &Options::new(To::K8s));
    let input: Vec<Value> = k2e::parse::yaml_text(&text, &k2e::parse::Limits::default())
        .into_iter()
        .filter_map(|d| d.root.map(|r| r.to_json()))
        .collect();
    let mut compared = 0;
    for report in there.objects.iter().filter(|o| o.object.starts_with("Service/")) {
        let Some(owner) = report
            .fields
            .iter()
            .find(|n| n.path.is_empty() && n.fate == Fate::Approximated)
        else {
            continue;
        };
        assert!(owner.to.is_some());
        let original = &input[report.document];
        let written = back
            .outputs
            .iter()
            .flat_map(|o| documents(&back, &o.file))
            .filter(|d| d["kind"] == "Service")
            .find(|d| d["metadata"]["name"] == original["metadata"]["name"] && ports(d) == ports(original))
            .unwrap_or_else(|| panic!("no Service {} back", report.object));
        let mismatches = audit::mapped_mismatches(original, "", &report.fields, &written);
        assert!(mismatches.is_empty(), "{}: {mismatches:#?}", report.object);
        compared += 1;
    }
    assert_eq!(compared, 2, "both api Services compared");
}

fn ports(service: &Value) -> Vec<Value> {
    service["spec"]["ports"]
        .as_array()
        .map(|p| p.iter().map(|p| p["port"].clone()).collect())
        .unwrap_or_default()
}

fn scaling_inputs() -> Vec<(&'static str, String)> {
    [
        "catalog.json",
        "catalog-service.json",
        "catalog.scalable-target.json",
        "catalog-cpu.scaling-policy.json",
        "catalog-memory.scaling-policy.json",
        "orphan.scaling-policy.json",
    ]
    .into_iter()
    .map(|f| (f, read(f)))
    .collect()
}

#[test]
fn service_autoscaling_becomes_a_horizontal_pod_autoscaler() {
    let texts = scaling_inputs();
    let borrowed: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let run = convert_texts(&borrowed, &Options::new(To::K8s));
    assert_accounted(&borrowed, &run);
    let docs = documents(&run, "catalog.yaml");
    let hpa = docs
        .iter()
        .find(|d| d["kind"] == "HorizontalPodAutoscaler")
        .expect("an HPA in the workload's stream");
    assert_eq!(
        hpa,
        &json!({
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "catalog"},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "catalog"},
                "minReplicas": 3,
                "maxReplicas": 12,
                "metrics": [
                    {"type": "Resource", "resource": {"name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 60}}},
                    {"type": "Resource", "resource": {"name": "memory",
                        "target": {"type": "Utilization", "averageUtilization": 76}}},
                ],
                "behavior": {
                    "scaleDown": {"stabilizationWindowSeconds": 300, "selectPolicy": "Disabled"},
                    "scaleUp": {"stabilizationWindowSeconds": 60},
                },
            },
        })
    );
    let target = object(
        &run,
        "ScalableTarget/service/prod/catalog",
        "catalog.scalable-target.json",
    );
    assert_eq!(note(target, "/MaxCapacity").fate, Fate::Mapped);
    let memory = object(
        &run,
        "ScalingPolicy/catalog-memory",
        "catalog-memory.scaling-policy.json",
    );
    let value = note(memory, "/TargetTrackingScalingPolicyConfiguration/TargetValue");
    assert_eq!(value.fate, Fate::Approximated, "75.5 is written as 76");
    let orphan = object(&run, "ScalingPolicy/requests", "orphan.scaling-policy.json");
    assert_eq!(note(orphan, "").fate, Fate::Dropped);
    assert!(
        run.skipped.iter().all(|s| !s.file.contains("scal")),
        "{:?}",
        run.skipped
    );
}

#[test]
fn snapshots_autoscaling() {
    let texts = scaling_inputs();
    let borrowed: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let opts = Options::new(To::K8s);
    let run = convert_texts(&borrowed, &opts);
    let mut report: Value = serde_json::from_str(&loss_render::json(&run, &opts, run.exit_code())).unwrap();
    report["tool"]["version"] = Value::from("VERSION");
    let text: String = run
        .outputs
        .iter()
        .map(|o| format!("=== {}\n{}", o.file, o.text))
        .collect();
    settings().bind(|| {
        insta::assert_snapshot!("service-connect-autoscaling-outputs", text);
        insta::assert_json_snapshot!("service-connect-autoscaling-report", report);
    });
}
