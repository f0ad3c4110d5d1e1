//! Everything the inputs hold, by what it is: the converters look up Services, ConfigMaps,
//! Secrets, ServiceAccounts and ECS services across all inputs, whatever file they came from.

use super::input::Source;
use crate::detect::{Detected, EcsShape, K8sObject, detect};
use crate::frontend::{Read, Resource, ResourceKind};
use crate::model::ecs::TaskDefinition;
use crate::parse::{Document, Node};

pub struct K8sItem<'a> {
    pub file: &'a str,
    pub doc: &'a Document,
    pub obj: K8sObject<'a>,
}

impl K8sItem<'_> {
    pub fn namespace(&self) -> &str {
        namespace_of(self.obj.node)
    }

    pub fn name(&self) -> &str {
        self.obj.name.unwrap_or("")
    }
}

pub fn namespace_of(node: &Node) -> &str {
    node.get("metadata")
        .and_then(|m| m.get("namespace"))
        .and_then(Node::as_str)
        .filter(|n| !n.is_empty())
        .unwrap_or("default")
}

/// A task definition (`prefix` "" or "/taskDefinition", or a bare container array) or an ECS
/// service.
pub struct EcsItem<'a> {
    pub file: &'a str,
    pub doc: &'a Document,
    pub root: &'a Node,
    /// The task definition or service object.
    pub node: &'a Node,
    pub prefix: &'static str,
    pub shape: Option<EcsShape>,
    /// The template or plan resource the item was read from, when it was.
    pub resource: Option<&'a Resource>,
}

/// A document that is none of the above.
#[derive(Clone, Debug, serde::Serialize, PartialEq, Eq)]
pub struct Skipped {
    pub file: String,
    pub document: usize,
    pub reason: String,
}

#[derive(Default)]
pub struct Catalog<'a> {
    pub k8s: Vec<K8sItem<'a>>,
    pub ecs_tasks: Vec<EcsItem<'a>>,
    pub ecs_services: Vec<EcsItem<'a>>,
    /// Application Auto Scaling inputs (scalable targets and scaling policies) of ECS services.
    pub ecs_scaling: Vec<EcsItem<'a>>,
    pub skipped: Vec<Skipped>,
}

impl<'a> Catalog<'a> {
    pub fn new(sources: &'a [Source]) -> Self {
        let mut c = Catalog::default();
        for source in sources {
            for doc in &source.documents {
                if let Some((_, read)) = source.resources.iter().find(|(index, _)| *index == doc.index) {
                    c.add_resources(&source.file, doc, read);
                    continue;
                }
                let Some(root) = &doc.root else { continue };
                match detect(root) {
                    Detected::Kubernetes(objects) => {
                        c.k8s.extend(objects.into_iter().map(|obj| K8sItem {
                            file: &source.file,
                            doc,
                            obj,
                        }));
                    }
                    Detected::Ecs { shape, .. } => {
                        if let Some(task) = TaskDefinition::of(root, shape) {
                            c.ecs_tasks.push(EcsItem {
                                file: &source.file,
                                doc,
                                root,
                                node: task.node,
                                prefix: task.pointer,
                                shape: Some(shape),
                                resource: None,
                            });
                        }
                    }
                    Detected::EcsService { .. } => c.ecs_services.push(EcsItem {
                        file: &source.file,
                        doc,
                        root,
                        node: root,
                        prefix: "",
                        shape: None,
                        resource: None,
                    }),
                    Detected::Unknown(_) if crate::detect::ecs_scaling(root).is_some() => c.ecs_scaling.push(EcsItem {
                        file: &source.file,
                        doc,
                        root,
                        node: root,
                        prefix: "",
                        shape: None,
                        resource: None,
                    }),
                    Detected::Unknown(reason) => c.skipped.push(Skipped {
                        file: source.file.clone(),
                        document: doc.index,
                        reason: reason.to_owned(),
                    }),
                }
            }
        }
        c.leave_out_included();
        c
    }

    /// A file a Terraform resource reads its containers from (`file(...)`) is converted as part
    /// of that resource, not again on its own.
    fn leave_out_included(&mut self) {
        let included: Vec<&str> = self
            .ecs_tasks
            .iter()
            .filter_map(|t| t.resource?.included.as_ref())
            .map(|i| i.file.as_str())
            .collect();
        let (kept, left): (Vec<_>, Vec<_>) = std::mem::take(&mut self.ecs_tasks)
            .into_iter()
            .partition(|t| t.resource.is_some() || !included.contains(&t.file));
        self.ecs_tasks = kept;
        self.skipped.extend(left.into_iter().map(|t| Skipped {
            file: t.file.to_owned(),
            document: t.doc.index,
            reason: "read by a Terraform file's file(): converted with its resource".to_owned(),
        }));
    }

    /// The task definitions and services a template or plan holds; one with none is skipped.
    fn add_resources(&mut self, file: &'a str, doc: &'a Document, read: &'a Read) {
        if read.resources.is_empty() {
            self.skipped.push(Skipped {
                file: file.to_owned(),
                document: doc.index,
                reason: read.source.without_resources().to_owned(),
            });
        }
        for r in &read.resources {
            let item = EcsItem {
                file,
                doc,
                root: &r.node,
                node: &r.node,
                prefix: "",
                shape: (r.kind == ResourceKind::TaskDefinition).then_some(EcsShape::Register),
                resource: Some(r),
            };
            match r.kind {
                ResourceKind::TaskDefinition => self.ecs_tasks.push(item),
                ResourceKind::Service => self.ecs_services.push(item),
            }
        }
    }

    /// A Kubernetes object by kind, namespace and name.
    pub fn find(&self, kind: &str, namespace: &str, name: &str) -> Option<&K8sItem<'a>> {
        self.k8s
            .iter()
            .find(|i| i.obj.kind == kind && i.namespace() == namespace && i.obj.name == Some(name))
    }

    pub fn of_kind<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = &'s K8sItem<'a>> + 's {
        self.k8s.iter().filter(move |i| i.obj.kind == kind)
    }
}
