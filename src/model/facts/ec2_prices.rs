//! EC2 on-demand prices, Linux, shared tenancy (data/ec2-prices.yaml): the prices `k2e estimate`
//! uses when no `--pricing` offer file gives them.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const EC2_PRICES: &str = include_str!("data/ec2-prices.yaml");

#[derive(Debug, Deserialize)]
pub struct Ec2Prices {
    pub source: String,
    pub as_of: String,
    /// region -> family -> size -> USD per hour.
    pub regions: BTreeMap<String, BTreeMap<String, BTreeMap<String, f64>>>,
}

impl Ec2Prices {
    pub fn get() -> &'static Ec2Prices {
        static T: OnceLock<Ec2Prices> = OnceLock::new();
        // Shipped in the binary and loaded by a test, so it cannot fail at run time.
        T.get_or_init(|| super::read_yaml(EC2_PRICES).expect("src/model/facts/data/ec2-prices.yaml is valid"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn us_east_1_prices_m6i_large() {
        let table = Ec2Prices::get();
        assert!(!table.source.is_empty() && !table.as_of.is_empty());
        assert_eq!(table.regions["us-east-1"]["m6i"]["large"], 0.096);
    }
}
