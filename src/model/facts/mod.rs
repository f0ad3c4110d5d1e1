//! The dated facts about AWS that k2e ships in the binary (data/): the Fargate task sizes and
//! rates, the EC2 instance catalog and EC2 prices, each read by one function here, and the EKS
//! Fargate pod sizing computed from them. Rules, convert and estimate all take them from here.

pub mod ec2_catalog;
pub mod ec2_prices;
pub mod eks_fargate;
pub mod eks_system;
pub mod fargate_sizes;
mod loader;
pub mod rates;

pub use fargate_sizes::{Size, SizeTable};
pub use loader::read_yaml;
