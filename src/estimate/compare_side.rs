//! BASE.json for `k2e estimate --compare`: the parts of a JSON estimate a comparison reads,
//! and the checks that make anything else a clear error. The head is read through the same
//! `Side` (by way of its JSON), so both sides are compared only as the JSON states them.

use super::prices::Origin;
use super::report::{self, Report};
use serde::Deserialize;
use std::path::Path;

/// The parts of a JSON estimate a comparison reads.
#[derive(Debug, Deserialize)]
pub struct Side {
    pub region: String,
    pub hours_per_month: f64,
    pub spot_discount_percent: Option<f64>,
    pub duty_cycle: f64,
    pub prices: Vec<Origin>,
    pub assumptions: Vec<String>,
    pub workloads: Vec<SideWorkload>,
    pub scenarios: Vec<SideScenario>,
    pub cheapest: String,
}

#[derive(Debug, Deserialize)]
pub struct SideWorkload {
    pub name: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub file: String,
    pub replicas: u32,
    pub schedule: String,
    pub per_replica: PerReplica,
    pub architectures: Vec<String>,
    pub os: String,
    pub one_per_node: Option<String>,
    pub fargate: SideFargate,
    pub ec2_monthly: Option<f64>,
}

#[derive(Debug, Deserialize, PartialEq)]
pub struct PerReplica {
    pub vcpu: f64,
    pub memory_mib: u64,
    pub gpus: u64,
    pub slots: u64,
    pub ephemeral_storage_gib: f64,
}

#[derive(Debug, Deserialize, PartialEq)]
pub struct SideFargate {
    pub runnable: bool,
    pub size: Option<Size>,
    pub monthly: Option<f64>,
}

#[derive(Debug, Deserialize, PartialEq)]
pub struct Size {
    pub vcpu: f64,
    pub memory_gb: f64,
}

#[derive(Debug, Deserialize)]
pub struct SideScenario {
    pub key: String,
    pub title: String,
    pub monthly: f64,
    pub ec2_monthly: f64,
    pub fargate_monthly: f64,
    pub unplaced_workloads: Vec<String>,
}

/// A base estimate, read and checked.
#[derive(Debug)]
pub struct Base {
    pub file: String,
    pub side: Side,
}

/// Reads BASE.json. Anything but a JSON estimate of this format is an error naming the file.
pub fn load(path: &Path, limit: u64) -> Result<Base, String> {
    let file = path.display().to_string();
    let text = crate::input::read_text(path, limit).map_err(|e| format!("--compare {file}: {e}"))?;
    parse(&file, &text)
}

/// BASE.json's text, checked as `load` checks it.
pub fn parse(file: &str, text: &str) -> Result<Base, String> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| format!("{file}:{}:{}: not JSON: {}", e.line(), e.column(), message(&e)))?;
    let made_by = "make it with `k2e estimate --format json` on the base branch";
    let version = match value.get("k2e_estimate") {
        Some(v) => v,
        None if value.get("k2e_estimate_compare").is_some() => {
            return Err(format!(
                "{file}: a comparison (k2e estimate --compare), not an estimate: {made_by}"
            ));
        }
        None => {
            return Err(format!(
                "{file}: not a k2e estimate (no \"k2e_estimate\" format field): {made_by}"
            ));
        }
    };
    if version.as_u64() != Some(u64::from(report::VERSION)) {
        return Err(format!(
            "{file}: k2e estimate format {version}, but this k2e reads format {}: {made_by} with this version of k2e",
            report::VERSION
        ));
    }
    let side: Side = serde_json::from_str(text).map_err(|e| {
        format!(
            "{file}:{}:{}: not a k2e estimate of format {}: {}",
            e.line(),
            e.column(),
            report::VERSION,
            message(&e)
        )
    })?;
    check_amounts(file, &side)?;
    Ok(Base {
        file: file.to_owned(),
        side,
    })
}

/// Far above any estimate k2e makes (100,000 replicas on the dearest type), far below where
/// cents stop being exact in an f64.
const MAX_MONTHLY: f64 = 1e11;

/// Every monthly figure a comparison subtracts must be one k2e could have written: an edited
/// BASE.json with `-5` or `1e300` would otherwise print nonsense deltas.
fn check_amounts(file: &str, side: &Side) -> Result<(), String> {
    let mut amounts: Vec<(String, Option<f64>)> = Vec::new();
    for s in &side.scenarios {
        amounts.push((format!("scenario {} monthly", s.key), Some(s.monthly)));
        amounts.push((format!("scenario {} ec2_monthly", s.key), Some(s.ec2_monthly)));
        amounts.push((format!("scenario {} fargate_monthly", s.key), Some(s.fargate_monthly)));
    }
    for w in &side.workloads {
        amounts.push((format!("{} fargate.monthly", w.name), w.fargate.monthly));
        amounts.push((format!("{} ec2_monthly", w.name), w.ec2_monthly));
    }
    match amounts
        .iter()
        .find_map(|(what, v)| v.filter(|v| !(0.0..=MAX_MONTHLY).contains(v)).map(|v| (what, v)))
    {
        Some((what, v)) => Err(format!(
            "{file}: {what} is {}: not a monthly cost k2e writes (0 to 1e11 USD); make BASE.json with \
             `k2e estimate --format json`",
            // 1e300, not three hundred digits.
            if v.abs() < MAX_MONTHLY {
                v.to_string()
            } else {
                format!("{v:e}")
            }
        )),
        None => Ok(()),
    }
}

/// serde_json's message without the " at line L column C" the prefix already gives.
fn message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(at) => s[..at].to_owned(),
        None => s,
    }
}

/// This run's report as a comparison reads it.
pub fn head(report: &Report) -> Result<Side, String> {
    let json = serde_json::to_string(report).map_err(|e| e.to_string())?;
    serde_json::from_str(&json).map_err(|e| e.to_string())
}
