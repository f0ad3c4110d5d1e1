//! Labels that name a release rather than the workload (`version: v1`, a label holding the image
//! tag). Both directions agree on them: converting to Kubernetes leaves them out of selectors, so
//! converting to ECS cannot call a selector that uses one "mapped".

/// Label keys that name a release, not the workload.
const VERSION_KEYS: &[&str] = &[
    "app.kubernetes.io/version",
    "version",
    "helm.sh/chart",
    "pod-template-hash",
    "controller-revision-hash",
];

/// `tags` are the containers' image tags: a label holding one is a version too.
pub fn is_release_label(key: &str, value: &str, tags: &[&str]) -> bool {
    VERSION_KEYS.contains(&key) || key.ends_with("/version") || tags.contains(&value) || looks_like_version(value)
}

/// `1.2`, `v1.2.3`, `2.4.1-rc.1`: dotted numbers, optionally after a `v`.
fn looks_like_version(value: &str) -> bool {
    let core = value.strip_prefix('v').unwrap_or(value);
    let core = core.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// An image's tag (`repo/app:1.2` -> `1.2`), without a digest.
pub fn image_tag(image: &str) -> Option<&str> {
    let image = image.split('@').next().unwrap_or(image);
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split_once(':').map(|(_, tag)| tag)
}
