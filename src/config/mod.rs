//! `.k2e.yaml`: the project's settings, found from the working directory upward or given with
//! `--config`. Command-line flags win over it. A bad config is an error that names its line,
//! never a half-applied configuration.

mod find;
mod suppressions;

pub use crate::globs::Globs;
pub use crate::rules::{Profile, ProfileSelector};
pub use find::{Found, find, search};
pub use suppressions::apply as apply_suppressions;

use crate::finding::{LineIndex, Severity};
use crate::parse::{Document, Limits, Node};
use crate::rules::Target;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = ".k2e.yaml";

/// The JSON schema of the file, also shipped in `schemas/` for editors.
const SCHEMA: &str = include_str!("../../schemas/k2e-config.schema.json");

#[derive(Debug, Default)]
pub struct Config {
    /// The config file as shown in messages; None when no file was read.
    pub file: Option<String>,
    /// The folder holding the file: paths and globs are relative to it.
    pub root: PathBuf,
    pub target: Option<Target>,
    pub kubernetes_version: Option<String>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Rule id or prefix -> severity; the longest matching prefix wins.
    severity: Vec<(String, Severity)>,
    exclude: Globs,
    pub suppressions: Vec<Suppression>,
    pub profiles: Vec<Profile>,
    /// `fail-on-empty`: a run that checks no file exits 2, as `--fail-on-empty`.
    pub fail_on_empty: bool,
    /// `crds`: files or folders of CustomResourceDefinitions, relative to `root`.
    crds: Vec<String>,
    /// `pod-security`: the Pod Security Standards level checked where no Namespace sets one.
    pub pod_security: Option<crate::rules::pss::Policy>,
    /// `pod-creating-kinds`: custom resource kinds (`Kind` or `Kind.group`) that create pods, on
    /// top of the built-in list; K8S030 abstains in their namespace.
    pub pod_creating_kinds: Vec<String>,
    /// The parsed file, for findings about its own lines (unused or expired suppressions).
    pub doc: Option<Document>,
}

#[derive(Debug)]
pub struct Suppression {
    pub rules: Vec<String>,
    pub paths: Option<Globs>,
    pub objects: Option<Globs>,
    pub reason: String,
    pub until: Option<String>,
    /// Pointer of the entry in the config file (`/suppressions/2`).
    pub pointer: String,
}

