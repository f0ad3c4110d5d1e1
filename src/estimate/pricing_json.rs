//! The JSON offer file, streamed: only matching products, and only their on-demand terms, are
//! kept (the region's AmazonEC2 file is several GB).

use super::pricing::{Attrs, Offer, Product, classify, parse_price, place_of};
use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

pub fn read<R: std::io::Read, S: std::io::Read>(
    reader: R,
    reopen: impl FnOnce() -> std::io::Result<S>,
) -> Result<Offer, String> {
    let malformed = |e: serde_json::Error| format!("malformed offer file: {e}");
    let mut de = serde_json::Deserializer::from_reader(reader);
    let (mut offer, terms_first) = de.deserialize_map(TopVisitor).map_err(malformed)?;
    de.end().map_err(malformed)?;
    if terms_first {
        // AWS writes "products" before "terms", but a file that went through another JSON writer
        // need not. Which terms matter is only known from the products, and keeping every SKU's
        // terms of a several-GB file in memory would cost more than reading the file again.
        let again = reopen().map_err(|e| format!("cannot read the file a second time (for its \"terms\"): {e}"))?;
        let mut de = serde_json::Deserializer::from_reader(again);
        offer.prices = de.deserialize_map(TermsPass(&offer.products)).map_err(malformed)?;
        de.end().map_err(malformed)?;
    }
    Ok(offer)
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    /// The offer, and whether its "terms" came before its "products" (and so were skipped).
    type Value = (Offer, bool);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an AWS Price List offer (an object with offerCode, products and terms)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(Offer, bool), A::Error> {
        let mut offer = Offer::default();
        let mut saw_products = false;
        let mut saw_terms = false;
        let mut terms_first = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "offerCode" => offer.offer_code = map.next_value()?,
                "publicationDate" => offer.publication_date = map.next_value()?,
                "version" => offer.version = map.next_value()?,
                "products" => {
                    offer.products = map.next_value_seed(ProductsSeed)?;
                    saw_products = true;
                }
                "terms" if !saw_products => {
                    map.next_value::<IgnoredAny>()?;
                    saw_terms = true;
                    terms_first = true;
                }
                "terms" => {
                    offer.prices = map.next_value_seed(TermsSeed(&offer.products))?;
                    saw_terms = true;
                }
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
        if !saw_terms {
            return Err(serde::de::Error::custom(
                "no \"terms\", so no prices: download the offer file again (the JSON of \
                 https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/OFFER/current/REGION/index.json)",
            ));
        }
        Ok((offer, terms_first))
    }
}

/// The second read of a file whose "terms" came before its "products": only "terms".
struct TermsPass<'a>(&'a HashMap<String, Product>);

impl<'de> Visitor<'de> for TermsPass<'_> {
    type Value = HashMap<String, f64>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an AWS Price List offer (an object with offerCode, products and terms)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = HashMap::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "terms" {
                out = map.next_value_seed(TermsSeed(self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(out)
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
                        place: place_of(&p.attributes),
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
            let mut price: Option<f64> = None;
            for d in terms.values().flat_map(|t| t.dimensions.values()) {
                if d.begin.as_deref().is_some_and(|b| b != "0") {
                    continue;
                }
                let Some(text) = d.price.get("USD") else { continue };
                let p = parse_price(text)
                    .map_err(|e| serde::de::Error::custom(format!("SKU {sku}: on-demand pricePerUnit USD: {e}")))?;
                // A $0 dimension next to a real one must not hide it.
                if price.is_none_or(|old| old == 0.0) {
                    price = Some(p);
                }
            }
            if let Some(price) = price {
                out.insert(sku, price);
            }
        }
        Ok(out)
    }
}
