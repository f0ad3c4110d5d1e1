//! What must hold for any input bytes, shared by the cargo-fuzz targets (fuzz_targets/) and the
//! seeded mutation test on stable (tests/mutation.rs includes this file): each function panics
//! when k2e panics or breaks a promise about its output.
//!
//! - lint: every finding lies inside the input (span and line/column), and the JSON and SARIF
//!   reports parse back as JSON; the human, compact, GitHub and JUnit reports render.
//! - convert: both directions; the loss report parses as JSON, every JSON output parses and every
//!   YAML output parses without syntax errors; the outputs convert back without a panic.
//! - estimate: the report serializes to JSON that parses back.

use k2e::convert::{self, To, input, loss_render, outcome::Role};
use k2e::finding::{Finding, Position};
use k2e::lint::{self, Outcome};
use k2e::parse::{self, Limits, ParseErrorKind};
use k2e::report::{self, Meta};
use k2e::rules::{Selection, Target};
use k2e::validate::Validators;
use std::sync::OnceLock;

pub mod seeds;

/// The names an input is read under: the extension decides YAML stream, JSON or Terraform.
pub const NAMES: [&str; 3] = ["fuzz.yaml", "fuzz.json", "fuzz.tf"];

/// Lints `data` as a YAML stream, a JSON file and a Terraform file and checks the findings and
/// reports.
pub fn lint(data: &[u8]) {
    NAMES.iter().for_each(|name| lint_as(name, data));
}

/// Lints `data` as the file `name` and checks the findings and reports.
pub fn lint_as(name: &str, data: &[u8]) {
    lint_reports(name, data, true);
}

/// Lints `data` as the file `name` and checks the findings and reports, SARIF if `sarif` (in a
/// debug build it costs ten times the rest: its rule metadata is the same for every input).
pub fn lint_reports(name: &str, data: &[u8], sarif: bool) {
    let file = lint::lint_text(name, data, &lint_options(), validators());
    for f in file.findings.iter().chain(&file.suppressed) {
        check_inside(f, data);
    }
    let outcome = Outcome {
        files: vec![file],
        ..Outcome::default()
    };
    check_reports(&outcome, sarif);
}

/// Converts `data` to ECS and to Kubernetes, read as YAML, JSON and Terraform, and the outputs
/// back.
pub fn convert(data: &[u8]) {
    NAMES.iter().for_each(|name| convert_as(name, data));
}

/// Converts `data`, read as the file `name`, both ways, and the outputs back.
pub fn convert_as(name: &str, data: &[u8]) {
    let (source, errors) = input::parse_bytes(name, data, name.ends_with(".json"));
    for to in [To::Ecs, To::K8s] {
        let opts = convert::Options::new(to);
        let mut run = convert::convert(std::slice::from_ref(&source), &opts);
        run.errors.extend(errors.iter().cloned());
        let code = run.exit_code();
        parse_json("convert loss report", &loss_render::json(&run, &opts, code));
        let _ = loss_render::human(&run, true);
        for out in &run.outputs {
            check_output(out);
        }
        convert_back(&run.outputs, to);
    }
}

/// Estimates `data` read as YAML, JSON and Terraform.
pub fn estimate(data: &[u8]) {
    NAMES.iter().for_each(|name| estimate_as(name, data));
}

/// Estimates `data` read as the file `name`, with the command line's defaults but for a few
/// instance families: packing onto the whole catalog takes seconds an input, and the fuzzer
/// is after the reading and the arithmetic, which every family goes through alike.
pub fn estimate_as(name: &str, data: &[u8]) {
    if let Ok(outcome) = k2e::estimate::run_texts(estimate_options(), &[(name, data)]) {
        let text = serde_json::to_string(&outcome.report).expect("the estimate serializes");
        parse_json("estimate report", &text);
    }
}

fn lint_options() -> lint::Options {
    lint::Options {
        paths: Vec::new(),
        no_ignore: false,
        max_file_size: 1 << 20,
        max_documents: 1000,
        limits: Limits::default(),
        snippets: true,
        record_checked: true,
        target: Target::default(),
        selection: Selection::default(),
        today: "2026-11-21".to_owned(),
        config: Default::default(),
        progress: None,
        crds: Vec::new(),
        pod_security: Default::default(),
        allow_special_files: false,
        follow: false,
    }
}

fn validators() -> &'static Validators {
    static VALIDATORS: OnceLock<Validators> = OnceLock::new();
    VALIDATORS.get_or_init(|| Validators::new("1.37", Vec::new()).expect("the bundled schemas load"))
}

