//! `--pricing FILE`: on-demand prices from an AWS Price List bulk offer file (the "index.json"
//! or "index.csv" of https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/OFFER/current/REGION/),
//! laid over the shipped tables.
//!
//! AmazonEC2 gives instance prices (Linux, and Windows with the licence included; shared
//! tenancy, no pre-installed software, capacity status "Used"); AmazonECS or AmazonEKS give the
//! Fargate rates (usage types `...Fargate-vCPU-Hours:perCPU`, `...Fargate-GB-Hours`, the ARM,
//! Windows and ephemeral storage ones; Spot usage types are skipped). The region's EC2 file is
//! several GB: the JSON is streamed and only matching products are kept.

use super::catalog::Catalog;
use super::prices::{Origin, PriceBook, Rate, WindowsRate};
use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::io::BufReader;
use std::path::Path;

/// The product attributes k2e reads (JSON attribute names; pricing_csv maps its columns to them).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Attrs {
    #[serde(rename = "instanceType")]
    pub instance_type: Option<String>,
    #[serde(rename = "operatingSystem")]
    pub operating_system: Option<String>,
    pub tenancy: Option<String>,
    #[serde(rename = "preInstalledSw")]
    pub pre_installed_sw: Option<String>,
    pub capacitystatus: Option<String>,
    #[serde(rename = "licenseModel")]
    pub license_model: Option<String>,
    pub operation: Option<String>,
    pub usagetype: Option<String>,
    #[serde(rename = "regionCode")]
    pub region_code: Option<String>,
    pub location: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FargateItem {
    X86Vcpu,
    X86Gb,
    ArmVcpu,
    ArmGb,
    WindowsVcpu,
    WindowsGb,
    WindowsOs,
    Storage,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Ec2 { instance: String, windows: bool },
    Fargate(FargateItem),
}

#[derive(Clone, Debug)]
pub struct Product {
    pub item: Item,
    pub region: Option<String>,
}

/// (region code, Price List location name, usage type prefix) of the commercial regions.
const REGIONS: &[(&str, &str, &str)] = &[
    ("us-east-1", "US East (N. Virginia)", "USE1"),
    ("us-east-2", "US East (Ohio)", "USE2"),
    ("us-west-1", "US West (N. California)", "USW1"),
    ("us-west-2", "US West (Oregon)", "USW2"),
    ("ca-central-1", "Canada (Central)", "CAN1"),
    ("eu-west-1", "EU (Ireland)", "EU"),
    ("eu-west-2", "EU (London)", "EUW2"),
    ("eu-west-3", "EU (Paris)", "EUW3"),
    ("eu-central-1", "EU (Frankfurt)", "EUC1"),
    ("eu-north-1", "EU (Stockholm)", "EUN1"),
    ("eu-south-1", "EU (Milan)", "EUS1"),
    ("ap-northeast-1", "Asia Pacific (Tokyo)", "APN1"),
    ("ap-northeast-2", "Asia Pacific (Seoul)", "APN2"),
    ("ap-northeast-3", "Asia Pacific (Osaka)", "APN3"),
    ("ap-southeast-1", "Asia Pacific (Singapore)", "APS1"),
    ("ap-southeast-2", "Asia Pacific (Sydney)", "APS2"),
    ("ap-south-1", "Asia Pacific (Mumbai)", "APS3"),
    ("sa-east-1", "South America (Sao Paulo)", "SAE1"),
];

pub fn region_of(a: &Attrs) -> Option<String> {
    if let Some(code) = a.region_code.as_deref().filter(|c| !c.is_empty()) {
        return Some(code.to_owned());
    }
    if let Some(loc) = a.location.as_deref() {
        if let Some((code, ..)) = REGIONS.iter().find(|(_, name, _)| *name == loc) {
            return Some((*code).to_owned());
        }
    }
    let usage = a.usagetype.as_deref()?;
    let prefix = usage.split_once('-').map(|(p, _)| p)?;
    REGIONS
        .iter()
        .find(|(.., p)| *p == prefix)
        .map(|(code, ..)| (*code).to_owned())
}

