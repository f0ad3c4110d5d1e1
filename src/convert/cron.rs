//! Kubernetes CronJob schedules (the five-field cron of robfig/cron, which the API server
//! validates with) as EventBridge Scheduler `cron(...)` expressions.
//!
//! The two differ where a plain copy goes wrong: EventBridge has six fields (a year last),
//! numbers days of the week 1 = Sunday (Kubernetes 0 = Sunday), takes no step in the day of
//! the week, and needs `?` in the day of the month or the day of the week. Kubernetes runs on
//! the day of the month OR the day of the week when both are restricted (AND when either
//! starts with `*`); EventBridge cannot say either, so such a schedule comes back with a caveat
//! naming the second schedule that completes it. Days of the week are written as names
//! (MON-FRI), which reads the same in both numberings.

/// An EventBridge schedule expression and what it could not carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cron {
    /// `cron(minutes hours day-of-month month day-of-week year)`.
    pub expression: String,
    /// The time zone of a `CRON_TZ=` or `TZ=` prefix.
    pub time_zone: Option<String>,
    /// Set when the expression does not run exactly when Kubernetes would.
    pub caveat: Option<Caveat>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caveat {
    pub reason: String,
    pub fix: String,
}

const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// One field's allowed values and names.
struct Bounds {
    what: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
    /// The value of the first name (JAN = 1, SUN = 0).
    first_name: u32,
}

const MINUTE: Bounds = Bounds {
    what: "minute",
    min: 0,
    max: 59,
    names: &[],
    first_name: 0,
};
const HOUR: Bounds = Bounds {
    what: "hour",
    min: 0,
    max: 23,
    names: &[],
    first_name: 0,
};
const DOM: Bounds = Bounds {
    what: "day of month",
    min: 1,
    max: 31,
    names: &[],
    first_name: 0,
};
const MONTH: Bounds = Bounds {
    what: "month",
    min: 1,
    max: 12,
    names: &MONTHS,
    first_name: 1,
};
const DOW: Bounds = Bounds {
    what: "day of week",
    min: 0,
    max: 6,
    names: &DAYS,
    first_name: 0,
};

/// A parsed field: its values as bits, and whether it starts with `*` or `?` (which turns
/// the day-of-month / day-of-week OR into an AND, as in Vixie cron).
#[derive(Clone, Copy)]
struct Field {
    bits: u64,
    star: bool,
}

/// Translates a Kubernetes schedule; Err says why Kubernetes (or EventBridge) rejects it.
pub fn translate(schedule: &str) -> Result<Cron, String> {
    let (time_zone, rest) = time_zone_prefix(schedule.trim())?;
    let spec = expand_macro(rest)?;
    let fields: Vec<&str> = spec.split_whitespace().collect();
    let [min, hour, dom, month, dow] = fields.as_slice() else {
        return Err(format!(
            "{:?} has {} field(s): Kubernetes takes five (minute hour day-of-month month day-of-week) or a macro such as @daily",
            rest,
            fields.len()
        ));
    };
    let min = parse_field(min, &MINUTE)?;
    let hour = parse_field(hour, &HOUR)?;
    let dom = parse_field(dom, &DOM)?;
    let month = parse_field(month, &MONTH)?;
    let dow = parse_field(dow, &DOW)?;
    let head = format!("{} {}", render(min.bits, &MINUTE, true), render(hour.bits, &HOUR, true));
    let month = render(month.bits, &MONTH, true);
    let with_dom = |d: &str| format!("cron({head} {d} {month} ? *)");
    let with_dow = |d: &str| format!("cron({head} ? {month} {d} *)");
    let dom_text = render(dom.bits, &DOM, true);
    let dow_text = days(dow.bits);
    let (dom_full, dow_full) = (full(dom.bits, &DOM), full(dow.bits, &DOW));
    let both = |reason: String, expression: String, other: String| Cron {
        expression,
        time_zone: time_zone.clone(),
        caveat: Some(Caveat {
            reason,
            fix: format!("create a second schedule with {other}, or change the schedule"),
        }),
    };
    let exact = |expression: String| Cron {
        expression,
        time_zone: time_zone.clone(),
        caveat: None,
    };
    Ok(if dom.star || dow.star {
        // AND: a full field does not restrict.
        match (dom_full, dow_full) {
            (true, true) => exact(with_dom("*")),
            (true, false) => exact(with_dow(&dow_text)),
            (false, true) => exact(with_dom(&dom_text)),
            (false, false) => both(
                format!(
                    "Kubernetes runs on days that are both day-of-month {dom_text} and {dow_text} (a field starting with * makes it AND); EventBridge takes one of the two: this schedule runs on every day-of-month {dom_text}"
                ),
                with_dom(&dom_text),
                with_dow(&dow_text),
            ),
        }
    } else if dom_full || dow_full {
        exact(with_dom("*"))
    } else {
        both(
            format!(
                "Kubernetes runs on day-of-month {dom_text} OR {dow_text}; an EventBridge expression takes only one: this schedule covers day-of-month {dom_text}"
            ),
            with_dom(&dom_text),
            with_dow(&dow_text),
        )
    })
}

