//! The HCL tree: spans, kinds of expression, heredocs, errors and limits, on small inline files.

use super::*;
use crate::parse::Node;

fn body(text: &str) -> Body {
    parse(text, 0, &Limits::default()).unwrap()
}

fn raw(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

#[test]
fn blocks_attributes_and_literals_with_spans() {
    let text = "resource \"aws_ecs_task_definition\" \"web\" {\n  cpu = 256\n  family = \"web\"\n  ok = true\n  n = null\n  volume {\n    name = \"v\"\n  }\n}\n";
    let b = body(text);
    let r = &b.blocks[0];
    assert_eq!(r.ident, "resource");
    assert_eq!(r.labels[0].value, "aws_ecs_task_definition");
    assert_eq!(raw(text, r.labels[1].span), "\"web\"");
    let cpu = r.body.attribute("cpu").unwrap();
    assert_eq!(raw(text, cpu.key_span), "cpu");
    assert_eq!(raw(text, cpu.value.span), "256");
    assert_eq!(cpu.value.kind, ExprKind::Number(256.into()));
    let family = &r.body.attribute("family").unwrap().value;
    assert_eq!(raw(text, family.span), "\"web\"");
    assert_eq!(family.kind, ExprKind::Str("web".into()));
    assert_eq!(r.body.attribute("ok").unwrap().value.kind, ExprKind::Bool(true));
    assert_eq!(r.body.attribute("n").unwrap().value.kind, ExprKind::Null);
    let volume = r.body.blocks_of("volume").next().unwrap();
    assert_eq!(raw(text, volume.ident_span), "volume");
    assert!(raw(text, volume.span).starts_with("volume {") && raw(text, volume.span).ends_with('}'));
    assert!(raw(text, r.span).ends_with('}'));
}

#[test]
fn offsets_are_added() {
    let b = parse("a = 1", 100, &Limits::default()).unwrap();
    assert_eq!(b.attributes[0].value.span, Span::new(104, 105));
}

#[test]
fn references_calls_and_templates() {
    let text = r#"a = var.cpu
b = aws_ecs_task_definition.web.arn
c = jsonencode([{ name = "web", "cpu" = 1 }])
d = "${path.module}/x.json"
e = local.list[0]
f = 1 + 2
g = "a$${b}"
h = (var.x)
"#;
    let b = body(text);
    let get = |k: &str| &b.attribute(k).unwrap().value;
    assert_eq!(get("a").reference().as_deref(), Some("var.cpu"));
    assert_eq!(raw(text, get("a").span), "var.cpu");
    assert_eq!(get("b").reference().as_deref(), Some("aws_ecs_task_definition.web.arn"));
    let ExprKind::Call { name, args } = &get("c").kind else {
        panic!()
    };
    assert_eq!(name, "jsonencode");
    let ExprKind::Tuple(items) = &args[0].kind else {
        panic!()
    };
    let ExprKind::Object(entries) = &items[0].kind else {
        panic!()
    };
    assert_eq!(entries[1].key, "cpu");
    assert_eq!(raw(text, entries[1].key_span), "\"cpu\"");
    assert_eq!(raw(text, entries[0].key_span), "name");
    assert!(args[0].is_literal());
    let ExprKind::Template(parts) = &get("d").kind else {
        panic!("{:?}", get("d"))
    };
    let Part::Interpolation(module) = &parts[0] else {
        panic!()
    };
    assert_eq!(module.reference().as_deref(), Some("path.module"));
    let Part::Literal { text: lit, span } = &parts[1] else {
        panic!()
    };
    assert_eq!((lit.as_str(), raw(text, *span)), ("/x.json", "/x.json"));
    assert!(matches!(&get("e").kind, ExprKind::Reference(steps) if matches!(steps[2], Step::Index(_))));
    assert_eq!(get("e").reference(), None);
    assert_eq!(get("f").kind, ExprKind::Other);
    assert_eq!(raw(text, get("f").span), "1 + 2");
    assert_eq!(get("g").kind, ExprKind::Str("a${b}".into()));
    assert_eq!(get("h").reference().as_deref(), Some("var.x"));
}

#[test]
fn heredocs_keep_their_body_span() {
    let text = "a = <<EOT\n[{\"cpu\": 1}]\nEOT\nb = <<-JSON\n    [\"${var.x}\"]\n    JSON\n";
    let b = body(text);
    let ExprKind::Heredoc(h) = &b.attribute("a").unwrap().value.kind else {
        panic!()
    };
    assert_eq!(raw(text, h.body), "[{\"cpu\": 1}]\n");
    assert!(!h.indented);
    let ExprKind::Heredoc(h) = &b.attribute("b").unwrap().value.kind else {
        panic!()
    };
    assert_eq!(raw(text, h.body), "    [\"${var.x}\"]\n");
    assert!(h.indented);
    assert!(h.parts.iter().any(|p| matches!(p, Part::Interpolation(_))));
}

#[test]
fn literal_trees_become_nodes() {
    let text = "a = [{ name = \"web\", cpu = 256, image = var.image }]";
    let b = body(text);
    let mut others = Vec::new();
    let node = to_node(&b.attributes[0].value, "/c", &mut |e, p| {
        others.push(p.to_owned());
        Node {
            span: e.span,
            kind: crate::parse::NodeKind::Scalar {
                value: crate::parse::Scalar::Str("?".into()),
                style: crate::parse::ScalarStyle::Json,
            },
        }
    });
    assert_eq!(others, ["/c/0/image"]);
    let (cpu, key) = node.pointer("/0/cpu").unwrap();
    assert_eq!(raw(text, cpu.span), "256");
    assert_eq!(raw(text, key.unwrap()), "cpu");
    assert_eq!(
        node.to_json(),
        serde_json::json!([{"name": "web", "cpu": 256, "image": "?"}])
    );
}

#[test]
fn errors_have_a_place_and_never_panic() {
    let text = "resource \"a\" \"b\" {\n  cpu = \n}\n";
    let e = parse(text, 10, &Limits::default()).unwrap_err();
    assert_eq!(e.kind, ParseErrorKind::Syntax);
    assert!(e.message.starts_with("invalid HCL at line 2"), "{}", e.message);
    assert!(e.span.start >= 10);
    let deep = format!("a = {}1{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(
        parse(&deep, 0, &Limits::default()).unwrap_err().kind,
        ParseErrorKind::TooDeep
    );
    for bad in [
        "a = \"",
        "a = <<EOT\nx",
        "{",
        "a = ${",
        "\u{feff}a = 1",
        "a = !!!!!!!!!!true",
        "a = 1 ? 2 : 3 ? 4 : 5",
    ] {
        let _ = parse(bad, 0, &Limits::default());
    }
}

#[test]
fn long_operator_chains_do_not_overflow_the_stack() {
    let n = 200_000;
    for text in [
        format!("a = {}true", "!".repeat(n)),
        format!("a = {}1", "-".repeat(n)),
        format!("a = {}1", "1 ? 2 : ".repeat(n)),
        format!("a = {}1", "1 + ".repeat(n)),
        format!("a = x{}", ".y".repeat(n)),
    ] {
        let _ = parse(&text, 0, &Limits::default());
    }
}

#[test]
fn every_prefix_of_a_real_file_parses_or_fails_cleanly() {
    let text = concat!(
        include_str!("../../../tests/fixtures/terraform/literal/main.tf"),
        include_str!("../../../tests/fixtures/terraform/heredoc/main.tf"),
        "x = \"é\\\"${\"ü\"}\" # ü\n"
    );
    for (at, _) in text.char_indices() {
        let _ = parse(&text[..at], 3, &Limits::default());
    }
}
