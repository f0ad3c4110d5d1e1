//! Kubernetes resource quantities <-> ECS cpu units and MiB, exactly: a quantity is kept as a
//! fraction so that "250m" is 256 cpu units and "1Gi" 1024 MiB with no floating-point doubt,
//! and the converters can tell an exact conversion (mapped) from a rounded one (approximated).

/// A non-negative quantity as numerator / denominator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quantity {
    num: u128,
    den: u128,
}

/// A conversion result: the value, rounded up, and whether no rounding was needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rounded {
    pub value: u64,
    pub exact: bool,
}

const MIB: u128 = 1 << 20;
const GIB: u128 = 1 << 30;

impl Quantity {
    /// Parses the Kubernetes quantity syntax (`250m`, `0.5`, `1Gi`, `512M`, `1e3`); None for
    /// negative, malformed or absurdly large values.
    pub fn parse(text: &str) -> Option<Quantity> {
        let t = text.trim();
        let t = t.strip_prefix('+').unwrap_or(t);
        let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
        let (number, suffix) = t.split_at(split);
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return None;
        }
        let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
        let digits = format!("{whole}{frac}");
        if digits.len() > 30 {
            return None;
        }
        let mut num: u128 = digits.parse().ok()?;
        let mut den: u128 = 10u128.checked_pow(u32::try_from(frac.len()).ok()?)?;
        let pow = |base: u128, n: u32| base.checked_pow(n);
        match suffix {
            "" => {}
            "n" => den = den.checked_mul(pow(10, 9)?)?,
            "u" => den = den.checked_mul(pow(10, 6)?)?,
            "m" => den = den.checked_mul(1000)?,
            "k" => num = num.checked_mul(1000)?,
            "M" => num = num.checked_mul(pow(10, 6)?)?,
            "G" => num = num.checked_mul(pow(10, 9)?)?,
            "T" => num = num.checked_mul(pow(10, 12)?)?,
            "P" => num = num.checked_mul(pow(10, 15)?)?,
            "E" => num = num.checked_mul(pow(10, 18)?)?,
            "Ki" => num = num.checked_mul(1 << 10)?,
            "Mi" => num = num.checked_mul(1 << 20)?,
            "Gi" => num = num.checked_mul(1 << 30)?,
            "Ti" => num = num.checked_mul(1 << 40)?,
            "Pi" => num = num.checked_mul(1 << 50)?,
            "Ei" => num = num.checked_mul(1 << 60)?,
            s if s.starts_with(['e', 'E']) => {
                let exp: i32 = s[1..].parse().ok()?;
                if exp >= 0 {
                    num = num.checked_mul(pow(10, exp.unsigned_abs())?)?;
                } else {
                    den = den.checked_mul(pow(10, exp.unsigned_abs())?)?;
                }
            }
            _ => return None,
        }
        Some(Quantity { num, den })
    }

    /// `value * factor / divisor`, rounded up.
    fn scaled(self, factor: u128, divisor: u128) -> Option<Rounded> {
        let num = self.num.checked_mul(factor)?;
        let den = self.den.checked_mul(divisor)?;
        let value = u64::try_from(num.div_ceil(den)).ok()?;
        Some(Rounded {
            value,
            exact: num % den == 0,
        })
    }

    /// ECS cpu units (1024 per vCPU).
    pub fn cpu_units(self) -> Option<Rounded> {
        self.scaled(1024, 1)
    }

    pub fn mib(self) -> Option<Rounded> {
        self.scaled(1, MIB)
    }

    pub fn gib(self) -> Option<Rounded> {
        self.scaled(1, GIB)
    }

    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    /// The same amount, however written (`0.5` and `500m`).
    pub fn same(self, other: Quantity) -> bool {
        match (self.num.checked_mul(other.den), other.num.checked_mul(self.den)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }
    }
}

/// cpu units as a Kubernetes quantity: whole cores as `2`, else millicores. Kubernetes has no
/// precision below 1m, so units that are not a multiple of 128 round up.
pub fn cpu_quantity(units: u64) -> (String, bool) {
    if units % 1024 == 0 {
        return ((units / 1024).to_string(), true);
    }
    let milli = u128::from(units) * 1000;
    (format!("{}m", milli.div_ceil(1024)), milli % 1024 == 0)
}

/// MiB as a Kubernetes quantity (`Gi` when whole).
pub fn memory_quantity(mib: u64) -> String {
    if mib % 1024 == 0 && mib > 0 {
        format!("{}Gi", mib / 1024)
    } else {
        format!("{mib}Mi")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn cpu() {
        assert_eq!(
            q("250m").cpu_units(),
            Some(Rounded {
                value: 256,
                exact: true
            })
        );
        assert_eq!(
            q("0.5").cpu_units(),
            Some(Rounded {
                value: 512,
                exact: true
            })
        );
        assert_eq!(
            q("2").cpu_units(),
            Some(Rounded {
                value: 2048,
                exact: true
            })
        );
        assert_eq!(
            q("100m").cpu_units(),
            Some(Rounded {
                value: 103,
                exact: false
            })
        );
        assert_eq!(
            q("1e-1").cpu_units(),
            Some(Rounded {
                value: 103,
                exact: false
            })
        );
        assert_eq!(cpu_quantity(256), ("250m".into(), true));
        assert_eq!(cpu_quantity(2048), ("2".into(), true));
        assert_eq!(cpu_quantity(200), ("196m".into(), false));
        assert_eq!(cpu_quantity(0), ("0".into(), true));
    }

    #[test]
    fn memory() {
        assert_eq!(
            q("128Mi").mib(),
            Some(Rounded {
                value: 128,
                exact: true
            })
        );
        assert_eq!(
            q("1Gi").mib(),
            Some(Rounded {
                value: 1024,
                exact: true
            })
        );
        assert_eq!(
            q("512M").mib(),
            Some(Rounded {
                value: 489,
                exact: false
            })
        );
        assert_eq!(
            q("1073741824").mib(),
            Some(Rounded {
                value: 1024,
                exact: true
            })
        );
        assert_eq!(q("20Gi").gib(), Some(Rounded { value: 20, exact: true }));
        assert_eq!(memory_quantity(2048), "2Gi");
        assert_eq!(memory_quantity(300), "300Mi");
    }

    #[test]
    fn malformed() {
        for s in [
            "",
            ".",
            "-1",
            "1.2.3",
            "1X",
            "1Gb",
            "abc",
            "1e",
            "99999999999999999999999999999999Ei",
        ] {
            assert_eq!(Quantity::parse(s), None, "{s}");
        }
        assert!(q("0").is_zero());
    }
}