/// `CRON_TZ=Zone rest` or `TZ=Zone rest`.
fn time_zone_prefix(schedule: &str) -> Result<(Option<String>, &str), String> {
    let Some(tail) = schedule
        .strip_prefix("CRON_TZ=")
        .or_else(|| schedule.strip_prefix("TZ="))
    else {
        return Ok((None, schedule));
    };
    let (zone, rest) = tail.split_once(char::is_whitespace).unwrap_or((tail, ""));
    let valid = !zone.is_empty()
        && zone
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'));
    if !valid {
        return Err(format!("{zone:?} is not a time zone name (such as Europe/Paris)"));
    }
    Ok((Some(zone.to_owned()), rest.trim_start()))
}

fn expand_macro(spec: &str) -> Result<&str, String> {
    if !spec.starts_with('@') {
        return Ok(spec);
    }
    Ok(match spec.to_ascii_lowercase().as_str() {
        "@yearly" | "@annually" => "0 0 1 1 *",
        "@monthly" => "0 0 1 * *",
        "@weekly" => "0 0 * * 0",
        "@daily" | "@midnight" => "0 0 * * *",
        "@hourly" => "0 * * * *",
        m if m.starts_with("@every") => {
            return Err(format!(
                "{spec:?}: an interval, not a time of day; EventBridge writes it as rate(N minutes)"
            ));
        }
        _ => {
            return Err(format!(
                "{spec:?} is not a macro Kubernetes knows (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)"
            ));
        }
    })
}

/// A comma-separated list of `*`, `?`, `N`, `A-B`, each with an optional `/STEP`.
fn parse_field(text: &str, b: &Bounds) -> Result<Field, String> {
    let mut field = Field { bits: 0, star: false };
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (part, None),
        };
        let (low, high, star) = if range == "*" || range == "?" {
            (b.min, b.max, true)
        } else if let Some((l, h)) = range.split_once('-') {
            (value(l, b)?, value(h, b)?, false)
        } else {
            let v = value(range, b)?;
            // `N/STEP` runs from N to the end of the field.
            (v, if step.is_some() { b.max } else { v }, false)
        };
        let step = match step {
            None => 1,
            Some(s) => match s.parse::<u32>() {
                Ok(n) if n > 0 => n,
                _ => {
                    return Err(format!(
                        "{text:?}: the step {s:?} of the {} is not a positive number",
                        b.what
                    ));
                }
            },
        };
        if low > high {
            return Err(format!(
                "{text:?}: the {} range {range} runs backwards (Kubernetes does not wrap around)",
                b.what
            ));
        }
        field.star |= star;
        let mut v = low;
        while v <= high {
            field.bits |= 1 << v;
            v += step;
        }
    }
    Ok(field)
}

fn value(text: &str, b: &Bounds) -> Result<u32, String> {
    let upper = text.to_ascii_uppercase();
    let n = match b.names.iter().position(|n| *n == upper) {
        Some(i) => i as u32 + b.first_name,
        None => text
            .parse::<u32>()
            .map_err(|_| format!("{text:?} is not a {} (number{})", b.what, names_hint(b)))?,
    };
    if n < b.min || n > b.max {
        return Err(format!("{n} is out of range for the {} ({}-{})", b.what, b.min, b.max));
    }
    Ok(n)
}

fn names_hint(b: &Bounds) -> String {
    match b.names {
        [] => String::new(),
        names => format!(" or {}-{}", names[0], names[names.len() - 1]),
    }
}

fn full(bits: u64, b: &Bounds) -> bool {
    (b.min..=b.max).all(|v| bits & (1 << v) != 0)
}

fn values(bits: u64, b: &Bounds) -> Vec<u32> {
    (b.min..=b.max).filter(|v| bits & (1 << v) != 0).collect()
}

/// A field as EventBridge writes it: `*`, `START/STEP` for three or more steps that run to the end of the
/// field, else ranges and single values.
fn render(bits: u64, b: &Bounds, steps: bool) -> String {
    if full(bits, b) {
        return "*".into();
    }
    let v = values(bits, b);
    if steps && v.len() >= 3 {
        let d = v[1] - v[0];
        let regular = v.windows(2).all(|w| w[1] - w[0] == d);
        if d > 1 && regular && v[v.len() - 1] + d > b.max {
            return format!("{}/{d}", v[0]);
        }
    }
    runs(&v, |n| n.to_string())
}

/// Days of the week as names (SUN-SAT), which EventBridge numbers 1-7.
fn days(bits: u64) -> String {
    runs(&values(bits, &DOW), |d| DAYS[d as usize].to_owned())
}

/// Consecutive values of three or more as `A-B`, the others one by one.
fn runs(v: &[u32], name: impl Fn(u32) -> String) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let mut j = i;
        while j + 1 < v.len() && v[j + 1] == v[j] + 1 {
            j += 1;
        }
        if j - i >= 2 {
            parts.push(format!("{}-{}", name(v[i]), name(v[j])));
        } else {
            parts.extend(v[i..=j].iter().map(|&n| name(n)));
        }
        i = j + 1;
    }
    parts.join(",")
}

#[cfg(test)]
mod tests;
