//! Kubernetes resource quantities (`250m`, `1.5`, `512Mi`, `1G`, `1e3`), parsed once with the
//! grammar of k8s.io/apimachinery's `resource.ParseQuantity`, and the ECS task-size notations
//! ("1024", "1 vCPU", "2 GB").
//!
//! A quantity keeps its value twice: exactly, as a fraction (so "250m" is 256 cpu units and "1Gi"
//! 1024 MiB with no floating-point doubt, and a value too large to hold is reported as such, never
//! wrapped), and as the f64 the lint and estimate arithmetic uses.

use crate::parse::{Node, NodeKind, Scalar};

/// `ErrFormatWrong` of k8s.io/apimachinery/pkg/api/resource.
pub const FORMAT_WRONG: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
/// `ErrSuffix`.
pub const SUFFIX_WRONG: &str = "unable to parse quantity's suffix";

const SUFFIX_CHARS: &[u8] = b"eEinumkKMGTP";

/// Why a text is not a quantity, as the API server says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuantityError {
    Format,
    Suffix,
}

impl QuantityError {
    /// The API server's message for this error.
    pub fn message(self) -> &'static str {
        match self {
            QuantityError::Format => FORMAT_WRONG,
            QuantityError::Suffix => SUFFIX_WRONG,
        }
    }
}

/// A parsed quantity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantity {
    /// Written with a leading `-` (so `-0` counts, as it does for a reader that refuses signs).
    negative: bool,
    /// |value| = num / den; None when the digits or the scale do not fit in 128 bits.
    exact: Option<(u128, u128)>,
    /// The signed value as f64 (infinite when it overflows).
    value: f64,
    /// The number part has at least one digit (the API server reads a bare `Mi` or `.` as 0).
    has_digits: bool,
}

/// A conversion result: the value, rounded up, and whether no rounding was needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rounded {
    pub value: u64,
    pub exact: bool,
}

/// The scale a suffix stands for.
#[derive(Clone, Copy)]
enum Scale {
    Decimal(i32),
    Binary(i32),
}

const MIB: u128 = 1 << 20;
const GIB: u128 = 1 << 30;

impl Quantity {
    /// Parses as `resource.ParseQuantity` does, with its leniency (`1.`, `.5`, a bare suffix
    /// means 0) and its errors; negative values parse (the caller decides what they mean).
    pub fn parse(s: &str) -> Result<Quantity, QuantityError> {
        if s.is_empty() {
            return Err(QuantityError::Format);
        }
        let b = s.as_bytes();
        let negative = b[0] == b'-';
        let mut pos = usize::from(b[0] == b'-' || b[0] == b'+');
        let digits = |pos: &mut usize| {
            let start = *pos;
            while *pos < b.len() && b[*pos].is_ascii_digit() {
                *pos += 1;
            }
            &s[start..*pos]
        };
        let int_part = digits(&mut pos);
        let mut frac = "";
        if pos < b.len() && b[pos] == b'.' {
            pos += 1;
            frac = digits(&mut pos);
        }
        let suffix_start = pos;
        while pos < b.len() && SUFFIX_CHARS.contains(&b[pos]) {
            pos += 1;
        }
        if pos < b.len() && (b[pos] == b'-' || b[pos] == b'+') {
            pos += 1;
        }
        digits(&mut pos);
        if pos < b.len() {
            return Err(QuantityError::Format);
        }
        let scale = scale(&s[suffix_start..]).ok_or(QuantityError::Suffix)?;
        let int_or_zero = if int_part.is_empty() { "0" } else { int_part };
        let mantissa: f64 = format!("{int_or_zero}.{frac}0")
            .parse()
            .map_err(|_| QuantityError::Format)?;
        let magnitude = mantissa * multiplier(scale);
        Ok(Quantity {
            negative,
            exact: exact(int_part, frac, scale),
            value: if negative { -magnitude } else { magnitude },
            has_digits: !(int_part.is_empty() && frac.is_empty()),
        })
    }

    /// A quantity as the readers of requests take it: surrounding blanks forgiven, at least one
    /// digit required, and a finite value. None otherwise.
    pub fn parse_lenient(text: &str) -> Option<Quantity> {
        Quantity::parse(text.trim())
            .ok()
            .filter(|q| q.has_digits && q.value.is_finite())
    }

    /// A non-negative lenient quantity (no leading `-`): an amount to convert.
    pub fn parse_amount(text: &str) -> Option<Quantity> {
        Quantity::parse_lenient(text).filter(|q| !q.negative)
    }

    /// The value as f64, in base units (cores, bytes).
    pub fn to_f64(self) -> f64 {
        self.value
    }

    /// Written with a leading minus sign.
    pub fn is_negative(self) -> bool {
        self.negative
    }

