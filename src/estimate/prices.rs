//! The prices an estimate uses: the dated tables shipped in `model::facts`, overlaid by any
//! `--pricing` offer files, with where each price came from.

use crate::model::facts::ec2_prices::Ec2Prices;
use crate::model::facts::rates::{FargateRates, FargateTable};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a set of prices came from, printed wherever they are used.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Origin {
    pub what: String,
    pub source: String,
    pub as_of: String,
}

#[derive(Clone, Debug, Default)]
pub struct PriceBook {
    pub region: String,
    /// Linux on-demand USD per hour by instance type.
    pub ec2_linux: BTreeMap<String, f64>,
    /// Windows (licence included) on-demand USD per hour; only offer files provide these.
    pub ec2_windows: BTreeMap<String, f64>,
    pub fargate: Option<FargateRates>,
    pub origins: Vec<Origin>,
    /// Things worth saying about the price files (types k2e does not know, ...).
    pub notes: Vec<String>,
}

/// Regions the shipped tables cover.
pub fn builtin_regions() -> Vec<String> {
    Ec2Prices::get().regions.keys().cloned().collect()
}

impl PriceBook {
    /// The shipped prices for a region (empty when k2e has none for it).
    pub fn builtin(region: &str) -> PriceBook {
        let mut book = PriceBook {
            region: region.to_owned(),
            ..PriceBook::default()
        };
        let ec2 = Ec2Prices::get();
        if let Some(families) = ec2.regions.get(region) {
            for (family, sizes) in families {
                for (size, price) in sizes {
                    book.ec2_linux.insert(format!("{family}.{size}"), *price);
                }
            }
            book.origins.push(Origin {
                what: format!("EC2 on-demand, Linux, {region} ({} types)", book.ec2_linux.len()),
                source: ec2.source.clone(),
                as_of: ec2.as_of.clone(),
            });
        }
        let fargate = FargateTable::get();
        if let Some(rates) = fargate.regions.get(region) {
            book.fargate = Some(*rates);
            book.origins.push(Origin {
                what: format!("Fargate on-demand, {region}"),
                source: fargate.source.clone(),
                as_of: fargate.as_of.clone(),
            });
        }
        book
    }

    /// The hourly price of a type for an OS, if known.
    pub fn ec2(&self, name: &str, windows: bool) -> Option<f64> {
        if windows {
            self.ec2_windows.get(name).copied()
        } else {
            self.ec2_linux.get(name).copied()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::catalog::Catalog;
    use crate::model::facts::rates::Rate;

    #[test]
    fn tables_load_and_match_the_facts() {
        let book = PriceBook::builtin("us-east-1");
        // ../shared/reference/aws-facts.md section 3.
        for (name, price) in [
            ("m6i.large", 0.096),
            ("m6i.xlarge", 0.192),
            ("m6i.2xlarge", 0.384),
            ("m7g.large", 0.0816),
            ("m7g.xlarge", 0.1632),
            ("c6i.large", 0.085),
            ("c6i.xlarge", 0.17),
            ("c7g.large", 0.0725),
            ("c7g.xlarge", 0.145),
            ("r6i.large", 0.126),
            ("r6i.xlarge", 0.252),
            ("t3.medium", 0.0416),
            ("t3.large", 0.0832),
            ("t3.xlarge", 0.1664),
            ("m7i.large", 0.1008),
            ("c7i.large", 0.08925),
            ("r7g.large", 0.1071),
            ("m6g.large", 0.077),
            ("t4g.medium", 0.0336),
        ] {
            assert_eq!(book.ec2(name, false), Some(price), "{name}");
        }
        let f = book.fargate.unwrap();
        assert_eq!(
            f.x86,
            Rate {
                vcpu_hour: 0.04048,
                gb_hour: 0.004445
            }
        );
        assert_eq!(
            f.arm,
            Rate {
                vcpu_hour: 0.03238,
                gb_hour: 0.00356
            }
        );
        assert_eq!(f.ephemeral_storage_gb_hour, 0.000111);
        assert_eq!(book.origins.len(), 2);
        assert!(PriceBook::builtin("eu-west-1").ec2_linux.is_empty());
    }

    #[test]
    fn every_priced_type_is_in_the_catalog() {
        let catalog = Catalog::get();
        let book = PriceBook::builtin("us-east-1");
        let missing: Vec<_> = book.ec2_linux.keys().filter(|n| catalog.find(n).is_none()).collect();
        assert!(missing.is_empty(), "priced but not in the catalog: {missing:?}");
    }
}
