//! Names unique across a whole output set, so that applying every output creates every object
//! and overwrites none (docs/convert.md, "Names"). The rule, for the names a set of objects
//! want:
//! 1. a name that is too long for its place keeps its start and ends in `-` and a six-digit
//!    hash of the whole name;
//! 2. a name no other object wants is kept;
//! 3. names that collide take their qualified form (the namespace prefixed) when they have one
//!    and it collides with nothing;
//! 4. what still collides ends in `-` and a six-digit hash of the object's identity (kind,
//!    namespace, name), and, for identical identities, a counter.
//!
//! Names are compared by `key` (lowercase, the form the other side's rules make of them): `a.b`
//! and `a-b` collide when both become `a-b`.

use std::collections::{BTreeMap, BTreeSet};

/// What one object wants to be called.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wanted {
    /// The name made valid for its place (`ecs_name`, `dns_subdomain`...).
    pub name: String,
    /// The name with its namespace (or revision) prefixed, valid the same way, when there is one.
    pub qualified: Option<String>,
    /// Who wants it (`Deployment/shop/web`): what the hash suffix is made of.
    pub identity: String,
}

/// The name each object gets, in the order of `wanted`, each at most `limit` bytes.
pub fn resolve(wanted: &[Wanted], limit: usize, key: impl Fn(&str) -> String) -> Vec<String> {
    let fitted: Vec<String> = wanted.iter().map(|w| fit(&w.name, limit)).collect();
    let first = counts(fitted.iter().map(|n| key(n)));
    let mut out: Vec<Option<String>> = fitted
        .iter()
        .map(|n| (first[&key(n)] == 1).then(|| n.clone()))
        .collect();
    let mut taken: BTreeSet<String> = out.iter().flatten().map(|n| key(n)).collect();
    let qualified: Vec<Option<String>> = wanted
        .iter()
        .zip(&out)
        .map(|(w, o)| {
            o.is_none()
                .then(|| w.qualified.as_deref().map(|q| fit(q, limit)))
                .flatten()
        })
        .collect();
    let second = counts(qualified.iter().flatten().map(|n| key(n)));
    for i in 0..wanted.len() {
        if out[i].is_some() {
            continue;
        }
        let candidate = match &qualified[i] {
            Some(q) if second[&key(q)] == 1 && !taken.contains(&key(q)) => q.clone(),
            Some(q) => hashed(q, &wanted[i].identity, limit),
            None => hashed(&fitted[i], &wanted[i].identity, limit),
        };
        let name = free(candidate, &taken, limit, &key);
        taken.insert(key(&name));
        out[i] = Some(name);
    }
    out.into_iter().flatten().collect()
}

/// The name, or, when it is taken, the name with a counter (`-2`, `-3`...).
fn free(name: String, taken: &BTreeSet<String>, limit: usize, key: &impl Fn(&str) -> String) -> String {
    if !taken.contains(&key(&name)) {
        return name;
    }
    (2..)
        .map(|n| {
            let suffix = format!("-{n}");
            format!("{}{suffix}", cut(&name, limit - suffix.len()))
        })
        .find(|c| !taken.contains(&key(c)))
        .unwrap_or(name)
}

fn counts(keys: impl Iterator<Item = String>) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for k in keys {
        *m.entry(k).or_insert(0) += 1;
    }
    m
}

/// The name, or its start and a hash of the whole when it is longer than `limit`.
pub fn fit(name: &str, limit: usize) -> String {
    if name.len() <= limit {
        name.to_owned()
    } else {
        hashed(name, name, limit)
    }
}

/// `name-HASH` (HASH: six hex digits of `of`), cut to `limit`.
fn hashed(name: &str, of: &str, limit: usize) -> String {
    let suffix = format!("-{}", short_hash(of));
    format!("{}{suffix}", cut(name, limit.saturating_sub(suffix.len())))
}

/// The start of `name`, at most `len` bytes, ending with neither `-`, `_` nor `.` (which
/// Kubernetes names may not end with before the suffix is added... nor look doubled).
fn cut(name: &str, len: usize) -> &str {
    let mut end = len.min(name.len());
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].trim_end_matches(['-', '_', '.'])
}

/// Six hex digits of FNV-1a: stable across runs, platforms and k2e versions.
pub fn short_hash(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:06x}", h & 0x00ff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(name: &str, qualified: Option<&str>, identity: &str) -> Wanted {
        Wanted {
            name: name.into(),
            qualified: qualified.map(str::to_owned),
            identity: identity.into(),
        }
    }

    fn lower(s: &str) -> String {
        s.to_ascii_lowercase()
    }

    #[test]
    fn distinct_names_are_kept() {
        let names = resolve(
            &[w("web", Some("a-web"), "D/a/web"), w("api", None, "D/a/api")],
            255,
            lower,
        );
        assert_eq!(names, ["web", "api"]);
    }

    #[test]
    fn namespaces_then_hashes_resolve_collisions() {
        let names = resolve(
            &[
                w("web", Some("shop-web"), "Deployment/shop/web"),
                w("web", Some("blog-web"), "Deployment/blog/web"),
                w("web", Some("blog-web"), "StatefulSet/blog/web"),
            ],
            255,
            lower,
        );
        let hash = |id: &str| format!("blog-web-{}", short_hash(id));
        assert_eq!(
            names,
            [
                "shop-web".to_owned(),
                hash("Deployment/blog/web"),
                hash("StatefulSet/blog/web")
            ]
        );
    }

    #[test]
    fn identical_identities_get_counters_and_case_counts() {
        let names = resolve(
            &[
                w("Web", None, "T/web"),
                w("web", None, "T/web"),
                w("web", None, "T/web"),
            ],
            255,
            lower,
        );
        let h = format!("web-{}", short_hash("T/web"));
        assert_eq!(
            names,
            [
                format!("Web-{}", short_hash("T/web")),
                format!("{h}-2"),
                format!("{h}-3")
            ]
        );
    }

    #[test]
    fn a_renamed_name_does_not_take_a_kept_one() {
        // `a-web` is wanted by another object: the qualified form of `web` must not take it.
        let names = resolve(
            &[
                w("web", Some("a-web"), "1"),
                w("web", Some("b-web"), "2"),
                w("a-web", None, "3"),
            ],
            255,
            lower,
        );
        assert_eq!(names[2], "a-web");
        assert_eq!(names[0], format!("a-web-{}", short_hash("1")));
        assert_eq!(names[1], "b-web");
    }

    #[test]
    fn long_names_fit_their_limit_and_stay_distinct() {
        let a = format!("{}-a", "x".repeat(60));
        let b = format!("{}-b", "x".repeat(60));
        let names = resolve(&[w(&a, None, "a"), w(&b, None, "b")], 52, lower);
        assert!(names.iter().all(|n| n.len() <= 52), "{names:?}");
        assert_ne!(names[0], names[1]);
        assert!(!names[0].contains("--"), "{names:?}");
    }

    #[test]
    fn the_hash_is_stable() {
        assert_eq!(short_hash("Deployment/shop/web"), short_hash("Deployment/shop/web"));
        assert_eq!(short_hash("").len(), 6);
    }
}
