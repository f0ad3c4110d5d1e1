//! The `.tf` reader over the fixtures of `tests/fixtures/terraform/` and small modules written
//! to a temporary directory.

use super::*;
use crate::frontend::{Resource, ResourceKind};
use crate::parse::Node;
use crate::parse::Span;
use std::path::PathBuf;

fn fixture(dir: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/terraform")
        .join(dir)
        .join("main.tf")
}

fn read_path(path: &Path) -> (Document, Vec<Resource>, Vec<FrontendError>) {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = Document::new(0, text.clone(), 0, 1);
    let body = crate::parse::hcl(&text, 0, &Limits::default()).unwrap();
    let module = Module {
        path: Some(path),
        max_file_size: 1 << 20,
        limits: Limits::default(),
    };
    let (resources, errors) = hcl_resources(&doc, &body, &module);
    (doc, resources, errors)
}

/// A module of one `main.tf` (and other files) written to a temporary directory.
fn read_module(files: &[(&str, &str)]) -> (Document, Vec<Resource>, Vec<FrontendError>) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    read_path(&dir.path().join("main.tf"))
}

fn at<'a>(r: &'a Resource, pointer: &str) -> &'a Node {
    r.node
        .pointer(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in {}", r.node.to_json()))
        .0
}

fn unknown_pointers(r: &Resource) -> Vec<&str> {
    r.unknown.iter().map(|u| u.pointer.as_str()).collect()
}

#[test]
fn jsonencode_literal_and_a_linked_service() {
    let (doc, resources, errors) = read_path(&fixture("literal"));
    assert!(errors.is_empty(), "{errors:?}");
    let [task, service] = resources.as_slice() else {
        panic!()
    };
    assert_eq!(
        (task.label.as_str(), task.kind),
        ("aws_ecs_task_definition.web", ResourceKind::TaskDefinition)
    );
    assert_eq!(task.pointer, "/resource/aws_ecs_task_definition/web");
    assert_eq!(at(task, "/cpu").as_str(), Some("300"));
    assert_eq!(doc.raw(at(task, "/cpu").span), Some("300"));
    let host_port = at(task, "/containerDefinitions/0/portMappings/0/hostPort");
    assert_eq!(doc.raw(host_port.span), Some("8080"));
    assert_eq!(at(task, "/runtimePlatform/cpuArchitecture").as_str(), Some("X86_64"));
    assert_eq!(
        unknown_pointers(task),
        ["/executionRoleArn", "/containerDefinitions/0/image"]
    );
    assert_eq!(doc.raw(task.unknown[1].span), Some("\"nginx:${var.image_tag}\""));
    assert!(task.is_unknown(host_port.span, Some("/containerDefinitions/0/image")));
    assert_eq!(
        task.source_pointer("/containerDefinitions/0/cpu"),
        "/resource/aws_ecs_task_definition/web/container_definitions/0/cpu"
    );
    assert_eq!(
        task.source_pointer("/runtimePlatform/cpuArchitecture"),
        "/resource/aws_ecs_task_definition/web/runtime_platform/0/cpu_architecture"
    );
    assert_eq!(service.task_definition.as_deref(), Some("aws_ecs_task_definition.web"));
    assert_eq!(at(service, "/taskDefinition").as_str(), Some("web"));
    assert_eq!(
        doc.raw(at(service, "/taskDefinition").span),
        Some("aws_ecs_task_definition.web.arn")
    );
    let vpc = at(service, "/networkConfiguration/awsvpcConfiguration");
    assert_eq!(vpc.get("assignPublicIp").and_then(Node::as_str), Some("ENABLED"));
    assert_eq!(
        unknown_pointers(service),
        ["/cluster", "/networkConfiguration/awsvpcConfiguration/securityGroups/0"]
    );
    assert_eq!(at(service, "/desiredCount").to_json(), serde_json::json!(2));
    assert_eq!(at(service, "/serviceName").as_str(), Some("web"));
}

