//! `--format sarif`: one SARIF 2.1.0 log, for GitHub code scanning and other SARIF viewers.
//! Validated in tests/formats.rs against the official schema vendored in schemas/sarif/ (see
//! schemas/README.md).
//!
//! - One run, or several when the results exceed what code scanning takes in one run
//!   (`MAX_RESULTS_PER_RUN`); each run is whole (tool, rules, invocation) and, when there are
//!   several, has its own `automationDetails.id` (`k2e/part-N/`). More than `MAX_RUNS` runs:
//!   nothing is written, and the error says how to split the linting.
//! - A Helm-rendered finding whose `# Source:` template is a file under SRCROOT is placed on the
//!   template (`report::template`), the rendered position being a related location.
//! - `tool.driver.rules` lists every rule (`rules::all()`, sorted by id); results point at
//!   them with `ruleIndex`.
//! - File locations are relative to `SRCROOT` (`meta.base`, the working directory) when the file
//!   is under it, else absolute `file://` URIs. Nothing else in the output depends on the
//!   machine, and nothing on the time: the same input gives the same bytes.
//! - Findings a suppression silenced are results too, with `suppressions`.

use super::Meta;
use super::template::{Place, Templates};
use crate::finding::{Finding, Severity};
use crate::outcome::Outcome;
use crate::rules::{self, Rule};
use serde::{Serialize, Serializer};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "SRCROOT";
/// The `partialFingerprints` key; bump the version if what is hashed changes (v2: namespace and
/// document index added).
const FINGERPRINT: &str = "k2e/v2";

/// GitHub code scanning rejects a SARIF file with more than 20 runs, or a run with more than
/// 25,000 results ("SARIF results exceed hard limit", docs.github.com, code-security/code-scanning/
/// troubleshooting-sarif-uploads/results-exceed-limit; read 2026-12-03).
pub const MAX_RESULTS_PER_RUN: usize = 25_000;
pub const MAX_RUNS: usize = 20;

/// How many results one run holds, and how many runs one log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub results_per_run: usize,
    pub runs: usize,
}

impl Limits {
    pub const GITHUB: Limits = Limits {
        results_per_run: MAX_RESULTS_PER_RUN,
        runs: MAX_RUNS,
    };
}

/// More results than `Limits` lets one log hold.
#[derive(Debug, PartialEq, Eq)]
pub struct TooManyResults {
    pub results: usize,
    pub limits: Limits,
}

impl std::fmt::Display for TooManyResults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} SARIF results are more than one SARIF file can hold for code scanning ({} runs of {} \
             results); no SARIF was written. Lint each directory on its own, with one \
             `--output sarif=DIR.sarif` each, or narrow the rules with --select",
            self.results, self.limits.runs, self.limits.results_per_run
        )
    }
}

impl std::error::Error for TooManyResults {}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: [Invocation<'a>; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    automation_details: Option<AutomationDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<BTreeMap<&'static str, ArtifactLocation>>,
    /// k2e's columns count Unicode scalar values (`chars()`), not UTF-16 code units: "é" is one
    /// column and so is "😀" (two UTF-16 units). SARIF's default is `utf16CodeUnits`, so say it.
    column_kind: &'static str,
    results: Results<'a>,
    properties: RunProperties<'a>,
}

/// How k2e ran. The config in use goes here, so whoever reads the upload can tell which
/// settings (excludes, suppressions, severities) shaped the results.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    /// Required by SARIF; k2e reports unreadable input as results, so the run itself completed.
    execution_successful: bool,
    properties: InvocationProperties<'a>,
}

#[derive(Serialize)]
struct InvocationProperties<'a> {
    /// The `.k2e.yaml` read, as k2e names it (relative to the working directory when under
    /// it), or null.
    config: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties<'a> {
    kubernetes_version: &'a str,
}

/// Distinguishes the runs of a split log: GitHub rejects two runs of one tool with the same
/// category in one upload (since July 2025), and the upload action keeps an id that is set.
#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
struct Driver {
    name: &'static str,
    version: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text<'static>,
    full_description: Text<'static>,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'static str>,
    default_configuration: DefaultConfiguration,
    properties: RuleProperties,
}

