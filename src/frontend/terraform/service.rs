//! A service's `task_definition` naming a task definition of the same module
//! (`aws_ecs_task_definition.web.arn`, `.family`, `"${...family}:${...revision}"`).

use crate::parse::hcl::{Expr, ExprKind, Part, Step};

pub const TASK_TYPE: &str = "aws_ecs_task_definition";
pub const SERVICE_TYPE: &str = "aws_ecs_service";

/// The attributes of a task definition that identify it.
const NAMING: &[&str] = &["arn", "arn_without_revision", "family", "id", "revision"];

/// The name (`web`) of the task definition resource `e` refers to, when every reference in it
/// is to the same one.
pub fn linked_task(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Reference(_) => task_of(e),
        ExprKind::Template(parts) => {
            let mut names = parts.iter().filter_map(|p| match p {
                Part::Interpolation(i) => Some(task_of(i)),
                _ => None,
            });
            let first = names.next()??;
            names.all(|n| n.as_deref() == Some(&first)).then_some(first)
        }
        _ => None,
    }
}

/// `aws_ecs_task_definition.NAME[.INDEX].ATTR` -> NAME.
fn task_of(e: &Expr) -> Option<String> {
    let ExprKind::Reference(steps) = &e.kind else {
        return None;
    };
    let attrs: Vec<&str> = steps
        .iter()
        .filter_map(|s| match s {
            Step::Attr(a) => Some(a.as_str()),
            Step::Index(_) | Step::Splat => None,
        })
        .collect();
    match attrs.as_slice() {
        [TASK_TYPE, name, attr] if NAMING.contains(attr) => Some((*name).to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Limits;

    fn link(value: &str) -> Option<String> {
        let body = crate::parse::hcl(&format!("a = {value}\n"), 0, &Limits::default()).unwrap();
        linked_task(&body.attributes[0].value)
    }

    #[test]
    fn references_to_one_task_definition_link_it() {
        assert_eq!(link("aws_ecs_task_definition.web.arn").as_deref(), Some("web"));
        assert_eq!(link("aws_ecs_task_definition.web[0].family").as_deref(), Some("web"));
        let pinned = "\"${aws_ecs_task_definition.web.family}:${aws_ecs_task_definition.web.revision}\"";
        assert_eq!(link(pinned).as_deref(), Some("web"));
        let mixed = "\"${aws_ecs_task_definition.web.family}:${var.rev}\"";
        assert_eq!(link(mixed), None);
        assert_eq!(link("var.task"), None);
        assert_eq!(link("aws_ecs_task_definition.web.cpu"), None);
        assert_eq!(link("\"web:1\""), None);
    }
}
