//! The one place that knows what a Kubernetes workload, an ECS task definition and their values
//! are: typed views over the
//! span tree (every accessor keeps where it read its value), used by rules, convert and estimate;
//! and the dated AWS facts they all size and price by (`facts`).
//! It may use `parse` and `detect`, nothing above them.

pub mod ecs;
pub mod facts;
pub mod k8s;
pub mod placeholder;
pub mod quantity;

pub use quantity::{Quantity, QuantityError};

use crate::parse::Node;

/// A value read from the tree, with where it was.
#[derive(Clone, Debug)]
pub struct Located<'a> {
    pub node: &'a Node,
    pub pointer: String,
}
