//! The Fargate on-demand rates per region (data/fargate-rates.yaml): what `k2e estimate` prices
//! tasks and pods with, and the us-east-1 x86 rates the FG110/FG111 messages quote.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

const FARGATE_RATES: &str = include_str!("data/fargate-rates.yaml");

#[derive(Debug, Deserialize)]
pub struct FargateTable {
    pub source: String,
    pub as_of: String,
    pub regions: BTreeMap<String, FargateRates>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize, Serialize)]
pub struct Rate {
    pub vcpu_hour: f64,
    pub gb_hour: f64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize, Serialize)]
pub struct WindowsRate {
    pub vcpu_hour: f64,
    pub gb_hour: f64,
    /// The Windows Server licence, per vCPU-hour, on top of the compute rate.
    pub os_vcpu_hour: f64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize, Serialize)]
pub struct FargateRates {
    pub x86: Rate,
    pub arm: Rate,
    #[serde(default)]
    pub windows: Option<WindowsRate>,
    /// Per GB-hour above the 20 GB every task gets.
    pub ephemeral_storage_gb_hour: f64,
}

impl FargateTable {
    pub fn get() -> &'static FargateTable {
        static T: OnceLock<FargateTable> = OnceLock::new();
        // Shipped in the binary and loaded by a test, so it cannot fail at run time.
        T.get_or_init(|| super::read_yaml(FARGATE_RATES).expect("src/model/facts/data/fargate-rates.yaml is valid"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn us_east_1_has_x86_arm_and_windows_rates() {
        let table = FargateTable::get();
        assert!(!table.source.is_empty() && !table.as_of.is_empty());
        let rates = table.regions["us-east-1"];
        assert!(rates.x86.vcpu_hour > 0.0 && rates.arm.gb_hour > 0.0);
        assert!(rates.windows.is_some_and(|w| w.os_vcpu_hour > 0.0));
    }
}
