use super::*;

fn value(s: &str) -> Result<f64, QuantityError> {
    Quantity::parse(s).map(Quantity::to_f64)
}

fn lenient(s: &str) -> Option<f64> {
    Quantity::parse_lenient(s).map(Quantity::to_f64)
}

fn q(s: &str) -> Quantity {
    Quantity::parse_lenient(s).unwrap_or_else(|| panic!("{s}"))
}

#[test]
fn go_grammar() {
    for (text, want) in [
        ("0", 0.0),
        ("500m", 0.5),
        ("1", 1.0),
        ("1.5", 1.5),
        (".5", 0.5),
        ("1.", 1.0),
        ("+1", 1.0),
        ("1e3", 1000.0),
        ("1E3", 1000.0),
        ("1e+09", 1e9),
        ("1e-3", 0.001),
        ("1k", 1000.0),
        ("1Ki", 1024.0),
        ("128Mi", 134_217_728.0),
        ("1Gi", 1_073_741_824.0),
        ("1G", 1e9),
        ("1E", 1e18),
        ("100n", 1e-7),
        ("10u", 1e-5),
        ("-1", -1.0),
        ("Mi", 0.0),
        (".", 0.0),
    ] {
        let got = value(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        assert!((got - want).abs() <= want.abs() * 1e-12, "{text}: {got} != {want}");
    }
    for bad in [
        "1GB", "1gb", "512mb", "1 Gi", " 1", "1Gi ", "abc", "1Gib", "", "1e3k", "1.5.5",
    ] {
        assert_eq!(value(bad), Err(QuantityError::Format), "{bad}");
    }
    for bad in ["1K", "1mi", "1ki", "1Gie", "1e"] {
        assert_eq!(value(bad), Err(QuantityError::Suffix), "{bad}");
    }
    assert_eq!(QuantityError::Suffix.message(), SUFFIX_WRONG);
}

#[test]
fn lenient_readers() {
    let gi = 1024.0 * 1024.0 * 1024.0;
    for (text, want) in [
        ("180Gi", 180.0 * gi),
        ("1.5Gi", 1.5 * gi),
        ("512Mi", 512.0 * 1024.0 * 1024.0),
        ("4Ki", 4096.0),
        ("1Ti", 1024.0 * gi),
        ("100G", 100e9),
        ("2k", 2000.0),
        ("3M", 3e6),
        ("1T", 1e12),
        ("1E", 1e18),
        ("1e3", 1000.0),
        ("2E+2", 200.0),
        ("12345", 12345.0),
        (".5Gi", 0.5 * gi),
        ("1500m", 1.5),
        ("+1Ki", 1024.0),
        ("-1Gi", -gi),
        ("250m", 0.25),
        // Surrounding blanks are forgiven.
        (" 1Gi ", gi),
    ] {
        assert_eq!(lenient(text), Some(want), "{text}");
    }
    for bad in [
        "", "Gi", "abc", "1 Gi", "1.2.3Gi", "1GB", "1gi", "1e", "1e+", "1e+-2", "--1", ".", "1e400",
    ] {
        assert_eq!(lenient(bad), None, "{bad:?}");
    }
}

#[test]
fn exact_cpu_units() {
    let r = |value, exact| Some(Rounded { value, exact });
    assert_eq!(q("250m").cpu_units(), r(256, true));
    assert_eq!(q("0.5").cpu_units(), r(512, true));
    assert_eq!(q("2").cpu_units(), r(2048, true));
    assert_eq!(q("100m").cpu_units(), r(103, false));
    assert_eq!(q("1e-1").cpu_units(), r(103, false));
    assert_eq!(q("-1").cpu_units(), None);
    assert_eq!(cpu_quantity(256), ("250m".into(), true));
    assert_eq!(cpu_quantity(2048), ("2".into(), true));
    assert_eq!(cpu_quantity(200), ("196m".into(), false));
    assert_eq!(cpu_quantity(0), ("0".into(), true));
}

#[test]
fn exact_memory() {
    let r = |value, exact| Some(Rounded { value, exact });
    assert_eq!(q("128Mi").mib(), r(128, true));
    assert_eq!(q("1Gi").mib(), r(1024, true));
    assert_eq!(q("512M").mib(), r(489, false));
    assert_eq!(q("1073741824").mib(), r(1024, true));
    assert_eq!(q("20Gi").gib(), r(20, true));
    assert_eq!(memory_quantity(2048), "2Gi");
    assert_eq!(memory_quantity(300), "300Mi");
    assert!(q("0").is_zero());
    assert!(q("0.5").same(q("500m")));
    assert!(!q("1").same(q("-1")));
}

#[test]
fn too_large_to_hold_is_reported_not_wrapped() {
    // 10^33 * 2^60 does not fit in 128 bits: no exact value, so no conversion.
    let huge = q("999999999999999999999999999999999Ei");
    assert_eq!(huge.cpu_units(), None);
    assert!(!huge.same(huge));
    assert!(huge.to_f64() > 1e50);
    assert_eq!(q("1e30").cpu_units(), None);
}

#[test]
fn ecs_notations() {
    assert_eq!(ecs_cpu("1 vCPU"), Some(1024));
    assert_eq!(ecs_cpu(".25 vcpu"), Some(256));
    assert_eq!(ecs_cpu("512"), Some(512));
    assert_eq!(ecs_memory("2 GB"), Some(2048));
    assert_eq!(ecs_memory("0.5GB"), Some(512));
    assert_eq!(ecs_memory("3072"), Some(3072));
    assert_eq!(ecs_cpu("lots"), None);
}

#[test]
fn requests_are_non_negative_quantities() {
    assert_eq!(request("250m"), Some(0.25));
    assert_eq!(request("512Mi"), Some(536_870_912.0));
    assert_eq!(request("1e3"), Some(1000.0));
    assert_eq!(request("lots"), None);
    assert_eq!(request("-1"), None);
    assert_eq!(request(""), None);
    assert_eq!(request("Mi"), None);
    assert_eq!(Quantity::parse_amount("-0"), None);
    assert!(Quantity::parse_amount("0").is_some());
}