/// What a product is to k2e, or None when it is something else (reserved hosts, SQL Server,
/// dedicated tenancy, data transfer, ...).
pub fn classify(family: Option<&str>, a: &Attrs) -> Option<Item> {
    if let Some(usage) = a.usagetype.as_deref() {
        if usage.contains("Fargate") && !usage.contains("Spot") {
            let rest = &usage[usage.find("Fargate")?..];
            let item = match rest {
                "Fargate-vCPU-Hours:perCPU" => FargateItem::X86Vcpu,
                "Fargate-GB-Hours" => FargateItem::X86Gb,
                "Fargate-ARM-vCPU-Hours:perCPU" => FargateItem::ArmVcpu,
                "Fargate-ARM-GB-Hours" => FargateItem::ArmGb,
                "Fargate-Windows-vCPU-Hours:perCPU" => FargateItem::WindowsVcpu,
                "Fargate-Windows-GB-Hours" => FargateItem::WindowsGb,
                "Fargate-Windows-OS-Hours:perCPU" => FargateItem::WindowsOs,
                "Fargate-EphemeralStorage-GB-Hours" => FargateItem::Storage,
                _ => return None,
            };
            return Some(Item::Fargate(item));
        }
    }
    if family != Some("Compute Instance") {
        return None;
    }
    let is = |v: &Option<String>, want: &str| v.as_deref() == Some(want);
    let unset_or = |v: &Option<String>, want: &str| v.as_deref().is_none_or(|s| s == want);
    if !is(&a.tenancy, "Shared") || !unset_or(&a.pre_installed_sw, "NA") || !unset_or(&a.capacitystatus, "Used") {
        return None;
    }
    let windows = match a.operating_system.as_deref() {
        Some("Linux") if unset_or(&a.operation, "RunInstances") => false,
        Some("Windows")
            if unset_or(&a.operation, "RunInstances:0002")
                && a.license_model.as_deref() != Some("Bring your own license") =>
        {
            true
        }
        _ => return None,
    };
    Some(Item::Ec2 {
        instance: a.instance_type.clone()?,
        windows,
    })
}

/// An offer file reduced to what k2e uses.
#[derive(Debug, Default)]
pub struct Offer {
    pub offer_code: Option<String>,
    pub publication_date: Option<String>,
    pub version: Option<String>,
    pub products: HashMap<String, Product>,
    /// SKU -> USD per unit (on-demand).
    pub prices: HashMap<String, f64>,
}

/// Reads an offer file (JSON or CSV, by content) and lays its prices for the book's region over
/// the book.
pub fn apply(book: &mut PriceBook, path: &Path) -> Result<(), String> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| format!("--pricing {shown}: cannot read: {e}"))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let first = {
        use std::io::BufRead;
        let buf = reader
            .fill_buf()
            .map_err(|e| format!("--pricing {shown}: cannot read: {e}"))?;
        buf.iter()
            .copied()
            .find(|b| !(b.is_ascii_whitespace() || *b == 0xEF || *b == 0xBB || *b == 0xBF))
    };
    let offer = match first {
        Some(b'{') => read_json(reader).map_err(|e| format!("--pricing {shown}: {e}"))?,
        Some(b'"') | Some(b'F') => super::pricing_csv::read(reader).map_err(|e| format!("--pricing {shown}: {e}"))?,
        Some(_) => {
            return Err(format!(
                "--pricing {shown}: not an AWS Price List offer file (expected the JSON or CSV of \
                 https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/OFFER/current/REGION/index.json)"
            ));
        }
        None => return Err(format!("--pricing {shown}: the file is empty")),
    };
    merge(book, &offer, &shown)
}

fn read_json<R: std::io::Read>(reader: R) -> Result<Offer, String> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let offer = de
        .deserialize_map(TopVisitor)
        .map_err(|e| format!("malformed offer file: {e}"))?;
    de.end().map_err(|e| format!("malformed offer file: {e}"))?;
    Ok(offer)
}

