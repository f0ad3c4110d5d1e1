//! What a lint run found, file by file: what `lint` produces and the reports render.

use crate::discover::SkippedPath;
use crate::finding::Finding;

/// A document k2e did not check, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub file: String,
    pub document: usize,
    pub line: usize,
    pub reason: &'static str,
}

/// An object that was checked: a Kubernetes object or an ECS task definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub document: usize,
    /// Where the object sits in its document ("" or "/items/3" for List items).
    pub pointer: String,
    pub api_version: String,
    pub kind: String,
    pub name: Option<String>,
}

#[derive(Debug, Default)]
pub struct FileResult {
    pub file: String,
    pub documents: usize,
    pub findings: Vec<Finding>,
    pub skipped: Vec<Skipped>,
    pub checked: Vec<Checked>,
    /// Kubernetes objects validated against a schema (bundled, a CRD's or a --schema-dir file),
    /// and those that were not (no schema, or a version their CRD does not serve).
    pub validated: usize,
    pub not_validated: usize,
    /// Findings silenced by a suppression with a reason (kept for reports that list them).
    pub suppressed: Vec<Finding>,
    /// The `.k2e.yaml` itself, holding findings about its suppressions: not a linted file.
    pub is_config: bool,
    /// Files this one reads part of its resources from (Terraform's `file("containers.json")`),
    /// checked as part of it.
    pub includes: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub files: Vec<FileResult>,
    /// Symbolic links the walk did not follow, and why.
    pub skipped_paths: Vec<SkippedPath>,
    /// The config file in use, as shown in messages.
    pub config: Option<String>,
    /// Files found but left out by the config's `exclude`.
    pub excluded: usize,
}

impl Outcome {
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.files.iter().flat_map(|f| f.findings.iter())
    }
}
