//! Plain-scalar resolution as Kubernetes does it: go-yaml v2 (YAML 1.1) behind sigs.k8s.io/yaml.
//!
//! This is why `enabled: on` is a boolean and `mode: 0755` is 493 for kubectl, and why a
//! string field holding `yes` is rejected by the API server.

use super::tree::Scalar;
use serde_json::Number;

/// Resolves an untagged plain scalar the way go-yaml v2 does.
pub fn plain(text: &str) -> Scalar {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Scalar::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Scalar::Bool(false);
        }
        ".nan" | ".NaN" | ".NAN" => return Scalar::NonFinite(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Scalar::NonFinite(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Scalar::NonFinite(f64::NEG_INFINITY),
        _ => {}
    }
    match text.as_bytes()[0] {
        b'.' => match text.parse::<f64>() {
            Ok(f) if go_float_syntax(text) => float(f),
            _ => Scalar::Str(text.to_owned()),
        },
        b'+' | b'-' | b'0'..=b'9' => number(text).unwrap_or_else(|| Scalar::Str(text.to_owned())),
        _ => Scalar::Str(text.to_owned()),
    }
}

/// Resolves a scalar carrying an explicit core tag (`!!int "3"`), as go-yaml does.
pub fn tagged(text: &str, core_suffix: &str) -> Scalar {
    match core_suffix {
        "str" | "binary" | "timestamp" => Scalar::Str(text.to_owned()),
        "null" => Scalar::Null,
        "bool" | "int" | "float" => match plain(text) {
            Scalar::Str(s) => Scalar::Str(s),
            other => other,
        },
        _ => Scalar::Str(text.to_owned()),
    }
}

/// The int/float branch of go-yaml v2's resolve(): underscores dropped, then Go's
/// `strconv.ParseInt(s, 0, 64)` (0x, 0o, 0b and leading-0 octal), ParseUint, then floats.
fn number(text: &str) -> Option<Scalar> {
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(i) = go_parse_int(&plain) {
        return Some(match i {
            GoInt::Signed(v) => Scalar::Number(Number::from(v)),
            GoInt::Unsigned(v) => Scalar::Number(Number::from(v)),
        });
    }
    if go_float_syntax(&plain) {
        if let Ok(f) = plain.parse::<f64>() {
            return Some(float(f));
        }
    }
    None
}

enum GoInt {
    Signed(i64),
    Unsigned(u64),
}

fn go_parse_int(s: &str) -> Option<GoInt> {
    let (negative, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = if let Some(rest) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, rest)
    } else if let Some(rest) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, rest)
    } else if let Some(rest) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, rest)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if negative {
        if magnitude <= i64::MAX as u64 {
            Some(GoInt::Signed(-(magnitude as i64)))
        } else if magnitude == i64::MAX as u64 + 1 {
            Some(GoInt::Signed(i64::MIN))
        } else {
            None
        }
    } else if magnitude <= i64::MAX as u64 {
        Some(GoInt::Signed(magnitude as i64))
    } else {
        Some(GoInt::Unsigned(magnitude))
    }
}

/// go-yaml v2's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn go_float_syntax(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's JSON encoder writes 1000.0 as `1000`, so a whole float is an integer to the schema.
fn float(f: f64) -> Scalar {
    if !f.is_finite() {
        return Scalar::NonFinite(f);
    }
    if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
        return Scalar::Number(Number::from(f as i64));
    }
    Number::from_f64(f).map_or(Scalar::NonFinite(f), Scalar::Number)
}

/// The string a resolved key becomes in JSON (sigs.k8s.io/yaml's key conversion).
pub fn key_string(value: &Scalar, text: &str) -> String {
    match value {
        Scalar::Str(s) => s.clone(),
        Scalar::Null => "null".to_owned(),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Number(n) => n.to_string(),
        Scalar::NonFinite(_) => text.to_owned(),
    }
}