/// A finding's span lies in the input, and its line is the line of its span's start; a finding
/// about the whole file has no position.
fn check_inside(f: &Finding, data: &[u8]) {
    let what = || {
        format!(
            "{} {}:{}:{} {}",
            f.rule, f.file, f.start.line, f.start.column, f.message
        )
    };
    assert!(
        f.span.start <= f.span.end && f.span.end <= data.len(),
        "span {:?} outside the input ({} bytes): {}",
        f.span,
        data.len(),
        what()
    );
    if f.start == Position::default() {
        assert_eq!(
            f.end,
            Position::default(),
            "a file-level finding has an end: {}",
            what()
        );
        return;
    }
    check_position(f.start, data, &what);
    check_position(f.end, data, &what);
    assert!(f.start <= f.end, "ends before it starts: {}", what());
    let line = 1 + data[..f.span.start].iter().filter(|&&b| b == b'\n').count();
    assert_eq!(f.start.line, line, "line is not the line of the span: {}", what());
    for r in &f.related {
        assert!(
            r.span.start <= r.span.end && r.span.end <= data.len(),
            "related span outside: {}",
            what()
        );
        check_position(r.start, data, &what);
    }
}

/// Line 1..=lines of the input, column 1..=the line's length + 1 (columns count characters, so
/// bytes are an upper bound).
fn check_position(at: Position, data: &[u8], what: &dyn Fn() -> String) {
    let line = at.line.checked_sub(1).and_then(|i| data.split(|&b| b == b'\n').nth(i));
    let line = line.unwrap_or_else(|| panic!("line {} past the input's end: {}", at.line, what()));
    assert!(
        at.column >= 1 && at.column <= line.len() + 1,
        "column {} outside its line ({} bytes): {}",
        at.column,
        line.len(),
        what()
    );
}

fn check_reports(outcome: &Outcome, sarif: bool) {
    let meta = Meta {
        kubernetes_version: "1.37",
        base: std::path::PathBuf::from("/fuzz"),
    };
    let mut out = Vec::new();
    report::json::write(outcome, "1.37", &mut out).expect("json report writes");
    parse_json(
        "lint JSON report",
        &String::from_utf8(out).expect("the JSON report is UTF-8"),
    );
    if sarif {
        let mut out = Vec::new();
        report::sarif::write(outcome, &meta, &mut out).expect("sarif report writes");
        parse_json(
            "SARIF report",
            &String::from_utf8(out).expect("the SARIF report is UTF-8"),
        );
    }
    let style = report::human::Style {
        color: false,
        verbose: true,
    };
    report::human::write(outcome, &style, &mut Vec::new()).expect("human report writes");
    report::compact::write(outcome, &meta, &mut Vec::new()).expect("compact report writes");
    report::github::write(outcome, &meta, &mut Vec::new()).expect("github report writes");
    report::junit::write(outcome, &meta, &mut Vec::new()).expect("junit report writes");
}

fn check_output(out: &convert::outcome::Output) {
    match out.role {
        Role::TaskDefinition
        | Role::Service
        | Role::ScalableTarget
        | Role::ScalingPolicy
        | Role::Schedule
        | Role::CloudFormation
        | Role::Terraform => parse_json(&out.file, &out.text),
        // Markdown for people: nothing to parse.
        Role::Checklist => {}
        Role::Kubernetes => {
            for doc in parse::yaml_text(&out.text, &Limits::default()) {
                let syntax = doc.errors.iter().find(|e| e.kind == ParseErrorKind::Syntax);
                assert!(
                    syntax.is_none(),
                    "{} does not parse: {:?}\n{}",
                    out.file,
                    syntax,
                    out.text
                );
            }
        }
    }
}

/// The outputs as inputs of the other direction: well-formed documents the fuzzer rarely makes.
fn convert_back(outputs: &[convert::outcome::Output], to: To) {
    let back = match to {
        To::Ecs => To::K8s,
        To::K8s => To::Ecs,
    };
    let sources: Vec<_> = outputs
        .iter()
        .map(|o| input::parse_bytes(&o.file, o.text.as_bytes(), o.file.ends_with(".json")).0)
        .collect();
    let opts = convert::Options::new(back);
    let run = convert::convert(&sources, &opts);
    parse_json(
        "convert-back loss report",
        &loss_render::json(&run, &opts, run.exit_code()),
    );
}

fn parse_json(what: &str, text: &str) {
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        panic!("{what} is not JSON ({e}):\n{text}");
    }
}

/// `k2e estimate`'s defaults on a few families, x86, Arm and GPU.
fn estimate_options() -> &'static k2e::estimate::Options {
    static OPTIONS: OnceLock<k2e::estimate::Options> = OnceLock::new();
    OPTIONS.get_or_init(|| k2e::estimate::Options {
        instance_types: FAMILIES.split(',').map(str::to_owned).collect(),
        ..k2e::estimate::Options::default()
    })
}

const FAMILIES: &str = "m7i,c7g,r7a,g5";
