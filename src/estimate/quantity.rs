//! Kubernetes resource quantities (`250m`, `1.5`, `512Mi`, `1G`, `1e3`) as requests.

/// The quantity's value in base units (cores, bytes), or None when it is not a quantity or is
/// negative (not a request).
pub fn parse(text: &str) -> Option<f64> {
    crate::rules::parse_quantity(text).filter(|v| *v >= 0.0)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn requests_are_non_negative_quantities() {
        assert_eq!(parse("250m"), Some(0.25));
        assert_eq!(parse("512Mi"), Some(536_870_912.0));
        assert_eq!(parse("1e3"), Some(1000.0));
        assert_eq!(parse("lots"), None);
        assert_eq!(parse("-1"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("Mi"), None);
    }
}
