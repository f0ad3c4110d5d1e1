//! The one place that knows what a Kubernetes workload, an ECS task definition and their values
//! are: typed views over the
//! span tree (every accessor keeps where it read its value), used by rules, convert and estimate.
//! It may use `parse` and `detect`, nothing above them.

pub mod ecs;
pub mod k8s;
pub mod quantity;

pub use quantity::{Quantity, QuantityError};