/// Whether a plain scalar that reads as a string in YAML 1.2 is something else in YAML 1.1
/// (used when emitting YAML and by the YAML rules).
pub fn is_yaml11_ambiguous(text: &str) -> bool {
    !matches!(plain(text), Scalar::Str(_))
}

/// The YAML 1.1 booleans that YAML 1.2 reads as strings (`true`/`false` are the same in both).
pub fn yaml11_only_bool(raw: &str) -> bool {
    matches!(
        raw,
        "y" | "Y" | "yes" | "Yes" | "YES" | "n" | "N" | "no" | "No" | "NO" | "on" | "On" | "ON" | "off" | "Off" | "OFF"
    )
}

/// Whether a plain scalar that YAML 1.1 read as `value` reads differently in YAML 1.2: the
/// booleans above, octal `0755`, `1_000` and `0b101`.
pub fn reads_differently(raw: &str, value: &Scalar) -> bool {
    match value {
        Scalar::Bool(_) => yaml11_only_bool(raw),
        Scalar::Number(_) => {
            let digits = raw.trim_start_matches(['-', '+']);
            digits.contains('_')
                || digits.starts_with("0b")
                || (digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit()))
        }
        _ => false,
    }
}

/// What YAML 1.1 made of the scalar, for messages.
pub fn yaml11_reading(value: &Scalar) -> String {
    match value {
        Scalar::Bool(b) => format!("the boolean {b}"),
        Scalar::Number(n) => format!("the number {n}"),
        _ => "something other than a string".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(v: i64) -> Scalar {
        Scalar::Number(Number::from(v))
    }

    #[test]
    fn booleans_are_yaml_1_1() {
        for t in ["on", "On", "ON", "yes", "y", "Y", "true"] {
            assert_eq!(plain(t), Scalar::Bool(true), "{t}");
        }
        for t in ["off", "no", "n", "N", "False"] {
            assert_eq!(plain(t), Scalar::Bool(false), "{t}");
        }
        assert_eq!(plain("oN"), Scalar::Str("oN".into()));
    }

    #[test]
    fn numbers_follow_go_parse_int() {
        assert_eq!(plain("0755"), int(493));
        assert_eq!(plain("0x1F"), int(31));
        assert_eq!(plain("0b101"), int(5));
        assert_eq!(plain("0o17"), int(15));
        assert_eq!(plain("1_000"), int(1000));
        assert_eq!(plain("-42"), int(-42));
        assert_eq!(plain("+7"), int(7));
        assert_eq!(plain("08"), int(8)); // not octal, falls through to float 8
        assert_eq!(plain("1e3"), int(1000));
        assert_eq!(plain("18446744073709551615"), Scalar::Number(Number::from(u64::MAX)));
        assert!(matches!(plain("0.5"), Scalar::Number(n) if n.as_f64() == Some(0.5)));
        assert!(matches!(plain(".5"), Scalar::Number(n) if n.as_f64() == Some(0.5)));
    }

    #[test]
    fn strings_stay_strings() {
        for t in [
            "1.2.3",
            "12:30",
            "v1",
            "0x",
            "1e",
            "-",
            "2024-01-01",
            "100Mi",
            "+",
            ".",
            "0b2",
        ] {
            assert_eq!(plain(t), Scalar::Str(t.into()), "{t}");
        }
    }

    #[test]
    fn nulls_and_special_floats() {
        assert_eq!(plain("~"), Scalar::Null);
        assert_eq!(plain(""), Scalar::Null);
        assert!(matches!(plain(".inf"), Scalar::NonFinite(f) if f.is_infinite()));
        assert!(is_yaml11_ambiguous("yes"));
        assert!(!is_yaml11_ambiguous("hello"));
    }

    #[test]
    fn tags_override_resolution() {
        assert_eq!(tagged("0755", "str"), Scalar::Str("0755".into()));
        assert_eq!(tagged("3", "int"), int(3));
    }
}