#[derive(Clone, Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: &'static str,
    markdown: String,
}

#[derive(Serialize)]
struct DefaultConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    category: String,
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    as_of: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: OwnedText,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Text<'static>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byte_offset: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byte_length: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    /// `Kind/name`, or `namespace/Kind/name` when the manifest sets a namespace.
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
struct Suppression<'a> {
    kind: &'static str,
    justification: &'a str,
}

pub fn write(outcome: &Outcome, meta: &Meta<'_>, out: &mut dyn Write) -> io::Result<()> {
    write_with(outcome, meta, Limits::GITHUB, out)
}

/// `write` with other limits (tests). Over the limits, an error and not a byte written.
pub fn write_with(outcome: &Outcome, meta: &Meta<'_>, limits: Limits, out: &mut dyn Write) -> io::Result<()> {
    let counts: Vec<usize> = outcome
        .files
        .iter()
        .map(|f| f.findings.len() + f.suppressed.len())
        .collect();
    let parts = split(&counts, limits).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let base = meta.base.is_absolute().then(|| normalize(&meta.base));
    let templates = RefCell::new(Templates::new(&meta.base));
    let several = parts.len() > 1;
    let runs = parts
        .into_iter()
        .enumerate()
        .map(|(i, range)| Run {
            tool: Tool {
                driver: Driver {
                    name: "k2e",
                    version: env!("CARGO_PKG_VERSION"),
                    rules: rules::all().iter().map(descriptor).collect(),
                },
            },
            invocations: [invocation(outcome)],
            automation_details: several.then(|| AutomationDetails {
                id: format!("k2e/part-{}/", i + 1),
            }),
            original_uri_base_ids: base.as_ref().map(|b| {
                BTreeMap::from([(
                    SRCROOT,
                    ArtifactLocation {
                        uri: directory_uri(b),
                        uri_base_id: None,
                        description: None,
                    },
                )])
            }),
            column_kind: "unicodeCodePoints",
            results: Results {
                outcome,
                range,
                base: base.as_deref(),
                templates: &templates,
            },
            properties: RunProperties {
                kubernetes_version: meta.kubernetes_version,
            },
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs,
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// The run's invocation, the same in every run of a log.
fn invocation(outcome: &Outcome) -> Invocation<'_> {
    Invocation {
        execution_successful: true,
        properties: InvocationProperties {
            config: outcome.config.as_deref(),
        },
    }
}

/// Cuts the results (`counts`: each file's, in report order) into runs of at most
/// `limits.results_per_run`: a run ends before a file that would not fit, and only a file larger
/// than a run is cut inside. When cutting at files would need more runs than allowed, runs are
/// filled to the brim instead. Returns each run's range of result numbers.
pub fn split(counts: &[usize], limits: Limits) -> Result<Vec<Range<usize>>, TooManyResults> {
    let per_run = limits.results_per_run.max(1);
    let total: usize = counts.iter().sum();
    let too_many = TooManyResults { results: total, limits };
    if total > per_run.saturating_mul(limits.runs) {
        return Err(too_many);
    }
    let mut runs = Vec::new();
    let (mut start, mut end) = (0, 0);
    for &n in counts {
        if end > start && end - start + n > per_run {
            runs.push(start..end);
            start = end;
        }
        end += n;
        while end - start > per_run {
            runs.push(start..start + per_run);
            start += per_run;
        }
    }
    if end > start || runs.is_empty() {
        runs.push(start..end);
    }
    if runs.len() > limits.runs {
        runs = (0..total.div_ceil(per_run))
            .map(|i| i * per_run..((i + 1) * per_run).min(total))
            .collect();
    }
    if runs.len() > limits.runs {
        return Err(too_many);
    }
    Ok(runs)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn descriptor(rule: &'static Rule) -> Descriptor {
    // Category derives only Deserialize (lowercase names); its Debug name lowercased is the same.
    let category = format!("{:?}", rule.category).to_ascii_lowercase();
    Descriptor {
        id: &rule.id,
        name: &rule.name,
        short_description: Text { text: &rule.summary },
        full_description: Text { text: &rule.rationale },
        help: Help {
            text: &rule.fix,
            markdown: help_markdown(rule),
        },
        help_uri: rule.references.first().map(String::as_str),
        default_configuration: DefaultConfiguration {
            level: level(rule.severity),
        },
        properties: RuleProperties {
            tags: vec![category.clone()],
            category,
            as_of: rule.as_of.as_deref(),
        },
    }
}

fn help_markdown(rule: &Rule) -> String {
    let mut md = format!(
        "**{}** {}\n\n**Why:** {}\n\n**Fix:** {}\n",
        rule.id, rule.summary, rule.rationale, rule.fix
    );
    if !rule.references.is_empty() {
        md.push_str("\n**References:**\n");
        for r in &rule.references {
            md.push_str(&format!("- <{r}>\n"));
        }
    }
    if let Some(as_of) = &rule.as_of {
        md.push_str(&format!("\nFacts checked as of {as_of}.\n"));
    }
    md
}

/// Every finding of every file, then that file's suppressed findings, numbered in that order;
/// a run holds those numbered in `range`. Serialized one at a time.
struct Results<'a> {
    outcome: &'a Outcome,
    range: Range<usize>,
    base: Option<&'a Path>,
    templates: &'a RefCell<Templates>,
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let all = self
            .outcome
            .files
            .iter()
            .flat_map(|file| file.findings.iter().chain(&file.suppressed))
            .skip(self.range.start)
            .take(self.range.len());
        s.collect_seq(all.map(|f| {
            let place = self.templates.borrow_mut().place(f);
            result(f, self.base, place)
        }))
    }
}

fn result<'a>(f: &'a Finding, base: Option<&Path>, template: Option<Place>) -> SarifResult<'a> {
    let artifact = artifact_location(&f.file, base);
    let region = (f.start.line > 0).then(|| Region {
        start_line: f.start.line,
        start_column: Some(f.start.column),
        end_line: Some(f.end.line),
        end_column: Some(f.end.column),
        byte_offset: Some(f.span.start),
        byte_length: Some(f.span.end.saturating_sub(f.span.start)),
    });
    let mut related = Vec::new();
    let (primary, primary_region) = match &template {
        Some(place) => {
            // The template is where the fix goes; the rendered text is where k2e saw it.
            related.push(Location {
                id: Some(0),
                physical_location: PhysicalLocation {
                    artifact_location: artifact.clone(),
                    region,
                },
                logical_locations: Vec::new(),
                message: Some(Text { text: "rendered here" }),
            });
            let file = place.relative.to_string_lossy();
            let region = place.line.map(|line| Region {
                start_line: line,
                start_column: None,
                end_line: None,
                end_column: None,
                byte_offset: None,
                byte_length: None,
            });
            (artifact_location(&file, base), region)
        }
        None => (artifact.clone(), region),
    };
    for r in &f.related {
        related.push(Location {
            id: Some(related.len()),
            physical_location: PhysicalLocation {
                artifact_location: artifact.clone(),
                // Related places carry only a start; SARIF then means "to the end of that line".
                region: (r.start.line > 0).then_some(Region {
                    start_line: r.start.line,
                    start_column: Some(r.start.column),
                    end_line: None,
                    end_column: None,
                    byte_offset: None,
                    byte_length: None,
                }),
            },
            logical_locations: Vec::new(),
            message: Some(Text { text: &r.message }),
        });
    }
    if let (Some(source), None) = (&f.source, &template) {
        related.push(Location {
            id: Some(related.len()),
            physical_location: PhysicalLocation {
                // `helm template` names the template relative to the chart's parent folder
                // ("mychart/templates/deployment.yaml"), which is rarely a path from SRCROOT:
                // give it as a relative reference with no base rather than claim a file there.
                artifact_location: ArtifactLocation {
                    uri: encode(&source.replace('\\', "/"), false),
                    uri_base_id: None,
                    description: None,
                },
                region: None,
            },
            logical_locations: Vec::new(),
            message: Some(Text {
                text: "rendered from this template",
            }),
        });
    }
    let message = match &f.help {
        Some(help) => format!("{}\n{help}", f.message),
        None => f.message.clone(),
    };
    let fingerprint = fingerprint(f, &primary.uri);
    SarifResult {
        rule_id: f.rule,
        rule_index: rules::all().iter().position(|r| r.id == f.rule),
        level: level(f.severity),
        message: OwnedText { text: message },
        locations: [Location {
            id: None,
            physical_location: PhysicalLocation {
                artifact_location: primary,
                region: primary_region,
            },
            logical_locations: f
                .object
                .as_deref()
                .map(|o| {
                    vec![LogicalLocation {
                        fully_qualified_name: match &f.namespace {
                            Some(namespace) => format!("{namespace}/{o}"),
                            None => o.to_owned(),
                        },
                        kind: if f.resource.is_some() { "resource" } else { "object" },
                    }]
                })
                .unwrap_or_default(),
            message: None,
        }],
        related_locations: related,
        partial_fingerprints: BTreeMap::from([(FINGERPRINT, fingerprint)]),
        suppressions: f
            .suppressed
            .as_deref()
            .map(|reason| {
                vec![Suppression {
                    kind: "inSource",
                    justification: reason,
                }]
            })
            .unwrap_or_default(),
    }
}