#[test]
fn heredoc_json_points_into_the_tf_file() {
    let (doc, resources, errors) = read_path(&fixture("heredoc"));
    assert!(errors.is_empty(), "{errors:?}");
    let task = &resources[0];
    let host_port = at(task, "/containerDefinitions/0/portMappings/0/hostPort");
    assert_eq!(host_port.to_json(), serde_json::json!(80));
    assert_eq!(doc.raw(host_port.span), Some("80"));
    assert_eq!(unknown_pointers(task), ["/containerDefinitions/0/image"]);
    assert_eq!(doc.raw(task.unknown[0].span), Some("\"${var.image}\""));
    assert_eq!(at(task, "/memory").as_str(), Some("1024"));
}

#[test]
fn file_of_the_module_is_included_with_shifted_spans() {
    let (doc, resources, errors) = read_path(&fixture("file"));
    assert!(errors.is_empty(), "{errors:?}");
    let task = &resources[0];
    let included = task.included.as_ref().unwrap();
    assert!(included.file.ends_with("file/containers.json"), "{}", included.file);
    assert_eq!(included.base, doc.text.len() + 1);
    let host_port = at(task, "/containerDefinitions/0/portMappings/0/hostPort");
    let local = Span::new(host_port.span.start - included.base, host_port.span.end - included.base);
    assert_eq!(included.doc.raw(local), Some("9090"));
    assert!(
        task.notes
            .iter()
            .any(|n| n.starts_with("container_definitions read from"))
    );
    let memory = at(task, "/memory");
    assert_eq!(
        (memory.as_str(), doc.raw(memory.span)),
        (Some("512"), Some("var.memory"))
    );
    let assumed = &task.assumed[0];
    assert_eq!(
        (assumed.name.as_str(), assumed.value.as_str()),
        ("variable memory", "\"512\"")
    );
    assert_eq!(assumed.default_file, None);
    assert_eq!(doc.raw(assumed.default_span), Some("\"512\""));
    assert!(task.unknown.is_empty());
}

#[test]
fn templatefile_placeholders_are_unknown() {
    let (doc, resources, errors) = read_path(&fixture("templatefile"));
    assert!(errors.is_empty(), "{errors:?}");
    let task = &resources[0];
    assert_eq!(
        unknown_pointers(task),
        ["/containerDefinitions/0/image", "/containerDefinitions/0/cpu"]
    );
    let included = task.included.as_ref().unwrap();
    let cpu = at(task, "/containerDefinitions/0/cpu");
    let local = Span::new(cpu.span.start - included.base, cpu.span.end - included.base);
    assert_eq!(included.doc.raw(local), Some("${cpu}"));
    assert_eq!(
        at(task, "/containerDefinitions/0/portMappings/0/hostPort").to_json(),
        serde_json::json!(8001)
    );
    let task_cpu = at(task, "/cpu");
    assert_eq!(
        (task_cpu.as_str(), doc.raw(task_cpu.span)),
        (Some("300"), Some("var.cpu"))
    );
    assert_eq!(at(task, "/memory").as_str(), Some("1024"));
}

#[test]
fn variables_of_a_sibling_file_give_their_defaults() {
    let (_, resources, errors) = read_path(&fixture("variable"));
    assert!(errors.is_empty(), "{errors:?}");
    let task = &resources[0];
    assert_eq!(at(task, "/cpu").as_str(), Some("300"));
    let files: Vec<_> = task
        .assumed
        .iter()
        .map(|a| (a.name.as_str(), a.default_file.as_deref()))
        .collect();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].0, "variable cpu");
    assert!(files[0].1.unwrap().ends_with("variable/variables.tf"));
    assert_eq!(unknown_pointers(task), ["/containerDefinitions/0/image"]);
    assert_eq!(at(task, "/volumes/0/host/sourcePath").as_str(), Some("/mnt/scratch"));
    assert_eq!(
        task.source_pointer("/volumes/0/name"),
        "/resource/aws_ecs_task_definition/app/volume/0/name"
    );
    let [choice] = task.choices.as_slice() else {
        panic!("{:?}", task.choices)
    };
    assert_eq!(
        (choice.name.as_str(), choice.pointer.as_str()),
        ("variable cpu", "/cpu")
    );
    let values: Vec<_> = choice.values.iter().filter_map(Node::as_str).collect();
    assert_eq!(values, ["256", "300", "512"]);
}

