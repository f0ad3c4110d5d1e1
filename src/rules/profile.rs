//! The EKS Fargate profiles a project declares (`fargate-profiles` in `.k2e.yaml`, parsed by
//! `config`): the rules read them to tell which pods run on Fargate.

use crate::globs::Globs;
use std::collections::BTreeMap;

/// An EKS Fargate profile: a pod runs on Fargate when one of its selectors matches.
#[derive(Debug)]
pub struct Profile {
    pub name: String,
    pub selectors: Vec<ProfileSelector>,
}

#[derive(Debug)]
pub struct ProfileSelector {
    pub namespace: Globs,
    pub labels: Vec<(String, Globs)>,
}

impl ProfileSelector {
    pub fn matches(&self, namespace: &str, labels: &BTreeMap<String, String>) -> bool {
        self.namespace.matches_name(namespace)
            && self
                .labels
                .iter()
                .all(|(key, value)| labels.get(key).is_some_and(|v| value.matches_name(v)))
    }
}
