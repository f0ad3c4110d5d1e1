//! Which platform the rules check for (`--target`) and which rules run (`--select`/`--ignore`).

use crate::parse::Node;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Target {
    /// ECS task definitions are checked for the launch types they declare
    /// (`requiresCompatibilities`); Kubernetes objects for no particular platform.
    #[default]
    Auto,
    EcsFargate,
    EcsEc2,
    EksFargate,
    EksEc2,
}

impl Target {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "auto" => Target::Auto,
            "ecs-fargate" => Target::EcsFargate,
            "ecs-ec2" => Target::EcsEc2,
            "eks-fargate" => Target::EksFargate,
            "eks-ec2" => Target::EksEc2,
            _ => return None,
        })
    }

    /// Whether an ECS task definition is checked against the Fargate rules.
    pub fn ecs_fargate(self, task: &Node) -> bool {
        match self {
            Target::EcsFargate => true,
            Target::EcsEc2 => false,
            Target::Auto | Target::EksFargate | Target::EksEc2 => task
                .get("requiresCompatibilities")
                .and_then(Node::as_seq)
                .is_some_and(|c| c.iter().any(|n| n.as_str() == Some("FARGATE"))),
        }
    }
}

/// `--select` / `--ignore`: rule ids or prefixes (`FG`, `K8S00`).
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    pub fn allows(&self, id: &str) -> bool {
        let matches = |p: &String| id.starts_with(p.as_str());
        (self.select.is_empty() || self.select.iter().any(matches)) && !self.ignore.iter().any(matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_select_and_ignore() {
        let s = Selection {
            select: vec!["FG".into(), "K8S001".into()],
            ignore: vec!["FG00".into()],
        };
        assert!(s.allows("K8S001"));
        assert!(!s.allows("K8S002"));
        assert!(!s.allows("FG001"));
        assert!(s.allows("FG010"));
        assert!(Selection::default().allows("YML001"));
    }
}