#[test]
fn malformed_hcl_is_an_error_with_a_line() {
    let text = std::fs::read_to_string(fixture("malformed")).unwrap();
    let e = crate::parse::hcl(&text, 0, &Limits::default()).unwrap_err();
    assert!(
        e.message
            .starts_with("invalid HCL at line 9, column 11: invalid expression"),
        "{}",
        e.message
    );
}

const TASK_HEAD: &str = "resource \"aws_ecs_task_definition\" \"t\" {\n  family = \"t\"\n";

#[test]
fn paths_outside_the_module_are_refused_and_missing_files_are_errors() {
    for (path, note) in [
        ("\"../x.json\"", "leaves the module's directory"),
        ("\"/etc/hosts\"", "is an absolute path"),
        ("\"${var.dir}/x.json\"", "the file's path is not known"),
    ] {
        let tf = format!("{TASK_HEAD}  container_definitions = file({path})\n}}\n");
        let (_, resources, errors) = read_module(&[("main.tf", &tf)]);
        assert!(errors.is_empty(), "{errors:?}");
        let task = &resources[0];
        assert!(task.notes.iter().any(|n| n.contains(note)), "{:?}", task.notes);
        assert_eq!(unknown_pointers(task), ["/containerDefinitions"]);
        assert!(task.included.is_none());
    }
    let tf = format!("{TASK_HEAD}  container_definitions = file(\"sub/missing.json\")\n}}\n");
    let (doc, _, errors) = read_module(&[("main.tf", &tf)]);
    assert!(errors[0].message.contains("missing.json"), "{}", errors[0].message);
    assert_eq!(doc.raw(errors[0].span), Some("\"sub/missing.json\""));
}

#[test]
fn a_json_file_that_does_not_parse_is_an_error_in_that_file() {
    let tf = format!("{TASK_HEAD}  container_definitions = file(\"c/x.json\")\n}}\n");
    let (doc, resources, errors) = read_module(&[("main.tf", &tf), ("c/x.json", "[{\"cpu\": }]")]);
    let base = doc.text.len() + 1;
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].span.start - base, 9);
    assert_eq!(unknown_pointers(&resources[0]), ["/containerDefinitions"]);
}

#[test]
fn dynamic_blocks_count_and_unknown_arguments_are_noted() {
    let tf = format!(
        "{TASK_HEAD}  count = 2\n  bogus = 1\n  cpu = local.cpu\n  dynamic \"volume\" {{\n    for_each = var.v\n    content {{\n      name = volume.value\n    }}\n  }}\n  container_definitions = jsonencode([{{ name = \"a\", cpu = 1 + 1 }}])\n}}\n"
    );
    let (_, resources, errors) = read_module(&[("main.tf", &tf)]);
    assert!(errors.is_empty());
    let task = &resources[0];
    assert_eq!(
        unknown_pointers(task),
        ["/cpu", "/volumes", "/containerDefinitions/0/cpu"]
    );
    assert!(task.notes.contains(&"`count`: the resource is read once".to_owned()));
    assert!(task.notes.iter().any(|n| n.contains("`bogus`")));
}

#[test]
fn template_directives_and_files_without_ecs_resources() {
    let tf = format!("{TASK_HEAD}  container_definitions = templatefile(\"t.tpl\", {{}})\n}}\n");
    let tpl = "[%{ for c in cs }{\"name\": \"${c}\"}%{ endfor }]";
    let (_, resources, _) = read_module(&[("main.tf", &tf), ("t.tpl", tpl)]);
    assert_eq!(unknown_pointers(&resources[0]), ["/containerDefinitions"]);
    let (_, resources, errors) = read_module(&[("main.tf", "resource \"aws_s3_bucket\" \"b\" {}\n")]);
    assert!(resources.is_empty() && errors.is_empty());
}

#[test]
fn a_service_linked_to_a_task_without_a_literal_family_names_its_address() {
    let tf = "resource \"aws_ecs_task_definition\" \"t\" {\n  family = local.f\n}\nresource \"aws_ecs_service\" \"s\" {\n  task_definition = \"${aws_ecs_task_definition.t.family}:${aws_ecs_task_definition.t.revision}\"\n}\nresource \"aws_ecs_service\" \"other\" {\n  task_definition = \"web:3\"\n}\n";
    let (_, resources, _) = read_module(&[("main.tf", tf)]);
    assert_eq!(
        resources[1].task_definition.as_deref(),
        Some("aws_ecs_task_definition.t")
    );
    assert_eq!(
        at(&resources[1], "/taskDefinition").as_str(),
        Some("aws_ecs_task_definition.t")
    );
    assert_eq!(resources[2].task_definition, None);
    assert_eq!(at(&resources[2], "/taskDefinition").as_str(), Some("web:3"));
}

