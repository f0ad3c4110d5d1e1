//! The Pod Security Standards: one rule per control of the `baseline` and `restricted` levels.

mod policy;

pub use policy::{Level, Policy, Version};
