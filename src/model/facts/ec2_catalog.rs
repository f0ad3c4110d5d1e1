//! The EC2 instance catalog (data/ec2-instance-types.json, written by scripts/gen-ec2-catalog
//! from PyPI moto's DescribeInstanceTypes data) that `k2e estimate` packs onto.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

const CATALOG: &str = include_str!("data/ec2-instance-types.json");

/// A processor architecture, as the catalog names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arch {
    X86_64,
    Arm64,
}

impl Arch {
    pub fn name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Arm64 => "arm64",
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Catalog {
    pub source: String,
    pub as_of: String,
    pub types: Vec<InstanceType>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct InstanceType {
    pub name: String,
    pub vcpus: u64,
    pub memory_mib: u64,
    pub arch: Arch,
    pub max_enis: u64,
    pub ipv4_per_eni: u64,
    pub gpus: u64,
    pub burstable: bool,
}

impl InstanceType {
    /// `m7g` for `m7g.large`.
    pub fn family(&self) -> &str {
        self.name.split_once('.').map_or(self.name.as_str(), |(f, _)| f)
    }
}

impl Catalog {
    pub fn get() -> &'static Catalog {
        static CAT: OnceLock<Catalog> = OnceLock::new();
        // Shipped in the binary and loaded by a test, so it cannot fail at run time.
        CAT.get_or_init(|| {
            serde_json::from_str(CATALOG).expect("src/model/facts/data/ec2-instance-types.json is valid")
        })
    }

    pub fn find(&self, name: &str) -> Option<&InstanceType> {
        self.types.iter().find(|t| t.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_with_the_types_k2e_prices() {
        let c = Catalog::get();
        assert!(c.types.len() > 500);
        let m6i = c.find("m6i.large").unwrap();
        assert_eq!(
            (m6i.vcpus, m6i.memory_mib, m6i.max_enis, m6i.ipv4_per_eni),
            (2, 8192, 3, 10)
        );
        assert_eq!(m6i.arch, Arch::X86_64);
        assert_eq!(c.find("m7g.large").unwrap().arch, Arch::Arm64);
        assert!(c.find("t4g.medium").unwrap().burstable);
        assert_eq!(c.find("g5.xlarge").unwrap().gpus, 1);
        assert_eq!(m6i.family(), "m6i");
    }

    /// Printed beside the price dates: a date (YYYY-MM-DD), not a package version.
    #[test]
    fn as_of_is_a_date() {
        let d = &Catalog::get().as_of;
        let parts: Vec<&str> = d.split('-').collect();
        assert!(
            parts.len() == 3
                && [4, 2, 2] == [parts[0].len(), parts[1].len(), parts[2].len()]
                && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())),
            "as_of {d:?}"
        );
    }
}