#[test]
fn a_quoted_json_string_and_a_dynamic_block_beside_static_ones() {
    let tf = format!(
        "{TASK_HEAD}  container_definitions = \"[{{\\\"name\\\": \\\"a\\\", \\\"cpu\\\": 300}}]\"\n  volume {{\n    name = \"s\"\n  }}\n  dynamic \"volume\" {{\n    for_each = var.v\n    content {{}}\n  }}\n}}\n"
    );
    let (doc, resources, errors) = read_module(&[("main.tf", &tf)]);
    assert!(errors.is_empty(), "{errors:?}");
    let task = &resources[0];
    let cpu = at(task, "/containerDefinitions/0/cpu");
    assert_eq!(
        (cpu.to_json(), doc.raw(cpu.span)),
        (serde_json::json!(300), Some("300"))
    );
    assert_eq!(unknown_pointers(task), ["/volumes"]);
    assert_eq!(
        task.node
            .as_map()
            .unwrap()
            .iter()
            .filter(|e| e.key == "volumes")
            .count(),
        1
    );
}

#[test]
fn a_link_out_of_the_module_is_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.json"), "[]").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.json"), dir.path().join("c.json")).unwrap();
    let tf = format!("{TASK_HEAD}  container_definitions = file(\"c.json\")\n}}\n");
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    let (_, resources, errors) = read_path(&dir.path().join("main.tf"));
    assert!(errors.is_empty());
    assert!(
        resources[0].notes.iter().any(|n| n.contains("is a link that leaves")),
        "{:?}",
        resources[0].notes
    );
    assert!(resources[0].included.is_none());
}

#[test]
fn odd_resources_never_panic() {
    for tf in [
        "resource \"aws_ecs_task_definition\" {}\n",
        "resource \"aws_ecs_task_definition\" \"a\" \"b\" {}\n",
        "resource \"aws_ecs_service\" \"s\" {\n  task_definition = aws_ecs_task_definition.missing.arn\n}\n",
        "resource \"aws_ecs_task_definition\" \"t\" {\n  container_definitions = <<EOF\nEOF\n}\n",
        "resource \"aws_ecs_task_definition\" \"t\" {\n  container_definitions = \"\"\n  volume = 5\n  cpu = [1]\n}\n",
        "resource \"aws_ecs_task_definition\" \"t\" {\n  container_definitions = file()\n  tags = { (var.k) = 1 }\n}\n",
        "variable \"x\" {\n  default = [1, {a = 2}]\n}\nresource \"aws_ecs_task_definition\" \"t\" {\n  container_definitions = jsonencode(var.x)\n  runtime_platform = var.x\n}\n",
    ] {
        let (_, resources, _) = read_module(&[("main.tf", tf)]);
        for r in &resources {
            let _ = r.node.to_json();
        }
    }
}

#[test]
fn containers_from_a_variable_are_unknown_even_with_a_default() {
    let tf = format!(
        "variable \"defs\" {{\n  default = \"[]\"\n}}\nvariable \"list\" {{\n  default = [{{ name = \"a\", cpu = 300 }}]\n}}\n{TASK_HEAD}  container_definitions = var.defs\n}}\nresource \"aws_ecs_task_definition\" \"u\" {{\n  container_definitions = jsonencode(var.list)\n}}\n"
    );
    let (doc, resources, _) = read_module(&[("main.tf", &tf)]);
    assert_eq!(unknown_pointers(&resources[0]), ["/containerDefinitions"]);
    assert!(resources[0].assumed.is_empty());
    let cpu = at(&resources[1], "/containerDefinitions/0/cpu");
    assert_eq!(
        (cpu.to_json(), doc.raw(cpu.span)),
        (serde_json::json!(300), Some("var.list"))
    );
    assert_eq!(resources[1].assumed[0].name, "variable list");
}
