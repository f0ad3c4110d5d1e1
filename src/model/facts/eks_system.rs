//! The system pods every EKS Linux node runs (data/eks-system-pods.yaml): aws-node (the VPC
//! CNI) and kube-proxy. Each takes a pod slot and its requests from the node.

use serde::Deserialize;
use std::sync::OnceLock;

const EKS_SYSTEM_PODS: &str = include_str!("data/eks-system-pods.yaml");

#[derive(Debug, Deserialize)]
pub struct SystemPods {
    pub source: String,
    pub as_of: String,
    pub pods: Vec<SystemPod>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct SystemPod {
    pub name: String,
    pub namespace: String,
    pub cpu_millis: u64,
    pub memory_mib: u64,
}

impl SystemPods {
    pub fn get() -> &'static SystemPods {
        static T: OnceLock<SystemPods> = OnceLock::new();
        // Shipped in the binary and loaded by a test, so it cannot fail at run time.
        T.get_or_init(|| super::read_yaml(EKS_SYSTEM_PODS).expect("src/model/facts/data/eks-system-pods.yaml is valid"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_node_and_kube_proxy_are_dated() {
        let t = SystemPods::get();
        assert!(!t.source.is_empty() && !t.as_of.is_empty());
        let names: Vec<&str> = t.pods.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["aws-node", "kube-proxy"]);
    }
}
