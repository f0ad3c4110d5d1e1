//! What a conversion produces: output files and, per input object, its loss report.

use super::catalog::Skipped;
use super::input::InputError;
use super::loss::{Counts, Note};
use serde::Serialize;

/// What an output file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// RegisterTaskDefinition input.
    TaskDefinition,
    /// CreateService input.
    Service,
    /// A YAML stream of Kubernetes objects.
    Kubernetes,
    /// Application Auto Scaling RegisterScalableTarget input.
    ScalableTarget,
    /// Application Auto Scaling PutScalingPolicy input.
    ScalingPolicy,
    /// EventBridge Scheduler CreateSchedule input.
    Schedule,
    /// A CloudFormation template holding the whole set (`--emit cloudformation`).
    CloudFormation,
    /// A Terraform `.tf.json` file holding the whole set (`--emit terraform`).
    Terraform,
    /// The checklist of what a person must create or decide before applying.
    Checklist,
}

#[derive(Clone, Debug)]
pub struct Output {
    /// File name inside the output directory.
    pub file: String,
    pub text: String,
    pub role: Role,
    /// The input object it came from (`Deployment/web`, `TaskDefinition/web`).
    pub object: String,
}

/// Something k2e put in an output that no input field gave: a placeholder to fill in or a
/// default chosen for the platform.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Added {
    /// `OUTPUT#/pointer`.
    pub to: String,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ObjectReport {
    pub file: String,
    pub document: usize,
    /// Pointer of the object in its document ("" or "/items/3").
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pointer: String,
    /// `Kind/name` (`TaskDefinition/family` and `EcsService/name` for ECS input).
    pub object: String,
    /// Output files made from it (none for objects only used to resolve references).
    pub outputs: Vec<String>,
    pub counts: Counts,
    pub fields: Vec<Note>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<Added>,
    /// Why it could not be converted, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A whole run.
#[derive(Debug, Default)]
pub struct Conversion {
    pub outputs: Vec<Output>,
    pub objects: Vec<ObjectReport>,
    pub skipped: Vec<Skipped>,
    pub errors: Vec<InputError>,
    /// What a person must create or decide before the outputs can be applied.
    pub checklist: Vec<super::checklist::Item>,
    /// Outputs in which k2e lint found errors before writing: not written, or written with
    /// --force.
    pub refused: Vec<Refusal>,
    /// Outputs that could not be written or printed, with why (`Outcome::failures`).
    pub failures: Vec<String>,
}

/// An output k2e's own check (`RunOptions::check`) found errors in.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Refusal {
    pub file: String,
    /// The input object it came from.
    pub object: String,
    /// The error findings, `LINE:COLUMN RULE message`.
    pub findings: Vec<String>,
    /// Written anyway (--force).
    pub forced: bool,
}

impl Conversion {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for o in &self.objects {
            c.add(o.counts);
        }
        c
    }

    /// The errors of the run: inputs, objects that could not be converted, outputs refused
    /// (not forced) or not written.
    pub fn error_count(&self) -> usize {
        self.errors.len()
            + self.objects.iter().filter(|o| o.error.is_some()).count()
            + self.refused.iter().filter(|r| !r.forced).count()
            + self.failures.len()
    }

    /// 2: an error (`error_count`), or nothing converted; 1: something dropped, or an output
    /// with lint errors written with --force; else 0.
    pub fn exit_code(&self) -> i32 {
        if self.error_count() > 0 || self.outputs.is_empty() {
            2
        } else if self.counts().dropped > 0 || !self.refused.is_empty() {
            1
        } else {
            0
        }
    }
}
