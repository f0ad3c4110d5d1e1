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
use super::prices::{Origin, PriceBook};
use crate::model::facts::rates::{Rate, WindowsRate};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
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
    #[serde(rename = "locationType")]
    pub location_type: Option<String>,
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

/// Where a product's price applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    Region(String),
    /// A Local Zone, Wavelength Zone or Outpost: not the region's price, whatever its region code.
    Elsewhere,
    /// Nothing in the product says where: it must not be taken for the requested region's price.
    Unknown,
}

#[derive(Clone, Debug)]
pub struct Product {
    pub item: Item,
    pub place: Place,
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

pub fn place_of(a: &Attrs) -> Place {
    let set = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    if set(&a.location_type).is_some_and(|t| t != "AWS Region") {
        return Place::Elsewhere;
    }
    if let Some(code) = set(&a.region_code) {
        return Place::Region(code);
    }
    if let Some(loc) = set(&a.location) {
        // The Price List says "EU (Ireland)"; the console's "Europe (Ireland)" turns up in edited files.
        let loc = loc
            .strip_prefix("Europe (")
            .map_or(loc.clone(), |rest| format!("EU ({rest}"));
        // An unknown location is not guessed from the usage type: a Local Zone's usage type
        // ("USE1-BOS1-BoxUsage:...") starts with its parent region's prefix.
        return REGIONS
            .iter()
            .find(|(_, name, _)| *name == loc)
            .map_or(Place::Unknown, |(code, ..)| Place::Region((*code).to_owned()));
    }
    let prefix = a.usagetype.as_deref().and_then(|u| u.split_once('-')).map(|(p, _)| p);
    REGIONS
        .iter()
        .find(|(.., p)| Some(*p) == prefix)
        .map_or(Place::Unknown, |(code, ..)| Place::Region((*code).to_owned()))
}

/// A USD price from an offer file: a finite number, 0 or more ("NaN", "inf" and "-5" parse as f64
/// but would price whole fleets at $0 or below).
pub fn parse_price(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(p) if p.is_finite() && p >= 0.0 => Ok(p.max(0.0)),
        _ => Err(format!(
            "the price {text:?} is not a number of dollars (0 or more); the file is damaged or was edited: download \
             it again from https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/OFFER/current/REGION/"
        )),
    }
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
    // An attribute that is absent (an older file, a CSV without the column) cannot rule a product
    // out; one that is present must have the on-demand, shared, plain-OS value. Products that
    // slip through this way are reconciled in `merge`.
    let is = |v: &Option<String>, want: &str| v.as_deref() == Some(want);
    let unset_or = |v: &Option<String>, want: &[&str]| {
        v.as_deref()
            .is_none_or(|s| want.iter().any(|w| s.eq_ignore_ascii_case(w)))
    };
    if !is(&a.tenancy, "Shared")
        || !unset_or(&a.pre_installed_sw, &["NA"])
        || !unset_or(&a.capacitystatus, &["Used"])
        || !unset_or(&a.license_model, &["No License required", "License Included"])
    {
        return None;
    }
    let windows = match a.operating_system.as_deref() {
        Some("Linux") if unset_or(&a.operation, &["RunInstances"]) => false,
        Some("Windows") if unset_or(&a.operation, &["RunInstances:0002"]) => true,
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

const PRICING_INPUT: crate::input::Options = crate::input::Options {
    limit: u64::MAX - 1,
    allow_special_files: false,
};

/// Reads an offer file (JSON or CSV, by content) and lays its prices for the book's region over
/// the book.
pub fn apply(book: &mut PriceBook, path: &Path) -> Result<(), String> {
    let shown = path.display().to_string();
    // Offer files run to gigabytes, so no size limit; but a device or a FIFO without a writer is
    // refused as for any input, instead of reading forever or blocking.
    let open = || crate::input::open(path, &PRICING_INPUT);
    let file = open().map_err(|e| format!("--pricing {shown}: {e}"))?;
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
        Some(b'{') => {
            let reopen = || {
                open()
                    .map(|f| BufReader::with_capacity(1 << 20, f))
                    .map_err(|e| std::io::Error::other(e.to_string()))
            };
            super::pricing_json::read(reader, reopen).map_err(|e| format!("--pricing {shown}: {e}"))?
        }
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

/// How the prices of one instance type (or Fargate rate) came out of the offer file.
#[derive(Debug, PartialEq)]
enum Choice {
    /// Only $0 rows (capacity reservations and the like): the file does not price it.
    Free,
    One(f64),
    /// Different prices remained after filtering; the lowest is taken, as the extras that slip
    /// through (licences, software, reservations) only ever add to the plain on-demand price.
    Several(Vec<(f64, String)>),
}

/// `prices` is (price, SKU); any order.
fn choose(mut prices: Vec<(f64, &str)>) -> Choice {
    prices.retain(|(p, _)| *p > 0.0);
    prices.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    prices.dedup_by(|later, first| later.0 == first.0);
    match prices.as_slice() {
        [] => Choice::Free,
        [(p, _)] => Choice::One(*p),
        _ => Choice::Several(prices.into_iter().map(|(p, s)| (p, s.to_owned())).collect()),
    }
}

impl Choice {
    fn price(&self) -> Option<f64> {
        match self {
            Choice::Free => None,
            Choice::One(p) => Some(*p),
            Choice::Several(all) => all.first().map(|(p, _)| *p),
        }
    }
}

fn fargate_label(item: FargateItem) -> &'static str {
    match item {
        FargateItem::X86Vcpu => "Fargate x86 vCPU-hours",
        FargateItem::X86Gb => "Fargate x86 GB-hours",
        FargateItem::ArmVcpu => "Fargate ARM vCPU-hours",
        FargateItem::ArmGb => "Fargate ARM GB-hours",
        FargateItem::WindowsVcpu => "Fargate Windows vCPU-hours",
        FargateItem::WindowsGb => "Fargate Windows GB-hours",
        FargateItem::WindowsOs => "Fargate Windows OS licence vCPU-hours",
        FargateItem::Storage => "Fargate ephemeral storage GB-hours",
    }
}

/// Up to five of a list, then "; ...".
fn some_of(items: &[String]) -> String {
    let mut out = items.iter().take(5).cloned().collect::<Vec<_>>().join("; ");
    if items.len() > 5 {
        out.push_str("; ...");
    }
    out
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
    let region = book.region.clone();
    let mut products: Vec<(&String, &Product)> = offer.products.iter().collect();
    products.sort_by(|a, b| a.0.cmp(b.0));
    let regions: BTreeSet<&str> = products
        .iter()
        .filter_map(|(_, p)| match &p.place {
            Place::Region(r) => Some(r.as_str()),
            _ => None,
        })
        .collect();
    let unplaced = products.iter().filter(|(_, p)| p.place == Place::Unknown).count();
    products.retain(|(_, p)| matches!(&p.place, Place::Region(r) if *r == region));
    if products.is_empty() {
        if regions.is_empty() {
            return Err(format!(
                "--pricing {shown}: k2e cannot tell which region this offer file's prices are for: its products \
                 have no regionCode or location attribute (CSV: \"Region Code\" or \"Location\" column) naming an \
                 AWS region; pass the {region} offer file as AWS publishes it \
                 (https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/OFFER/current/{region}/index.json)"
            ));
        }
        let found: Vec<&str> = regions.into_iter().collect();
        return Err(format!(
            "--pricing {shown}: this offer file has prices for {}, not {region}: pass --region {} or the {region} offer file",
            found.join(", "),
            found.first().copied().unwrap_or("REGION")
        ));
    }
    let mut ec2: BTreeMap<(&str, bool), Vec<(f64, &str)>> = BTreeMap::new();
    let mut fargate_rows: BTreeMap<FargateItem, Vec<(f64, &str)>> = BTreeMap::new();
    let mut unpriced = 0;
    for (sku, p) in &products {
        let Some(&price) = offer.prices.get(*sku) else {
            unpriced += 1;
            continue;
        };
        match &p.item {
            Item::Ec2 { instance, windows } => ec2
                .entry((instance.as_str(), *windows))
                .or_default()
                .push((price, sku.as_str())),
            Item::Fargate(item) => fargate_rows.entry(*item).or_default().push((price, sku.as_str())),
        }
    }
    let catalog = Catalog::get();
    let mut linux = 0;
    let mut windows = 0;
    let mut replaced = 0;
    let mut unknown = BTreeSet::new();
    let mut free = Vec::new();
    let mut several = Vec::new();
    let mut note_choice = |label: String, choice: &Choice| match choice {
        Choice::Free => free.push(label),
        Choice::One(_) => {}
        Choice::Several(all) => {
            let list: Vec<String> = all.iter().map(|(p, sku)| format!("${p} (SKU {sku})")).collect();
            several.push(format!("{label}: {}", list.join(", ")));
        }
    };
    for ((instance, w), rows) in ec2 {
        if catalog.find(instance).is_none() {
            unknown.insert(instance.to_owned());
            continue;
        }
        let choice = choose(rows);
        note_choice(format!("{instance} ({})", if w { "Windows" } else { "Linux" }), &choice);
        let Some(price) = choice.price() else { continue };
        let table = if w { &mut book.ec2_windows } else { &mut book.ec2_linux };
        if table.insert(instance.to_owned(), price).is_some() {
            replaced += 1;
        }
        if w {
            windows += 1;
        } else {
            linux += 1;
        }
    }
    let mut fargate: BTreeMap<FargateItem, f64> = BTreeMap::new();
    for (item, rows) in fargate_rows {
        let choice = choose(rows);
        note_choice(fargate_label(item).to_owned(), &choice);
        if let Some(price) = choice.price() {
            fargate.insert(item, price);
        }
    }
    if !several.is_empty() {
        book.notes.push(format!(
            "{shown}: more than one on-demand price remains after leaving out other tenancies, operating systems, \
             licences, pre-installed software and capacity reservations, so k2e takes the lowest: {}. Check those \
             SKUs in the file: an edited or converted file may have lost the columns that tell them apart",
            some_of(&several)
        ));
    }
    if !free.is_empty() {
        book.notes.push(format!(
            "{shown}: only $0 on-demand rows for {} (capacity reservations and the like), so the file does not price \
             {}; the built-in price is used where k2e has one",
            some_of(&free),
            if free.len() == 1 { "it" } else { "them" }
        ));
    }
    if unplaced > 0 {
        book.notes.push(format!(
            "{shown}: {unplaced} product{} no regionCode or location k2e recognises, so not used for {region}",
            if unplaced == 1 { " names" } else { "s name" }
        ));
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
        let zero = if free.is_empty() {
            String::new()
        } else {
            format!(", {} priced only at $0", free.len())
        };
        return Err(format!(
            "--pricing {shown}: no on-demand USD prices for {region} ({unpriced} products without one{zero}); is the \
             file cut short? Download it again from \
             https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/OFFER/current/{region}/"
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
            location_type: None,
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
        assert_eq!(
            place_of(&ec2("Linux", "RunInstances")),
            Place::Region("us-east-1".into())
        );
        let fargate = Attrs {
            usagetype: Some("USE2-Fargate-ARM-GB-Hours".into()),
            ..Attrs::default()
        };
        assert_eq!(
            classify(Some("Compute"), &fargate),
            Some(Item::Fargate(FargateItem::ArmGb))
        );
        assert_eq!(place_of(&fargate), Place::Region("us-east-2".into()));
        let spot = Attrs {
            usagetype: Some("USE1-SpotUsage:Fargate-vCPU-Hours:perCPU".into()),
            ..Attrs::default()
        };
        assert_eq!(classify(Some("Compute"), &spot), None);
    }

    #[test]
    fn licences_and_bring_your_own() {
        let mut byol = ec2("Windows", "RunInstances:0002");
        byol.license_model = Some("Bring your own license".into());
        assert_eq!(classify(Some("Compute Instance"), &byol), None);
        // A CSV cell that is there but empty is not "Used".
        let mut blank = ec2("Linux", "RunInstances");
        blank.capacitystatus = Some(String::new());
        assert_eq!(classify(Some("Compute Instance"), &blank), None);
        let mut no_column = ec2("Linux", "RunInstances");
        no_column.capacitystatus = None;
        assert!(classify(Some("Compute Instance"), &no_column).is_some());
    }

    #[test]
    fn prices_are_finite_and_not_negative() {
        for bad in [
            "NaN", "nan", "inf", "-inf", "infinity", "-5", "-0.01", "", "USD 1", "1,5",
        ] {
            let e = parse_price(bad).unwrap_err();
            assert!(
                e.contains("is not a number of dollars") && e.contains("download it again"),
                "{bad}: {e}"
            );
        }
        assert_eq!(parse_price("0.0500000000"), Ok(0.05));
        assert_eq!(parse_price("0.0000000000"), Ok(0.0));
        assert_eq!(parse_price("-0"), Ok(0.0));
    }

    #[test]
    fn places() {
        let at = |code: Option<&str>, loc: Option<&str>, kind: Option<&str>, usage: &str| Attrs {
            region_code: code.map(Into::into),
            location: loc.map(Into::into),
            location_type: kind.map(Into::into),
            usagetype: Some(usage.into()),
            ..Attrs::default()
        };
        let region = |r: &str| Place::Region(r.into());
        assert_eq!(place_of(&at(Some("eu-west-1"), None, None, "x")), region("eu-west-1"));
        assert_eq!(
            place_of(&at(None, Some("EU (Ireland)"), None, "x")),
            region("eu-west-1")
        );
        assert_eq!(
            place_of(&at(None, Some("Europe (Ireland)"), None, "x")),
            region("eu-west-1")
        );
        assert_eq!(
            place_of(&at(
                Some("us-east-1"),
                Some("US East (N. Virginia)"),
                Some("AWS Region"),
                "BoxUsage:m7g.large"
            )),
            region("us-east-1")
        );
        // A Local Zone is not its parent region, whatever its region code says.
        for code in [None, Some("us-east-1"), Some("us-east-1-bos-1")] {
            let lz = at(
                code,
                Some("US East (Boston)"),
                Some("AWS Local Zone"),
                "USE1-BOS1-BoxUsage:m7g.large",
            );
            assert_eq!(place_of(&lz), Place::Elsewhere, "{code:?}");
        }
        // A location k2e does not know is not guessed from the usage type prefix.
        assert_eq!(
            place_of(&at(
                None,
                Some("US East (Dallas)"),
                None,
                "USE1-DFW1-BoxUsage:m7i.large"
            )),
            Place::Unknown
        );
        assert_eq!(place_of(&at(None, None, None, "BoxUsage:m7g.large")), Place::Unknown);
        assert_eq!(
            place_of(&at(None, Some(""), None, "USW2-Fargate-GB-Hours")),
            region("us-west-2")
        );
    }

    #[test]
    fn choosing_among_prices() {
        assert_eq!(choose(vec![(0.0, "A"), (0.05, "B"), (0.05, "C")]), Choice::One(0.05));
        assert_eq!(choose(vec![(0.0, "A"), (0.0, "B")]), Choice::Free);
        assert_eq!(choose(vec![]), Choice::Free);
        let several = choose(vec![(0.08, "Z"), (0.0, "A"), (0.0725, "Y"), (0.08, "B")]);
        assert_eq!(several, Choice::Several(vec![(0.0725, "Y".into()), (0.08, "B".into())]));
        assert_eq!(several.price(), Some(0.0725));
    }

    fn offer_file(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/estimate/offers")
            .join(name)
    }

    #[test]
    fn the_choice_does_not_depend_on_hash_order() {
        let path = offer_file("ec2-us-east-1-no-capacity-status.csv");
        let first = {
            let mut book = PriceBook::builtin("us-east-1");
            apply(&mut book, &path).unwrap();
            book
        };
        assert_eq!(
            first.ec2_linux["m7g.large"], 0.05,
            "the $0 reservation row does not win"
        );
        assert_eq!(first.ec2_linux["c7g.large"], 0.0725);
        let builtin = PriceBook::builtin("us-east-1");
        assert_eq!(
            first.ec2_linux["m7i.large"], builtin.ec2_linux["m7i.large"],
            "only $0 rows: the built-in price stays"
        );
        // Each HashMap has its own random order: read the file again and again.
        for _ in 0..20 {
            let mut book = PriceBook::builtin("us-east-1");
            apply(&mut book, &path).unwrap();
            assert_eq!(book.ec2_linux, first.ec2_linux);
            assert_eq!(book.notes, first.notes);
        }
    }

    #[test]
    fn terms_before_products_are_read() {
        let json = |terms_first: bool| {
            let products = r#""products": {"S1": {"sku": "S1", "productFamily": "Compute Instance", "attributes":
                {"instanceType": "m7g.large", "tenancy": "Shared", "operatingSystem": "Linux",
                 "regionCode": "us-east-1"}}}"#;
            let terms = r#""terms": {"OnDemand": {"S1": {"S1.T": {"priceDimensions": {"S1.T.D":
                {"beginRange": "0", "pricePerUnit": {"USD": "0.05"}}}}}}}"#;
            let (a, b) = if terms_first {
                (terms, products)
            } else {
                (products, terms)
            };
            format!(r#"{{"offerCode": "AmazonEC2", {a}, {b}}}"#)
        };
        for terms_first in [false, true] {
            let text = json(terms_first);
            let reopened = std::cell::Cell::new(false);
            let reopen = || {
                reopened.set(true);
                Ok(text.as_bytes())
            };
            let offer = super::super::pricing_json::read(text.as_bytes(), reopen).unwrap();
            assert_eq!(offer.prices.get("S1"), Some(&0.05), "terms first: {terms_first}");
            assert_eq!(
                reopened.get(),
                terms_first,
                "the file is read twice only when it must be"
            );
        }
        let no_terms = r#"{"offerCode": "AmazonEC2", "products": {}}"#;
        let e = super::super::pricing_json::read(no_terms.as_bytes(), || Ok(no_terms.as_bytes())).unwrap_err();
        assert!(e.contains("no \"terms\""), "{e}");
    }
}