/// Where a finding's file is, as SARIF wants it.
///
/// Standard input (`-` or `<stdin>`) has no path: it is given as the relative reference `stdin`
/// with no `uriBaseId` (so it does not claim a file named `stdin` under SRCROOT) and the
/// description "standard input". Code scanning cannot place such results in the repository,
/// which is right: the text was never a file in it.
fn artifact_location(file: &str, base: Option<&Path>) -> ArtifactLocation {
    if file == "-" || file == "<stdin>" {
        return ArtifactLocation {
            uri: "stdin".to_owned(),
            uri_base_id: None,
            description: Some(Text { text: "standard input" }),
        };
    }
    let path = Path::new(file);
    let absolute = match (path.is_absolute(), base) {
        (true, _) => normalize(path),
        (false, Some(base)) => normalize(&base.join(path)),
        // No absolute working directory (it was deleted under us): keep the path as given.
        (false, None) => {
            return ArtifactLocation {
                uri: encode(&slashes(path), false),
                uri_base_id: None,
                description: None,
            };
        }
    };
    match base.and_then(|b| absolute.strip_prefix(b).ok()) {
        Some(relative) if relative.as_os_str().is_empty() => ArtifactLocation {
            // The base itself (a folder given as a path): "./" is the reference to SRCROOT.
            uri: "./".to_owned(),
            uri_base_id: Some(SRCROOT),
            description: None,
        },
        Some(relative) => ArtifactLocation {
            uri: encode(&slashes(relative), false),
            uri_base_id: Some(SRCROOT),
            description: None,
        },
        None => ArtifactLocation {
            uri: file_uri(&absolute),
            uri_base_id: None,
            description: None,
        },
    }
}