/// Folds an offer into the book, after checking it is for the book's region.
pub fn merge(book: &mut PriceBook, offer: &Offer, shown: &str) -> Result<(), String> {
    let code = offer.offer_code.clone().unwrap_or_else(|| "?".to_owned());
    if offer.products.is_empty() {
        return Err(format!(
            "no EC2 instance or Fargate on-demand products in this offer file (offer code {code}); k2e reads the \
             AmazonEC2, AmazonECS and AmazonEKS offers"
        ))
        .map_err(|e| format!("--pricing {shown}: {e}"));
    }
    let regions: BTreeSet<String> = offer.products.values().filter_map(|p| p.region.clone()).collect();
    let region = book.region.clone();
    let mine = |p: &Product| p.region.as_deref().is_none_or(|r| r == region);
    if !offer.products.values().any(mine) {
        let found: Vec<String> = regions.into_iter().collect();
        return Err(format!(
            "--pricing {shown}: this offer file has prices for {}, not {region}: pass --region {} or the {region} offer file",
            found.join(", "),
            found.first().map_or("REGION", String::as_str)
        ));
    }
    let catalog = Catalog::get();
    let mut linux = 0;
    let mut windows = 0;
    let mut replaced = 0;
    let mut unknown = BTreeSet::new();
    let mut fargate: BTreeMap<FargateItem, f64> = BTreeMap::new();
    let mut unpriced = 0;
    for (sku, p) in &offer.products {
        if !mine(p) {
            continue;
        }
        let Some(&price) = offer.prices.get(sku) else {
            unpriced += 1;
            continue;
        };
        match &p.item {
            Item::Ec2 { instance, windows: w } => {
                if catalog.find(instance).is_none() {
                    unknown.insert(instance.clone());
                    continue;
                }
                let table = if *w { &mut book.ec2_windows } else { &mut book.ec2_linux };
                if table.insert(instance.clone(), price).is_some() {
                    replaced += 1;
                }
                if *w {
                    windows += 1;
                } else {
                    linux += 1;
                }
            }
            Item::Fargate(item) => {
                fargate.insert(*item, price);
            }
        }
    }
    let date = offer
        .publication_date
        .as_deref()
        .map_or_else(|| "unknown date".to_owned(), |d| d.get(..10).unwrap_or(d).to_owned());
    let source = format!(
        "{shown} (AWS Price List offer {code}{})",
        offer
            .version
            .as_deref()
            .map_or_else(String::new, |v| format!(", version {v}"))
    );
    if linux + windows == 0 && fargate.is_empty() {
        return Err(format!(
            "--pricing {shown}: no on-demand USD prices for {region} ({unpriced} products without one); is the \
             file cut short?"
        ));
    }
    if linux + windows > 0 {
        book.origins.push(Origin {
            what: format!(
                "EC2 on-demand, {region}, from the offer file ({linux} Linux, {windows} Windows types; {replaced} \
                 built-in prices replaced)"
            ),
            source: source.clone(),
            as_of: date.clone(),
        });
    }
    if !unknown.is_empty() {
        let shown_types: Vec<&str> = unknown.iter().take(5).map(String::as_str).collect();
        book.notes.push(format!(
            "{shown}: {} instance type{} not in k2e's catalog ({}), so not used: {}{} (the catalog leaves out bare \
             metal, Mac, previous-generation and accelerator types; scripts/gen-ec2-catalog regenerates it)",
            unknown.len(),
            if unknown.len() == 1 { " is" } else { "s are" },
            catalog.as_of,
            shown_types.join(", "),
            if unknown.len() > 5 { ", ..." } else { "" }
        ));
    }
    if !fargate.is_empty() {
        let mut rates = book.fargate.unwrap_or_default();
        let had = book.fargate.is_some();
        let get = |i: FargateItem, old: f64| fargate.get(&i).copied().unwrap_or(old);
        rates.x86 = Rate {
            vcpu_hour: get(FargateItem::X86Vcpu, rates.x86.vcpu_hour),
            gb_hour: get(FargateItem::X86Gb, rates.x86.gb_hour),
        };
        rates.arm = Rate {
            vcpu_hour: get(FargateItem::ArmVcpu, rates.arm.vcpu_hour),
            gb_hour: get(FargateItem::ArmGb, rates.arm.gb_hour),
        };
        rates.ephemeral_storage_gb_hour = get(FargateItem::Storage, rates.ephemeral_storage_gb_hour);
        let old = rates.windows.unwrap_or_default();
        let win = WindowsRate {
            vcpu_hour: get(FargateItem::WindowsVcpu, old.vcpu_hour),
            gb_hour: get(FargateItem::WindowsGb, old.gb_hour),
            os_vcpu_hour: get(FargateItem::WindowsOs, old.os_vcpu_hour),
        };
        rates.windows = (win.vcpu_hour > 0.0 && win.gb_hour > 0.0).then_some(win);
        let missing: Vec<&str> = [
            (rates.x86.vcpu_hour, "x86 vCPU-hours"),
            (rates.x86.gb_hour, "x86 GB-hours"),
            (rates.arm.vcpu_hour, "ARM vCPU-hours"),
            (rates.arm.gb_hour, "ARM GB-hours"),
        ]
        .iter()
        .filter(|(v, _)| *v <= 0.0)
        .map(|(_, n)| *n)
        .collect();
        if !had && !missing.is_empty() {
            return Err(format!(
                "--pricing {shown}: Fargate prices for {region} lack {}; pass the AmazonECS offer file of {region}",
                missing.join(", ")
            ));
        }
        book.fargate = Some(rates);
        book.origins.push(Origin {
            what: format!(
                "Fargate on-demand, {region}, from the offer file ({} rates)",
                fargate.len()
            ),
            source,
            as_of: date,
        });
    }
    Ok(())
}

// --- JSON streaming: only matching products, and only their on-demand terms, are kept. ---

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Offer;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an AWS Price List offer (an object with offerCode, products and terms)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Offer, A::Error> {
        let mut offer = Offer::default();
        let mut saw_products = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "offerCode" => offer.offer_code = map.next_value()?,
                "publicationDate" => offer.publication_date = map.next_value()?,
                "version" => offer.version = map.next_value()?,
                "products" => {
                    offer.products = map.next_value_seed(ProductsSeed)?;
                    saw_products = true;
                }
                "terms" => offer.prices = map.next_value_seed(TermsSeed(&offer.products))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !saw_products {
            return Err(serde::de::Error::custom(
                "no \"products\": not an AWS Price List offer file (expected offerCode, products and terms)",
            ));
        }
        Ok(offer)
    }
}

