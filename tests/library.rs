//! `convert` and `estimate` used as a library, with no process: their `run` takes plain options
//! and returns what happened, for the caller to print (or not).

use k2e::convert::{self, Destination, RunOptions, To};
use k2e::estimate;
use std::path::{Path, PathBuf};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(path)
}

fn convert_options(inputs: Vec<PathBuf>, destination: Destination) -> RunOptions {
    RunOptions {
        inputs,
        read: k2e::input::Options {
            limit: 64 << 20,
            allow_special_files: false,
        },
        destination,
        dry_run: false,
        convert: convert::Options::new(To::Ecs),
        check: None,
        force_invalid: false,
    }
}

#[test]
fn convert_run_writes_into_a_directory_and_reports_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let missing = dir.path().join("missing.yaml");
    let inputs = vec![fixture("convert/k8s/deployment.yaml"), missing.clone()];
    let dest = Destination::Dir {
        path: out.clone(),
        force: false,
    };

    let mut opts = convert_options(inputs, dest);
    opts.dry_run = true;
    let planned = convert::run(&opts);
    // The task definition, the service and CHECKLIST.md.
    assert_eq!(planned.planned.len(), 3, "{:?}", planned.planned);
    assert!(planned.planned[0].starts_with("would write "), "{:?}", planned.planned);
    assert!(!out.exists(), "a dry run writes nothing");

    opts.dry_run = false;
    let outcome = convert::run(&opts);
    let files: Vec<&str> = outcome.conversion.outputs.iter().map(|o| o.file.as_str()).collect();
    assert_eq!(
        files,
        [
            "storefront.task-definition.json",
            "storefront.service.json",
            "CHECKLIST.md"
        ]
    );
    for o in &outcome.conversion.outputs {
        assert_eq!(std::fs::read_to_string(out.join(&o.file)).unwrap(), o.text);
    }
    assert_eq!(outcome.written.len(), 3, "{:?}", outcome.written);
    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    // The missing input is reported, the other converted: exit 2 all the same.
    assert_eq!(outcome.conversion.errors.len(), 1);
    assert!(outcome.conversion.counts().dropped > 0);
    assert_eq!(outcome.exit_code(), 2);

    // Again without force: nothing replaced, each refusal a failure; CHECKLIST.md is not
    // even tried, as no file that needs it was written.
    std::fs::write(out.join("storefront.service.json"), "mine").unwrap();
    let again = convert::run(&opts);
    assert_eq!(again.failures.len(), 2, "{:?}", again.failures);
    assert!(again.conversion.checklist.is_empty());
    assert!(again.written.is_empty());
    assert_eq!(
        std::fs::read_to_string(out.join("storefront.service.json")).unwrap(),
        "mine"
    );
}

#[test]
fn convert_run_to_stdout_writes_nothing_and_hands_the_outputs_back() {
    let opts = convert_options(vec![fixture("convert/k8s/deployment.yaml")], Destination::Stdout);
    let outcome = convert::run(&opts);
    // The task definition, the service and the checklist (which `to_stdout` leaves out).
    assert_eq!(outcome.conversion.outputs.len(), 3);
    assert!(outcome.written.is_empty() && outcome.planned.is_empty() && outcome.failures.is_empty());
    // Fields were dropped: 1.
    assert_eq!(outcome.exit_code(), 1);

    let dir = tempfile::tempdir().unwrap();
    let config_map = dir.path().join("cm.yaml");
    std::fs::write(
        &config_map,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n",
    )
    .unwrap();
    let nothing = convert::run(&convert_options(vec![config_map], Destination::Stdout));
    assert!(nothing.conversion.outputs.is_empty());
    assert_eq!(nothing.failures.len(), 1);
    assert!(
        nothing.failures[0].starts_with("nothing to convert: no Kubernetes workload"),
        "{:?}",
        nothing.failures
    );
    assert_eq!(nothing.exit_code(), 2);
}

#[test]
fn estimate_run_returns_the_report_and_the_unreadable_inputs() {
    let opts = estimate::Options {
        paths: vec![fixture("convert/k8s/deployment.yaml")],
        instance_types: vec!["m7g".into()],
        ..estimate::Options::default()
    };
    let outcome = estimate::run(&opts).unwrap();
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert!(!outcome.report.scenarios.is_empty());
    assert_eq!(outcome.exit_code(), 0);
    let json = outcome.render(estimate::Format::Json, false).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value, serde_json::to_value(&outcome.report).unwrap());
    assert!(
        outcome
            .render(estimate::Format::Table, false)
            .unwrap()
            .contains("Fargate")
    );

    let with_bad = estimate::Options {
        paths: vec![
            fixture("convert/k8s/deployment.yaml"),
            fixture("estimate/review/syntax-error.yaml"),
        ],
        ..opts.clone()
    };
    let outcome = estimate::run(&with_bad).unwrap();
    assert_eq!(outcome.errors.len(), 1, "{:?}", outcome.errors);
    assert!(outcome.errors[0].contains("syntax-error.yaml"), "{:?}", outcome.errors);
    assert_eq!(outcome.exit_code(), 2);

    let bad_default = estimate::Options {
        default_cpu: "lots".into(),
        ..opts
    };
    let e = estimate::run(&bad_default).unwrap_err();
    assert!(e.contains("not a cpu quantity"), "{e}");
}
