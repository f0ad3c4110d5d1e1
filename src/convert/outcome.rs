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
}

impl Conversion {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for o in &self.objects {
            c.add(o.counts);
        }
        c
    }

    /// 2: input or conversion errors, or nothing converted; 1: something dropped; else 0.
    pub fn exit_code(&self) -> i32 {
        let failed = self.objects.iter().any(|o| o.error.is_some());
        if !self.errors.is_empty() || failed || self.outputs.is_empty() {
            2
        } else if self.counts().dropped > 0 {
            1
        } else {
            0
        }
    }
}