    /// `value * factor / divisor`, rounded up; None for a negative value or one that does not fit.
    fn scaled(self, factor: u128, divisor: u128) -> Option<Rounded> {
        if self.negative {
            return None;
        }
        let (num, den) = self.exact?;
        let num = num.checked_mul(factor)?;
        let den = den.checked_mul(divisor)?;
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
        self.exact.is_some_and(|(num, _)| num == 0)
    }

    /// The same amount, however written (`0.5` and `500m`); false when either cannot be held
    /// exactly.
    pub fn same(self, other: Quantity) -> bool {
        let (Some((an, ad)), Some((bn, bd))) = (self.exact, other.exact) else {
            return false;
        };
        match (an.checked_mul(bd), bn.checked_mul(ad)) {
            (Some(a), Some(b)) => a == b && (a == 0 || self.negative == other.negative),
            _ => false,
        }
    }
}

/// The scale of a suffix: binary SI, decimal SI, or a decimal exponent.
fn scale(s: &str) -> Option<Scale> {
    let decimal = match s {
        "" => Some(0),
        "n" => Some(-9),
        "u" => Some(-6),
        "m" => Some(-3),
        "k" => Some(3),
        "M" => Some(6),
        "G" => Some(9),
        "T" => Some(12),
        "P" => Some(15),
        "E" => Some(18),
        _ => None,
    };
    if let Some(e) = decimal {
        return Some(Scale::Decimal(e));
    }
    let binary = match s {
        "Ki" => Some(10),
        "Mi" => Some(20),
        "Gi" => Some(30),
        "Ti" => Some(40),
        "Pi" => Some(50),
        "Ei" => Some(60),
        _ => None,
    };
    if let Some(e) = binary {
        return Some(Scale::Binary(e));
    }
    let exp = s.strip_prefix(['e', 'E'])?;
    if exp.is_empty() {
        return None;
    }
    let n: i64 = exp.parse().ok()?;
    i32::try_from(n).ok().map(Scale::Decimal)
}

fn multiplier(scale: Scale) -> f64 {
    match scale {
        Scale::Decimal(e) => 10f64.powi(e),
        Scale::Binary(e) => 2f64.powi(e),
    }
}

/// |value| as num / den, or None when it does not fit in 128 bits.
fn exact(int_part: &str, frac: &str, scale: Scale) -> Option<(u128, u128)> {
    let digits = format!("{int_part}{frac}");
    let mut num: u128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    let mut den: u128 = 10u128.checked_pow(u32::try_from(frac.len()).ok()?)?;
    match scale {
        Scale::Decimal(e) if e >= 0 => num = num.checked_mul(10u128.checked_pow(e.unsigned_abs())?)?,
        Scale::Decimal(e) => den = den.checked_mul(10u128.checked_pow(e.unsigned_abs())?)?,
        Scale::Binary(e) => num = num.checked_mul(1u128 << e)?,
    }
    Some((num, den))
}

/// A quantity written as a string or a YAML number, as f64 (see `Quantity::parse_lenient`).
pub fn value_of(node: &Node) -> Option<f64> {
    match &node.kind {
        NodeKind::Scalar {
            value: Scalar::Str(s), ..
        } => Quantity::parse_lenient(s).map(Quantity::to_f64),
        NodeKind::Scalar {
            value: Scalar::Number(n),
            ..
        } => n.as_f64(),
        _ => None,
    }
}

/// A request's value as f64 in base units: a lenient quantity that is not below zero.
pub fn request(text: &str) -> Option<f64> {
    Quantity::parse_lenient(text)
        .map(Quantity::to_f64)
        .filter(|v| *v >= 0.0)
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

/// ECS task-level `cpu`: "256", "0.25 vCPU", "1 vcpu" -> cpu units.
pub fn ecs_cpu(text: &str) -> Option<u64> {
    let t = text.trim().to_ascii_lowercase();
    if let Some(v) = t.strip_suffix("vcpu") {
        let v: f64 = v.trim().parse().ok()?;
        return whole(v * 1024.0);
    }
    t.parse().ok()
}

/// ECS task-level `memory`: "2048", "2 GB", "2gb", "0.5 GB" -> MiB.
pub fn ecs_memory(text: &str) -> Option<u64> {
    let t = text.trim().to_ascii_lowercase();
    if let Some(v) = t.strip_suffix("gb") {
        let v: f64 = v.trim().parse().ok()?;
        return whole(v * 1024.0);
    }
    t.strip_suffix("mb").unwrap_or(&t).trim().parse().ok()
}

fn whole(v: f64) -> Option<u64> {
    (v >= 0.0 && v.fract() == 0.0 && v < 1e12).then_some(v as u64)
}

#[cfg(test)]
mod tests;
