//! Names each side accepts: Kubernetes object, container and port names (DNS-1123 / DNS-1035 /
//! IANA service names), label keys and values, ECS families and tags. A name the other side
//! would reject is rewritten, and the converters report the rewrite.

/// A DNS-1123 label (container and volume names): lowercase alphanumerics and `-`, at most 63,
/// starting and ending with an alphanumeric.
pub fn dns_label(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    out.truncate(63);
    let out = out.trim_matches('-').to_owned();
    if out.is_empty() { "x".to_owned() } else { out }
}

/// A DNS-1035 label (Service names): a DNS-1123 label that starts with a letter.
pub fn dns1035_label(name: &str) -> String {
    let label = dns_label(name);
    if label.starts_with(|c: char| c.is_ascii_digit()) {
        dns_label(&format!("x-{label}"))
    } else {
        label
    }
}

/// A DNS-1123 subdomain (object names): labels of [a-z0-9-] joined by dots, at most 253.
pub fn dns_subdomain(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '-' })
        .collect();
    out.truncate(253);
    let parts: Vec<&str> = out
        .split('.')
        .map(|p| p.trim_matches('-'))
        .filter(|p| !p.is_empty())
        .collect();
    let joined = parts.join(".");
    if joined.is_empty() { "x".to_owned() } else { joined }
}

/// An ECS family or container name: letters, digits, `-` and `_`, at most 255.
pub fn ecs_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    out.truncate(255);
    if out.is_empty() { "x".to_owned() } else { out }
}

/// A Kubernetes container port name: an IANA service name (at most 15 of [a-z0-9-], a letter
/// somewhere, no leading, trailing or double `-`).
pub fn is_iana_port_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 15
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && name.chars().any(|c| c.is_ascii_lowercase())
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
}

/// The name part of a label key, or a label value when non-empty: at most 63 of
/// [A-Za-z0-9_.-], alphanumeric at both ends.
fn is_label_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// A qualified key (labels and annotations): `[prefix/]name`, the prefix a DNS subdomain.
pub fn is_qualified_key(key: &str) -> bool {
    match key.split_once('/') {
        Some((prefix, name)) => {
            !prefix.is_empty() && prefix.len() <= 253 && dns_subdomain(prefix) == prefix && is_label_name(name)
        }
        None => is_label_name(key),
    }
}

pub fn is_label_value(value: &str) -> bool {
    value.is_empty() || is_label_name(value)
}

/// An ECS tag key: 1-128 characters of letters, digits, spaces and `_.:/=+-@`, not `aws:`.
pub fn is_tag_key(key: &str) -> bool {
    !key.is_empty() && key.chars().count() <= 128 && tag_chars(key) && !key.to_ascii_lowercase().starts_with("aws:")
}

pub fn is_tag_value(value: &str) -> bool {
    value.chars().count() <= 256 && tag_chars(value)
}

fn tag_chars(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_alphanumeric() || c == ' ' || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@'))
}

/// A file name part: what is not [A-Za-z0-9._-] becomes `-`.
pub fn file_stem(name: &str) -> String {
    let out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let out = out.trim_start_matches('.').to_owned();
    if out.is_empty() { "unnamed".to_owned() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites() {
        assert_eq!(dns_label("Web_App"), "web-app");
        assert_eq!(dns_label("__"), "x");
        assert_eq!(dns_label(&"a".repeat(80)).len(), 63);
        assert_eq!(dns1035_label("9lives"), "x-9lives");
        assert_eq!(dns_subdomain("My.App_1"), "my.app-1");
        assert_eq!(ecs_name("web.api"), "web-api");
        assert_eq!(file_stem("../x y"), "-x-y");
    }

    #[test]
    fn validity() {
        assert!(is_iana_port_name("http"));
        assert!(!is_iana_port_name("8080"));
        assert!(!is_iana_port_name("a--b"));
        assert!(!is_iana_port_name("much-too-long-name"));
        assert!(is_qualified_key("app.kubernetes.io/name"));
        assert!(!is_qualified_key("a/b/c"));
        assert!(is_label_value(""));
        assert!(!is_label_value("has space"));
        assert!(is_tag_key("app.kubernetes.io/name"));
        assert!(!is_tag_key("aws:cloudformation"));
        assert!(!is_tag_value("{\"json\": 1}"));
    }
}