/// `.` and `..` resolved without touching the file system (the file may not exist).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // "/.." is "/".
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn slashes(path: &Path) -> String {
    let s = path.to_string_lossy();
    if cfg!(windows) {
        s.replace('\\', "/")
    } else {
        s.into_owned()
    }
}

fn file_uri(absolute: &Path) -> String {
    let s = slashes(absolute);
    // Windows: C:/x -> file:///C:/x.
    let s = if s.starts_with('/') { s } else { format!("/{s}") };
    format!("file://{}", encode(&s, true))
}

fn directory_uri(absolute: &Path) -> String {
    let uri = file_uri(absolute);
    if uri.ends_with('/') { uri } else { uri + "/" }
}

/// Percent-encodes a path for a URI (RFC 3986): every byte that is not unreserved
/// (`A-Z a-z 0-9 - . _ ~`), a sub-delimiter (`! $ & ' ( ) * + , ; =`), `@` or `/` becomes
/// `%XX`: spaces, `%`, `#`, `?`, `[`, `]`, backslashes, controls and the UTF-8 bytes of non-ASCII
/// characters. `:` is kept only in absolute URIs: in a relative reference a colon in the first
/// segment would read as a scheme (`a:b.yaml`).
fn encode(path: &str, keep_colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
                    | b'/'
            )
            || (keep_colon && b == b':');
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A stable identity for GitHub code scanning to follow a result across commits: the rule, the
/// file (its primary location's SARIF URI), the object, where in it (the JSON pointer, else the
/// line), the message, the object's namespace and the document's index in its file (so
/// `Deployment/web` in two namespaces, or twice in one stream, are two alerts). Where the pointer
/// is known, lines moving above the finding do not change it. FNV-1a 64, which is fixed by its
/// definition (std's `DefaultHasher` may change between Rust releases).
fn fingerprint(f: &Finding, uri: &str) -> String {
    let line = f.start.line.to_string();
    let place = f.pointer.as_deref().unwrap_or(&line);
    let document = f.document.map(|d| d.to_string()).unwrap_or_default();
    let namespace = f.namespace.as_deref().unwrap_or("");
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [
        f.rule,
        uri,
        f.object.as_deref().unwrap_or(""),
        place,
        &f.message,
        namespace,
        &document,
    ] {
        for &b in part.as_bytes().iter().chain(&[0xff]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_what_rfc_3986_requires() {
        assert_eq!(encode("a b/c%d#e?f", false), "a%20b/c%25d%23e%3Ff");
        assert_eq!(encode("déjà/ü.yaml", false), "d%C3%A9j%C3%A0/%C3%BC.yaml");
        assert_eq!(encode("a:b.yaml", false), "a%3Ab.yaml");
        assert_eq!(encode("/C:/x y", true), "/C:/x%20y");
        assert_eq!(encode("k8s/app-1_v2~(x).yaml", false), "k8s/app-1_v2~(x).yaml");
        assert_eq!(encode("[a]\\b", false), "%5Ba%5D%5Cb");
    }

    #[test]
    fn locations_are_relative_to_srcroot_when_under_it() {
        let base = Path::new("/work/repo");
        let rel = artifact_location("k8s/app one.yaml", Some(base));
        assert_eq!(
            (rel.uri.as_str(), rel.uri_base_id),
            ("k8s/app%20one.yaml", Some(SRCROOT))
        );
        let dotted = artifact_location("./k8s/../k8s/x.yaml", Some(base));
        assert_eq!(dotted.uri, "k8s/x.yaml");
        let inside = artifact_location("/work/repo/a.yaml", Some(base));
        assert_eq!((inside.uri.as_str(), inside.uri_base_id), ("a.yaml", Some(SRCROOT)));
        let outside = artifact_location("/tmp/x#1.yaml", Some(base));
        assert_eq!(
            (outside.uri.as_str(), outside.uri_base_id),
            ("file:///tmp/x%231.yaml", None)
        );
        let up = artifact_location("../other/x.yaml", Some(base));
        assert_eq!(up.uri, "file:///work/other/x.yaml");
        // A sibling folder whose name starts like the base is not under it.
        let sibling = artifact_location("/work/repo2/x.yaml", Some(base));
        assert_eq!(sibling.uri, "file:///work/repo2/x.yaml");
        let stdin = artifact_location("<stdin>", Some(base));
        assert_eq!((stdin.uri.as_str(), stdin.uri_base_id), ("stdin", None));
        assert_eq!(directory_uri(Path::new("/work/my repo")), "file:///work/my%20repo/");
        assert_eq!(directory_uri(Path::new("/")), "file:///");
    }

    #[test]
    fn fingerprints_follow_the_pointer_not_the_line() {
        let mut a = Finding::file("K8S002", Severity::Error, "x.yaml", "m".to_owned());
        a.start.line = 3;
        a.pointer = Some("/data/a".to_owned());
        let mut moved = a.clone();
        moved.start.line = 9;
        assert_eq!(fingerprint(&a, "x.yaml"), fingerprint(&moved, "x.yaml"));
        let mut other = a.clone();
        other.pointer = Some("/data/b".to_owned());
        assert_ne!(fingerprint(&a, "x.yaml"), fingerprint(&other, "x.yaml"));
        // Fixed: a different value would make code scanning close every alert and open it anew
        // (computed independently: FNV-1a 64 of the parts, each followed by 0xff).
        assert_eq!(fingerprint(&a, "x.yaml"), "5158572cf14f0907");
        let mut web = a.clone();
        web.object = Some("Deployment/web".to_owned());
        web.namespace = Some("prod".to_owned());
        web.document = Some(3);
        assert_eq!(fingerprint(&web, "x.yaml"), "bf659b68f880fe91");
    }

    #[test]
    fn fingerprints_tell_namespaces_and_documents_apart() {
        let mut a = Finding::file("K8S002", Severity::Error, "x.yaml", "m".to_owned());
        a.object = Some("Deployment/web".to_owned());
        a.pointer = Some("/spec/replicas".to_owned());
        a.document = Some(0);
        let mut other_namespace = a.clone();
        other_namespace.namespace = Some("team-b".to_owned());
        let mut other_document = a.clone();
        other_document.document = Some(1);
        let prints = [&a, &other_namespace, &other_document].map(|f| fingerprint(f, "x.yaml"));
        assert_ne!(prints[0], prints[1]);
        assert_ne!(prints[0], prints[2]);
        assert_ne!(prints[1], prints[2]);
    }

    const SMALL: Limits = Limits {
        results_per_run: 10,
        runs: 3,
    };

    #[test]
    fn runs_end_at_file_boundaries() {
        let one = |range: Range<usize>| Ok(Vec::from([range]));
        assert_eq!(split(&[], SMALL), one(0..0), "an empty log still has its run");
        assert_eq!(split(&[0, 3, 0], SMALL), one(0..3));
        assert_eq!(split(&[4, 6, 1], SMALL), Ok(vec![0..10, 10..11]));
        // 4 + 7 > 10: the second file starts the next run rather than being cut.
        assert_eq!(split(&[4, 7, 2], SMALL), Ok(vec![0..4, 4..13]));
        // A file larger than a run is cut inside it, after the run before it is closed.
        let roomy = Limits { runs: 5, ..SMALL };
        assert_eq!(split(&[3, 25], roomy), Ok(vec![0..3, 3..13, 13..23, 23..28]));
        // Cut at files, that would be 4 runs; 3 are allowed, so runs are filled to the brim.
        assert_eq!(split(&[3, 25], SMALL), Ok(vec![0..10, 10..20, 20..28]));
        assert_eq!(split(&[10, 10, 10], SMALL), Ok(vec![0..10, 10..20, 20..30]));
    }

    #[test]
    fn more_than_the_runs_hold_is_an_error() {
        let err = split(&[10, 10, 10, 1], SMALL).unwrap_err();
        assert_eq!(err.results, 31);
        let message = err.to_string();
        assert!(message.contains("--output sarif=DIR.sarif"), "{message}");
        assert!(message.contains("3 runs of 10 results"), "{message}");
    }

    #[test]
    fn over_the_limits_nothing_is_written() {
        let mut outcome = Outcome::default();
        outcome.files.push(crate::outcome::FileResult {
            file: "x.yaml".to_owned(),
            findings: vec![Finding::file("K8S002", Severity::Error, "x.yaml", "m".to_owned()); 31],
            ..Default::default()
        });
        let meta = Meta {
            kubernetes_version: "1.31",
            base: PathBuf::from("/work/repo"),
        };
        let mut out = Vec::new();
        let err = write_with(&outcome, &meta, SMALL, &mut out).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(out.is_empty());
        outcome.files[0].findings.pop();
        write_with(&outcome, &meta, SMALL, &mut out).unwrap();
        let log: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let runs = log["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 3);
        for (i, run) in runs.iter().enumerate() {
            assert_eq!(run["results"].as_array().unwrap().len(), 10);
            assert_eq!(run["automationDetails"]["id"], format!("k2e/part-{}/", i + 1));
            assert_eq!(run["invocations"][0]["executionSuccessful"], true);
        }
    }
}
