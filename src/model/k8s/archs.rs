//! The CPU architectures a pod template is pinned to by its node selector and required node
//! affinity on `kubernetes.io/arch`.

use super::{ARCH_LABELS, PodTemplate, REQUIRED_TERMS};
use crate::parse::Node;

/// The architectures a pod may run on, as Kubernetes names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArchSet {
    pub amd64: bool,
    pub arm64: bool,
}

impl ArchSet {
    pub const ANY: ArchSet = ArchSet {
        amd64: true,
        arm64: true,
    };

    fn named<S: AsRef<str>>(values: &[S]) -> ArchSet {
        let has = |name: &str| values.iter().any(|v| v.as_ref() == name);
        ArchSet {
            amd64: has("amd64"),
            arm64: has("arm64"),
        }
    }

    fn and(self, other: ArchSet) -> ArchSet {
        ArchSet {
            amd64: self.amd64 && other.amd64,
            arm64: self.arm64 && other.arm64,
        }
    }

    fn or(self, other: ArchSet) -> ArchSet {
        ArchSet {
            amd64: self.amd64 || other.amd64,
            arm64: self.arm64 || other.arm64,
        }
    }

    fn not(self) -> ArchSet {
        ArchSet {
            amd64: !self.amd64,
            arm64: !self.arm64,
        }
    }
}

impl PodTemplate<'_> {
    /// The architectures the pod may run on, from its node selector and required node affinity,
    /// with where that came from; None when the pod does not say.
    pub fn archs(&self) -> Option<(ArchSet, String)> {
        let mut allowed = None;
        if let Some(selector) = self.spec.get("nodeSelector") {
            for label in ARCH_LABELS {
                if let Some(value) = selector.get(label).and_then(Node::as_str) {
                    allowed = Some((ArchSet::named(&[value]), format!("nodeSelector {label}={value}")));
                }
            }
        }
        if let Some(union) = self.affinity_archs().filter(|u| *u != ArchSet::ANY) {
            let combined = allowed.map_or(union, |(a, _)| a.and(union));
            allowed = Some((combined, "required node affinity on kubernetes.io/arch".to_owned()));
        }
        allowed
    }

    /// The union over the required node affinity terms (ORed) of what each term's expressions
    /// (ANDed) allow; a term without an `In` or `NotIn` on the arch label allows any.
    fn affinity_archs(&self) -> Option<ArchSet> {
        let terms = self.spec.pointer(REQUIRED_TERMS)?.0.as_seq()?;
        let mut union: Option<ArchSet> = None;
        for term in terms {
            let mut set = ArchSet::ANY;
            let mut constrained = false;
            for expr in term.get("matchExpressions").and_then(Node::as_seq).unwrap_or_default() {
                let key = expr.get("key").and_then(Node::as_str).unwrap_or("");
                if !ARCH_LABELS.contains(&key) {
                    continue;
                }
                let named = ArchSet::named(&expr.scalar_texts("values"));
                match expr.get("operator").and_then(Node::as_str) {
                    Some("In") => {
                        set = set.and(named);
                        constrained = true;
                    }
                    Some("NotIn") => {
                        set = set.and(named.not());
                        constrained = true;
                    }
                    _ => {}
                }
            }
            if !constrained {
                set = ArchSet::ANY;
            }
            union = Some(union.map_or(set, |u| u.or(set)));
        }
        union
    }
}
