//! k2e: lint, convert and estimate Kubernetes manifests and Amazon ECS task definitions.

pub mod parse;
