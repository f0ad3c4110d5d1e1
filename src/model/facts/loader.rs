//! Reads k2e's own YAML files (the facts here, and the rule files) with k2e's own parser, so the
//! binary carries one YAML reader.

use crate::parse::Limits;

/// The first document of `text`, deserialised; a parse error or an empty text is an error.
pub fn read_yaml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    let doc = crate::parse::yaml_text(text, &Limits::default())
        .into_iter()
        .next()
        .ok_or("empty")?;
    if let Some(e) = doc.errors.first() {
        return Err(e.message.clone());
    }
    let root = doc.root.ok_or("empty")?;
    serde_json::from_value(root.to_json()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn reads_a_mapping_and_reports_bad_text() {
        let map: BTreeMap<String, u64> = read_yaml("a: 1\nb: 2\n").unwrap();
        assert_eq!(map["b"], 2);
        assert!(read_yaml::<BTreeMap<String, u64>>("").is_err());
        assert!(read_yaml::<BTreeMap<String, u64>>("a: [1\n").is_err());
        assert!(read_yaml::<BTreeMap<String, u64>>("a: x\n").is_err());
    }
}
