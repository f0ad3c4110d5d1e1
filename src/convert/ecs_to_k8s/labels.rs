//! Tags and docker labels -> labels and annotations: what passes for a label is a label, a key
//! under `k8s.annotation/` (written by --to ecs) or a value no label can hold is an annotation.

use crate::convert::names::{is_label_value, is_qualified_key};
use crate::convert::release;
use crate::convert::value::Map;

pub const ANNOTATION_PREFIX: &str = "k8s.annotation/";

/// Where a tag or docker label goes.
#[derive(Debug, PartialEq, Eq)]
pub enum Place {
    Label(String),
    Annotation(String),
    /// The key is not a valid label or annotation key.
    Nowhere,
}

pub fn place(key: &str, value: &str) -> Place {
    if let Some(k) = key.strip_prefix(ANNOTATION_PREFIX) {
        return if is_qualified_key(k) {
            Place::Annotation(k.to_owned())
        } else {
            Place::Nowhere
        };
    }
    if !is_qualified_key(key) {
        return Place::Nowhere;
    }
    if is_label_value(value) {
        Place::Label(key.to_owned())
    } else {
        Place::Annotation(key.to_owned())
    }
}

/// Labels and annotations of one object or pod template.
#[derive(Debug, Default, Clone)]
pub struct Meta {
    pub labels: Map,
    pub annotations: Map,
}

impl Meta {
    /// Adds a key; returns where it went ("labels/KEY" or "annotations/KEY"), None if nowhere.
    pub fn add(&mut self, key: &str, value: &str) -> Option<String> {
        match place(key, value) {
            Place::Label(k) => {
                self.labels.insert(k.clone(), value);
                Some(format!("labels/{}", crate::convert::cursor::escape(&k)))
            }
            Place::Annotation(k) => {
                self.annotations.insert(k.clone(), value);
                Some(format!("annotations/{}", crate::convert::cursor::escape(&k)))
            }
            Place::Nowhere => None,
        }
    }
}

/// The labels a selector may use: not those that change with a release (a Deployment's selector
/// cannot change later, and a Service selecting on a version loses the next release's pods).
/// `tags` are the containers' image tags: a label holding one is a version too.
pub fn selector(labels: &Map, tags: &[&str]) -> Map {
    let mut selector = Map::new();
    for (key, value) in labels.iter() {
        let value = value.as_str().unwrap_or_default();
        if !release::is_release_label(key, value, tags) {
            selector.insert(key, value);
        }
    }
    selector.sort_keys();
    selector
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_labels_stay_out_of_selectors() {
        let mut labels = Map::new();
        for (k, v) in [
            ("app", "web"),
            ("version", "stable"),
            ("app.kubernetes.io/version", "x"),
            ("release", "2.4.1-rc.1"),
            ("build", "abc"),
            ("tier", "3"),
        ] {
            labels.insert(k, v);
        }
        let selected = selector(&labels, &["abc"]);
        let kept: Vec<&str> = selected.iter().map(|(k, _)| k).collect();
        assert_eq!(kept, ["app", "tier"]);
        assert_eq!(release::image_tag("registry:5000/team/app:1.2@sha256:00"), Some("1.2"));
        assert_eq!(release::image_tag("registry:5000/team/app"), None);
    }

    #[test]
    fn places() {
        assert_eq!(place("app", "web"), Place::Label("app".into()));
        assert_eq!(place("k8s.annotation/app", "web"), Place::Annotation("app".into()));
        assert_eq!(
            place("com.example/config", "{\"a\": 1}"),
            Place::Annotation("com.example/config".into())
        );
        assert_eq!(place("has space", "x"), Place::Nowhere);
    }
}
