//! Seeded, bounded mutation testing on stable: mutations of the fixtures, the examples and the
//! rule examples go through lint, convert and estimate, which must not panic, must keep every
//! finding inside the file and must write reports that parse (fuzz/src/lib.rs says exactly what
//! holds; the cargo-fuzz targets check the same). Deterministic: case N is the same bytes on
//! every run, and `K2E_MUTATION_CASE=N` runs that case alone. `K2E_MUTATIONS=N` runs more.

mod common;
// The fuzz targets call the whole-input checks, this test the per-name ones.
#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod harness;

use common::rng::Rng;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// Enough to pass through every mutation kind many times, and under a minute in a debug build.
const CASES: usize = 5000;
const SEED: u64 = 0x6b32_655f_6675_7a7a;

/// (what, check, one case in how many runs it): SARIF and the estimate cost most.
type Check = fn(&str, &[u8]);
const CHECKS: [(&str, Check, usize); 4] = [
    ("lint", |name, data| harness::lint_reports(name, data, false), 1),
    ("lint with SARIF", harness::lint_as, 6),
    ("convert", harness::convert_as, 1),
    ("estimate", harness::estimate_as, 3),
];

/// Seeds the estimate check leaves out: their exact packing search runs to its budget (8M
/// expansions), over 20 s a case in a debug build. The unmutated seed and the fuzz target still
/// estimate them.
const SLOW_TO_ESTIMATE: &[&str] = &["tests/fixtures/estimate/review/quick-packing-noise.yaml"];

/// Tokens that mean something to YAML or JSON, or to k2e's checks.
const TOKENS: &[&str] = &[
    ":",
    ": ",
    "-",
    "- ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&a ",
    "*a",
    "<<: *a",
    "!!binary ",
    "!!str ",
    "!!int ",
    "!custom ",
    "\"",
    "'",
    "\t",
    "\n",
    "\r\n",
    "#",
    "---\n",
    "...\n",
    "|",
    ">-",
    "? ",
    "%YAML 1.2\n",
    "\\u0000",
    "\\",
    "{{ .Values.x }}",
    "null",
    "~",
    "true",
    "yes",
    "0x1F",
    "0o17",
    ".inf",
    "-.inf",
    ".nan",
    "1e400",
    "-5",
    "2147483648",
    "99999999999999999999999999",
    "0.0000001",
    "\u{feff}",
    "\u{0}",
    "é",
    "\u{1F600}",
    "kind: Deployment\n",
    "apiVersion: v1\n",
    "containers:\n- name: a\n",
    "replicas: ",
    "cpu: ",
    "memory: ",
    "\"family\": ",
    "\"containerDefinitions\": [",
    "resources:\n  requests:\n",
];