/// The file as written; the schema has already checked shapes and enums.
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Raw {
    target: Option<String>,
    kubernetes_version: Option<String>,
    #[serde(default)]
    select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    suppressions: Vec<RawSuppression>,
    #[serde(default)]
    fargate_profiles: Vec<RawProfile>,
    #[serde(default)]
    fail_on_empty: bool,
    #[serde(default)]
    crds: Vec<String>,
    pod_security: Option<String>,
    #[serde(default)]
    pod_creating_kinds: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuppression {
    rules: Vec<String>,
    paths: Option<Vec<String>>,
    objects: Option<Vec<String>>,
    reason: String,
    until: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: String,
    selectors: Vec<RawSelector>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSelector {
    namespace: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

/// A `.k2e.yaml` is a page of settings; anything near this size is not one.
const MAX_CONFIG_SIZE: u64 = 1 << 20;

impl Config {
    /// Reads and checks a config file. The error is one line per problem, each
    /// `file:line:column: message`.
    pub fn load(path: &Path) -> Result<Config, String> {
        // Shown relative to the working directory when it is below it, as file arguments are.
        let cwd = std::env::current_dir().unwrap_or_default();
        let shown = std::path::absolute(path)
            .ok()
            .and_then(|abs| abs.strip_prefix(&cwd).ok().map(|rel| rel.display().to_string()))
            .filter(|rel| !rel.is_empty())
            .unwrap_or_else(|| path.display().to_string());
        let text = crate::input::read_text(path, MAX_CONFIG_SIZE).map_err(|e| format!("{shown}: {e}"))?;
        let root = std::path::absolute(path)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        let mut config = Config::parse(&shown, &text)?;
        config.root = root;
        Ok(config)
    }

    /// Parses config text; `shown` names it in errors.
    pub fn parse(shown: &str, text: &str) -> Result<Config, String> {
        let is_empty = |d: &Document| {
            d.errors.is_empty() && d.root.as_ref().is_none_or(|r| r.to_json() == serde_json::Value::Null)
        };
        let mut docs: Vec<Document> = crate::parse::yaml_text(text, &Limits::default())
            .into_iter()
            .filter(|d| !is_empty(d))
            .collect();
        if let Some(second) = docs.get(1) {
            let start = second.root.as_ref().map_or(0, |r| r.span.start);
            let at = LineIndex::new(&second.text, second.offset, second.line).position(start);
            return Err(format!(
                "{shown}:{}:{}: one YAML document expected; this is the start of a second one",
                at.line, at.column
            ));
        }
        let doc = docs.pop().unwrap_or_else(|| Document::new(0, String::new(), 0, 1));
        let lines = LineIndex::new(&doc.text, doc.offset, doc.line);
        let at = |node: Option<&Node>, message: &str| locate(shown, &lines, node, message);
        if let Some(e) = doc.errors.first() {
            let p = lines.position(e.span.start);
            let message = e.message.replace(" (kubectl rejects the document)", "");
            return Err(format!("{shown}:{}:{}: {message}", p.line, p.column));
        }
        let Some(root) = &doc.root else {
            return Ok(Config::default());
        };
        if matches!(root.to_json(), serde_json::Value::Null) {
            return Ok(Config::default());
        }
        let value = root.to_json();
        let schema: serde_json::Value = serde_json::from_str(SCHEMA).map_err(|e| format!("config schema: {e}"))?;
        let validator = jsonschema::options()
            .build(&schema)
            .map_err(|e| format!("config schema: {e}"))?;
        let mut problems: Vec<(usize, String)> = validator
            .iter_errors(&value)
            .map(|e| {
                let pointer = e.instance_path().to_string();
                let node = root.pointer(&pointer).map(|(n, _)| n);
                let place = if pointer.is_empty() {
                    String::new()
                } else {
                    format!("{pointer}: ")
                };
                let message = match e.kind() {
                    jsonschema::error::ValidationErrorKind::Enum { options } => format!(
                        "{} is not one of {}",
                        e.instance(),
                        options
                            .as_array()
                            .map(|a| a.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", "))
                            .unwrap_or_default()
                    ),
                    _ => e.to_string(),
                };
                (node.map_or(0, |n| n.span.start), at(node, &format!("{place}{message}")))
            })
            .collect();
        if !problems.is_empty() {
            problems.sort();
            problems.dedup();
            return Err(problems.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join("\n"));
        }
        let raw: Raw = serde_json::from_value(value).map_err(|e| at(Some(root), &e.to_string()))?;
        let mut errors = Vec::new();
        let mut check_rule = |pointer: String, id: &str| {
            if !crate::rules::all().iter().any(|r| r.id.starts_with(id)) {
                let node = root.pointer(&pointer).map(|(n, _)| n);
                errors.push(at(
                    node,
                    &format!("no rule id starts with {id:?}; `k2e rules` lists them"),
                ));
            }
        };
        for (i, id) in raw.select.iter().enumerate() {
            check_rule(format!("/select/{i}"), id);
        }
        for (i, id) in raw.ignore.iter().enumerate() {
            check_rule(format!("/ignore/{i}"), id);
        }
        for id in raw.severity.keys() {
            check_rule(format!("/severity/{}", id.replace('~', "~0").replace('/', "~1")), id);
        }
        for (i, s) in raw.suppressions.iter().enumerate() {
            for (j, id) in s.rules.iter().enumerate() {
                check_rule(format!("/suppressions/{i}/rules/{j}"), id);
            }
        }
        if let Some(version) = &raw.kubernetes_version {
            let bundled = crate::validate::KUBERNETES_VERSIONS;
            if !bundled.iter().any(|(v, _)| v == version) {
                let node = root.pointer("/kubernetes-version").map(|(n, _)| n);
                let known: Vec<&str> = bundled.iter().map(|(v, _)| *v).collect();
                errors.push(at(
                    node,
                    &format!(
                        "no bundled schemas for Kubernetes {version}; use one of {}",
                        known.join(", ")
                    ),
                ));
            }
        }
        for (i, s) in raw.suppressions.iter().enumerate() {
            if let Some(until) = s.until.as_deref().filter(|d| !is_real_date(d)) {
                let node = root.pointer(&format!("/suppressions/{i}/until")).map(|(n, _)| n);
                errors.push(at(node, &format!("{until} is not a date (YYYY-MM-DD)")));
            }
        }
        let mut glob = |pointer: String, patterns: &[String], names: bool| {
            Globs::new(patterns, names).unwrap_or_else(|(index, e)| {
                let node = root.pointer(&format!("{pointer}/{index}")).map(|(n, _)| n);
                errors.push(at(node, &e));
                Globs::default()
            })
        };
        let exclude = glob("/exclude".into(), &raw.exclude, false);
        let suppressions = raw
            .suppressions
            .into_iter()
            .enumerate()
            .map(|(i, s)| Suppression {
                paths: s.paths.map(|p| glob(format!("/suppressions/{i}/paths"), &p, false)),
                objects: s.objects.map(|o| glob(format!("/suppressions/{i}/objects"), &o, true)),
                rules: s.rules,
                reason: s.reason.trim().to_owned(),
                until: s.until,
                pointer: format!("/suppressions/{i}"),
            })
            .collect();
        let profiles = raw
            .fargate_profiles
            .into_iter()
            .enumerate()
            .map(|(i, p)| Profile {
                name: p.name,
                selectors: p
                    .selectors
                    .into_iter()
                    .enumerate()
                    .map(|(j, s)| {
                        let at = format!("/fargate-profiles/{i}/selectors/{j}");
                        ProfileSelector {
                            namespace: Globs::names(&s.namespace).unwrap_or_else(|e| {
                                let node = root.pointer(&format!("{at}/namespace")).map(|(n, _)| n);
                                errors.push(locate(shown, &lines, node, &e));
                                Globs::default()
                            }),
                            labels: s
                                .labels
                                .into_iter()
                                .map(|(k, v)| {
                                    let g = Globs::names(&v).unwrap_or_else(|e| {
                                        let node = root.pointer(&format!("{at}/labels")).map(|(n, _)| n);
                                        errors.push(locate(shown, &lines, node, &e));
                                        Globs::default()
                                    });
                                    (k, g)
                                })
                                .collect(),
                        }
                    })
                    .collect(),
            })
            .collect();
        let pod_security = raw.pod_security.as_deref().and_then(|p| {
            crate::rules::pss::Policy::parse(p)
                .map_err(|e| errors.push(at(root.pointer("/pod-security").map(|(n, _)| n), &e)))
                .ok()
        });
        if !errors.is_empty() {
            return Err(errors.join("\n"));
        }
        Ok(Config {
            file: Some(shown.to_owned()),
            root: PathBuf::new(),
            target: raw.target.as_deref().and_then(Target::parse),
            kubernetes_version: raw.kubernetes_version,
            select: raw.select,
            ignore: raw.ignore,
            severity: raw
                .severity
                .into_iter()
                .filter_map(|(id, s)| Severity::parse(&s).map(|s| (id, s)))
                .collect(),
            exclude,
            suppressions,
            profiles,
            fail_on_empty: raw.fail_on_empty,
            crds: raw.crds,
            pod_security,
            pod_creating_kinds: raw.pod_creating_kinds,
            doc: Some(doc.clone()),
        })
    }

    /// The severity a finding of `id` gets: the override with the longest matching prefix.
    pub fn severity(&self, id: &str) -> Option<Severity> {
        self.severity
            .iter()
            .filter(|(prefix, _)| id.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, s)| *s)
    }

    /// A file's path relative to the config's folder, with `/` separators; None when the file
    /// is outside it (or is stdin).
    pub fn relative(&self, file: &str) -> Option<String> {
        if file == "-" || file == "<stdin>" {
            return None;
        }
        let absolute = normalize(&std::path::absolute(file).ok()?);
        let rel = absolute.strip_prefix(normalize(&self.root)).ok()?;
        let parts: Vec<_> = rel
            .components()
            .filter_map(|c| match c {
                std::path::Component::Normal(s) => s.to_str(),
                _ => None,
            })
            .collect();
        Some(parts.join("/"))
    }

    /// The `crds:` paths, relative to the config's folder.
    pub fn crd_paths(&self) -> Vec<PathBuf> {
        self.crds.iter().map(|p| self.root.join(p)).collect()
    }

    pub fn excluded(&self, file: &str) -> bool {
        !self.exclude.is_empty() && self.relative(file).is_some_and(|rel| self.exclude.matches_path(&rel))
    }
}

/// A YYYY-MM-DD that exists in the calendar (2026-02-29 does not).
fn is_real_date(s: &str) -> bool {
    let mut parts = s.splitn(3, '-').map(|p| p.parse::<u32>().ok());
    let (Some(Some(y)), Some(Some(m)), Some(Some(d))) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// `a/b/../c` -> `a/c` without touching the filesystem (`std::path::absolute` keeps `..`, and
/// a symlink-resolving canonicalize would move files out of the project they were named in).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// `file:line:column: message` for a node of the config (its start, or the file's start).
fn locate(shown: &str, lines: &LineIndex<'_>, node: Option<&Node>, message: &str) -> String {
    let p = lines.position(node.map_or(0, |n| n.span.start));
    format!("{shown}:{}:{}: {message}", p.line, p.column)
}

#[cfg(test)]
mod tests;
