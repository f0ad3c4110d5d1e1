//! The EC2 instance catalog an estimate packs onto: the facts of `model::facts::ec2_catalog`.

pub use crate::model::facts::ec2_catalog::{Catalog, InstanceType};