const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "-5",
    "1e20",
    "1e400",
    "2147483648",
    "18446744073709551616",
    "99999",
    "100000",
    "0.0001",
    "NaN",
    "1Ei",
    "999999Ti",
    "0x7fffffff",
    "1_000",
    "00012",
    "+3",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn mutated_inputs_hold() {
    let seeds = harness::seeds::all(root());
    assert!(seeds.len() > 100, "few seeds: {}", seeds.len());
    let cases = std::env::var("K2E_MUTATIONS").map_or(CASES, |n| n.parse().expect("K2E_MUTATIONS is a number"));
    let only: Option<usize> = std::env::var("K2E_MUTATION_CASE")
        .ok()
        .map(|n| n.parse().expect("a case number"));
    let mut failures = Vec::new();
    let started = std::time::Instant::now();
    let mut spent = [0.0; CHECKS.len()];
    for case in (0..cases).filter(|c| only.is_none_or(|o| o == *c)) {
        let mut rng = Rng(SEED ^ (case as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let (seed, name, data) = mutate(&seeds, &mut rng);
        let runs =
            |c: &&(&str, Check, usize)| case % c.2 == 0 && (c.0 != "estimate" || !SLOW_TO_ESTIMATE.contains(&seed));
        for (i, check) in CHECKS.iter().enumerate().filter(|(_, c)| runs(c)) {
            let t = std::time::Instant::now();
            failures.extend(run_checks([check].into_iter(), name, &data).map(|e| format!("case {case}: {e}")));
            let took = t.elapsed().as_secs_f64();
            if took > 1.0 {
                eprintln!("case {case}: {} took {took:.1}s", check.0);
            }
            spent[i] += took;
        }
    }
    let names = CHECKS.iter().map(|c| c.0);
    let spent: Vec<String> = names.zip(spent).map(|(n, s)| format!("{n} {s:.1}s")).collect();
    eprintln!(
        "{cases} mutations in {:.1}s ({})",
        started.elapsed().as_secs_f64(),
        spent.join(", ")
    );
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn seeds_hold_unmutated() {
    let mut failures = Vec::new();
    for (name, bytes) in harness::seeds::all(root()) {
        failures.extend(run_checks(CHECKS.iter(), read_as(&name), &bytes).map(|e| format!("{name}: {e}")));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Inputs the fuzzers found crashing, kept as fixtures once fixed.
#[test]
fn fuzz_fixtures_hold() {
    let dir = root().join("tests/fixtures/fuzz");
    let mut failures = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    for path in paths.iter().filter(|p| p.is_file()) {
        let bytes = std::fs::read(path).unwrap();
        for name in harness::NAMES {
            let errors = run_checks(CHECKS.iter(), name, &bytes);
            failures.extend(errors.map(|e| format!("{} as {name}: {e}", path.display())));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Writes the seed corpus for the cargo-fuzz targets into `$K2E_FUZZ_SEEDS` (scripts/fuzz runs
/// this), or into a temporary folder to check that the seeds can be written.
#[test]
#[ignore = "a tool for scripts/fuzz"]
fn write_fuzz_seeds() {
    let temp = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("K2E_FUZZ_SEEDS").map_or_else(|| temp.path().to_path_buf(), Into::into);
    let written = harness::seeds::write(root(), &dir).unwrap();
    assert!(written > 100, "{written} seeds written to {}", dir.display());
    eprintln!("{written} seeds written to {}", dir.display());
}

/// The name an input is read under: the extension picks JSON, Terraform or a YAML stream.
fn read_as(seed: &str) -> &'static str {
    match seed.rsplit('.').next() {
        Some("json") => harness::NAMES[1],
        Some("tf") => harness::NAMES[2],
        _ => harness::NAMES[0],
    }
}

/// Runs the checks on `data` read as `file`; each panic becomes an error naming the check and
/// the input.
fn run_checks<'a>(
    checks: impl Iterator<Item = &'a (&'static str, Check, usize)> + 'a,
    file: &'a str,
    data: &'a [u8],
) -> impl Iterator<Item = String> + 'a {
    checks.filter_map(move |(name, check, _)| {
        let outcome = catch_unwind(AssertUnwindSafe(|| check(file, data)));
        outcome.err().map(|panic| {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(not a string)");
            let shown: String = String::from_utf8_lossy(data).chars().take(3000).collect();
            format!(
                "{name} panicked: {message}\n--- input ({} bytes) ---\n{shown}\n---",
                data.len()
            )
        })
    })
}

/// A seed with one to four mutations: the seed's name, the name the result is read under
/// (mostly of the seed's own kind) and the bytes.
fn mutate<'a>(seeds: &'a [(String, Vec<u8>)], rng: &mut Rng) -> (&'a str, &'static str, Vec<u8>) {
    let (seed, data) = rng.pick(seeds);
    let mut name = read_as(seed);
    if rng.chance(15) {
        name = harness::NAMES[usize::from(name == harness::NAMES[0])];
    }
    let mut data = data.clone();
    for _ in 0..1 + rng.below(4) {
        match rng.below(10) {
            0 => flip_bit(&mut data, rng),
            1 | 2 => {
                let token = *rng.pick(TOKENS);
                insert(&mut data, rng, token.as_bytes());
            }
            3 => delete(&mut data, rng),
            4 => splice(&mut data, &rng.pick(seeds).1.clone(), rng),
            5 => duplicate_line(&mut data, rng),
            6 => nest(&mut data, rng),
            7 => huge_number(&mut data, rng),
            8 => {
                let at = rng.below(data.len());
                if let Some(b) = data.get_mut(at) {
                    *b = rng.next() as u8;
                }
            }
            _ => truncate(&mut data, rng),
        }
    }
    (seed, name, data)
}

fn flip_bit(data: &mut [u8], rng: &mut Rng) {
    let at = rng.below(data.len());
    if let Some(b) = data.get_mut(at) {
        *b ^= 1 << rng.below(8);
    }
}

fn insert(data: &mut Vec<u8>, rng: &mut Rng, token: &[u8]) {
    let at = rng.below(data.len() + 1);
    data.splice(at..at, token.iter().copied());
}

fn delete(data: &mut Vec<u8>, rng: &mut Rng) {
    let at = rng.below(data.len());
    let end = (at + 1 + rng.below(16)).min(data.len());
    data.drain(at..end);
}

/// A piece of another seed in place of a piece of this one.
fn splice(data: &mut Vec<u8>, other: &[u8], rng: &mut Rng) {
    let from = rng.below(other.len());
    let piece = &other[from..(from + 1 + rng.below(200)).min(other.len())];
    let at = rng.below(data.len());
    let end = (at + rng.below(64)).min(data.len());
    data.splice(at..end, piece.iter().copied());
}

fn duplicate_line(data: &mut Vec<u8>, rng: &mut Rng) {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(
            data.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .filter(|&i| i < data.len())
        .collect();
    let Some(&start) = starts.get(rng.below(starts.len())) else {
        return;
    };
    let end = data[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(data.len(), |i| start + i + 1);
    let line = data[start..end].to_vec();
    for _ in 0..1 + rng.below(3) {
        data.splice(start..start, line.iter().copied());
    }
}

/// Deep nesting, in flow or block style, at a random place.
fn nest(data: &mut Vec<u8>, rng: &mut Rng) {
    let depth = 1 + rng.below(300);
    let text = match rng.below(4) {
        0 => format!("{}1{}", "[".repeat(depth), "]".repeat(depth)),
        1 => format!("{}1{}", "{\"a\": ".repeat(depth), "}".repeat(depth)),
        2 => (0..depth.min(120)).map(|d| format!("{}- \n", "  ".repeat(d))).collect(),
        _ => (0..depth.min(120))
            .map(|d| format!("{}k{d}:\n", " ".repeat(d)))
            .collect(),
    };
    insert(data, rng, text.as_bytes());
}

/// A run of digits becomes a huge, negative or odd number.
fn huge_number(data: &mut Vec<u8>, rng: &mut Rng) {
    let digits: Vec<usize> = (0..data.len()).filter(|&i| data[i].is_ascii_digit()).collect();
    let number = (*rng.pick(NUMBERS)).as_bytes();
    let Some(&at) = digits.get(rng.below(digits.len())) else {
        return insert(data, rng, number);
    };
    let end = data[at..]
        .iter()
        .position(|b| !b.is_ascii_digit())
        .map_or(data.len(), |i| at + i);
    data.splice(at..end, number.iter().copied());
}

fn truncate(data: &mut Vec<u8>, rng: &mut Rng) {
    let at = rng.below(data.len() + 1);
    data.truncate(at);
}