#[derive(Deserialize)]
struct RawProduct {
    #[serde(rename = "productFamily")]
    product_family: Option<String>,
    #[serde(default)]
    attributes: Attrs,
}

struct ProductsSeed;

impl<'de> DeserializeSeed<'de> for ProductsSeed {
    type Value = HashMap<String, Product>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ProductsSeed {
    type Value = HashMap<String, Product>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("\"products\": an object of SKU -> product")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = HashMap::new();
        while let Some((sku, p)) = map.next_entry::<String, RawProduct>()? {
            if let Some(item) = classify(p.product_family.as_deref(), &p.attributes) {
                out.insert(
                    sku,
                    Product {
                        item,
                        region: region_of(&p.attributes),
                    },
                );
            }
        }
        Ok(out)
    }
}

struct TermsSeed<'a>(&'a HashMap<String, Product>);

impl<'de> DeserializeSeed<'de> for TermsSeed<'_> {
    type Value = HashMap<String, f64>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TermsSeed<'_> {
    type Value = HashMap<String, f64>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("\"terms\": an object with OnDemand")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = HashMap::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "OnDemand" {
                out = map.next_value_seed(OnDemandSeed(self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(out)
    }
}

struct OnDemandSeed<'a>(&'a HashMap<String, Product>);

#[derive(Deserialize)]
struct Term {
    #[serde(rename = "priceDimensions", default)]
    dimensions: BTreeMap<String, Dimension>,
}

#[derive(Deserialize)]
struct Dimension {
    #[serde(rename = "pricePerUnit", default)]
    price: BTreeMap<String, String>,
    #[serde(rename = "beginRange")]
    begin: Option<String>,
}

impl<'de> DeserializeSeed<'de> for OnDemandSeed<'_> {
    type Value = HashMap<String, f64>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for OnDemandSeed<'_> {
    type Value = HashMap<String, f64>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("\"OnDemand\": an object of SKU -> terms")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = HashMap::new();
        while let Some(sku) = map.next_key::<String>()? {
            if !self.0.contains_key(&sku) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let terms: BTreeMap<String, Term> = map.next_value()?;
            let price = terms
                .values()
                .flat_map(|t| t.dimensions.values())
                .filter(|d| d.begin.as_deref().is_none_or(|b| b == "0"))
                .find_map(|d| d.price.get("USD").and_then(|p| p.parse::<f64>().ok()));
            if let Some(price) = price {
                out.insert(sku, price);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ec2(os: &str, operation: &str) -> Attrs {
        Attrs {
            instance_type: Some("m6i.large".into()),
            operating_system: Some(os.into()),
            tenancy: Some("Shared".into()),
            pre_installed_sw: Some("NA".into()),
            capacitystatus: Some("Used".into()),
            license_model: Some("No License required".into()),
            operation: Some(operation.into()),
            usagetype: Some("BoxUsage:m6i.large".into()),
            region_code: None,
            location: Some("US East (N. Virginia)".into()),
        }
    }

    #[test]
    fn products_k2e_reads() {
        let linux = classify(Some("Compute Instance"), &ec2("Linux", "RunInstances"));
        assert_eq!(
            linux,
            Some(Item::Ec2 {
                instance: "m6i.large".into(),
                windows: false
            })
        );
        assert!(matches!(
            classify(Some("Compute Instance"), &ec2("Windows", "RunInstances:0002")),
            Some(Item::Ec2 { windows: true, .. })
        ));
        // SQL Server, dedicated hosts, reservations: not on-demand shared Linux/Windows.
        assert_eq!(
            classify(Some("Compute Instance"), &ec2("Linux", "RunInstances:0004")),
            None
        );
        let mut dedicated = ec2("Linux", "RunInstances");
        dedicated.tenancy = Some("Dedicated".into());
        assert_eq!(classify(Some("Compute Instance"), &dedicated), None);
        assert_eq!(region_of(&ec2("Linux", "RunInstances")).as_deref(), Some("us-east-1"));
        let fargate = Attrs {
            usagetype: Some("USE2-Fargate-ARM-GB-Hours".into()),
            ..Attrs::default()
        };
        assert_eq!(
            classify(Some("Compute"), &fargate),
            Some(Item::Fargate(FargateItem::ArmGb))
        );
        assert_eq!(region_of(&fargate).as_deref(), Some("us-east-2"));
        let spot = Attrs {
            usagetype: Some("USE1-SpotUsage:Fargate-vCPU-Hours:perCPU".into()),
            ..Attrs::default()
        };
        assert_eq!(classify(Some("Compute"), &spot), None);
    }
}
