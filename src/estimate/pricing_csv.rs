//! The CSV form of an AWS Price List offer file: five metadata rows ("FormatVersion",
//! "Disclaimer", "Publication Date", "Version", "OfferCode"), a header row starting with "SKU",
//! then one row per SKU, term and price dimension. Read line by line: the EC2 file is several GB.

use super::pricing::{Attrs, Offer, Product, classify, parse_price, place_of};
use std::collections::HashMap;
use std::io::BufRead;

/// Splits one CSV record (RFC 4180 quoting). Returns None while a quoted field is still open
/// (the record continues on the next line).
fn fields(line: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if cur.is_empty() => quoted = true,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    if quoted {
        return None;
    }
    out.push(cur);
    Some(out)
}

pub fn read<R: BufRead>(reader: R) -> Result<Offer, String> {
    let mut offer = Offer::default();
    let mut header: Option<HashMap<String, usize>> = None;
    let mut pending = String::new();
    let mut line_no = 0usize;
    let mut start_line = 0usize;
    for line in reader.lines() {
        let line = line.map_err(|e| format!("cannot read: {e}"))?;
        line_no += 1;
        if pending.is_empty() {
            start_line = line_no;
        } else {
            pending.push('\n');
        }
        pending.push_str(line.trim_start_matches('\u{feff}'));
        let Some(row) = fields(&pending) else { continue };
        pending.clear();
        if row.iter().all(String::is_empty) {
            continue;
        }
        let Some(cols) = &header else {
            match row[0].as_str() {
                "SKU" => {
                    let cols = header.insert(row.iter().enumerate().map(|(i, n)| (n.clone(), i)).collect());
                    for needed in ["TermType", "PricePerUnit", "Currency"] {
                        if !cols.contains_key(needed) {
                            return Err(format!(
                                "malformed offer file: the header row (line {start_line}) has no {needed:?} column"
                            ));
                        }
                    }
                }
                "Publication Date" => offer.publication_date = row.get(1).cloned(),
                "Version" => offer.version = row.get(1).cloned(),
                "OfferCode" => offer.offer_code = row.get(1).cloned(),
                "FormatVersion" | "Disclaimer" => {}
                other => {
                    return Err(format!(
                        "malformed offer file: line {start_line} starts with {other:?}; expected the metadata rows \
                         (\"FormatVersion\", ...) and a header row starting with \"SKU\""
                    ));
                }
            }
            continue;
        };
        let get = |name: &str| {
            cols.get(name)
                .and_then(|&i| row.get(i))
                .filter(|v| !v.is_empty())
                .cloned()
        };
        if get("TermType").as_deref() != Some("OnDemand") || get("Currency").as_deref() != Some("USD") {
            continue;
        }
        if get("StartingRange").is_some_and(|r| r != "0") {
            continue;
        }
        // The filtering attributes keep an empty cell as Some(""): a column that exists must hold
        // the wanted value (as a JSON attribute that is present must), while a missing column
        // rules nothing out.
        let cell = |name: &str| cols.get(name).and_then(|&i| row.get(i)).cloned();
        let attrs = Attrs {
            instance_type: get("Instance Type"),
            operating_system: get("Operating System"),
            tenancy: get("Tenancy"),
            pre_installed_sw: cell("Pre Installed S/W"),
            capacitystatus: cell("CapacityStatus"),
            license_model: cell("License Model"),
            operation: cell("operation"),
            usagetype: get("usageType"),
            region_code: get("Region Code"),
            location: get("Location"),
            location_type: get("Location Type"),
        };
        let Some(item) = classify(get("Product Family").as_deref(), &attrs) else {
            continue;
        };
        let Some(sku) = get("SKU") else { continue };
        let price = parse_price(&get("PricePerUnit").unwrap_or_default())
            .map_err(|e| format!("malformed offer file: line {start_line} (SKU {sku}): PricePerUnit: {e}"))?;
        let kept = offer.prices.entry(sku.clone()).or_insert(price);
        // A $0 row next to a real one must not hide it.
        if *kept == 0.0 {
            *kept = price;
        }
        offer.products.entry(sku).or_insert_with(|| Product {
            place: place_of(&attrs),
            item,
        });
    }
    if !pending.is_empty() {
        return Err(format!(
            "malformed offer file: a quoted field opened on line {start_line} never closes"
        ));
    }
    if header.is_none() {
        return Err("malformed offer file: no header row starting with \"SKU\"".to_owned());
    }
    Ok(offer)
}

#[cfg(test)]
mod tests {
    use super::fields;

    #[test]
    fn quoting() {
        assert_eq!(fields(r#""a","b,c","d""e""#).unwrap(), vec!["a", "b,c", "d\"e"]);
        assert_eq!(fields("a,,b").unwrap(), vec!["a", "", "b"]);
        assert!(fields(r#""open"#).is_none());
    }
}
