//! Intrinsic functions: `{"Ref": X}`, `{"Fn::Sub": ...}` and their YAML short forms (`!Ref X`).

use crate::parse::{Document, Node, Span};

/// One call of an intrinsic function.
#[derive(Debug)]
pub struct Intrinsic<'a> {
    /// The long form's name (`Ref`, `Condition`, `Fn::Sub`), also for a short form.
    pub name: String,
    /// What the function is applied to.
    pub arg: &'a Node,
    /// The whole call: the tag and its node, or the one-key mapping.
    pub span: Span,
}

impl<'a> Intrinsic<'a> {
    /// The call `node` is, if it is one.
    pub fn of(doc: &Document, node: &'a Node) -> Option<Self> {
        if let Some(tag) = doc.tag(node.span) {
            let name = match tag.name.as_str() {
                "Ref" | "Condition" => tag.name.clone(),
                other => format!("Fn::{other}"),
            };
            let span = Span::new(tag.span.start, node.span.end);
            return Some(Intrinsic { name, arg: node, span });
        }
        let [entry] = node.as_map()? else {
            return None;
        };
        let key = entry.key.as_str();
        let is_call = key == "Ref" || key == "Condition" || key.starts_with("Fn::");
        is_call.then(|| Intrinsic {
            name: entry.key.clone(),
            arg: &entry.value,
            span: node.span,
        })
    }

    /// The name a `Ref` refers to (a parameter, a resource, `AWS::Region`).
    pub fn ref_target(&self) -> Option<&'a str> {
        if self.name == "Ref" { self.arg.as_str() } else { None }
    }

    /// The text of a `Fn::Sub` that substitutes nothing (no `${` in it): CloudFormation
    /// passes it through unchanged, so it is known.
    pub fn literal_sub(&self) -> Option<&'a str> {
        let text = if self.name == "Fn::Sub" {
            self.arg.as_str()?
        } else {
            return None;
        };
        (!text.contains("${")).then_some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Limits, json, yaml_text};

    fn yaml(text: &str) -> Document {
        yaml_text(text, &Limits::default()).remove(0)
    }

    fn call_at<'a>(doc: &Document, root: &'a Node, pointer: &str) -> Option<Intrinsic<'a>> {
        Intrinsic::of(doc, root.pointer(pointer).unwrap().0)
    }

    #[test]
    fn short_forms_are_named_like_long_forms() {
        let doc = yaml("a: !Ref Cpu\nb: !GetAtt [R, Arn]\nc: !Condition IsProd\nd: plain\n");
        let root = doc.root.as_ref().unwrap();
        let a = call_at(&doc, root, "/a").unwrap();
        assert_eq!((a.name.as_str(), a.ref_target()), ("Ref", Some("Cpu")));
        assert_eq!(doc.raw(a.span), Some("!Ref Cpu"));
        let b = call_at(&doc, root, "/b").unwrap();
        assert_eq!(b.name, "Fn::GetAtt");
        assert_eq!(doc.raw(b.span), Some("!GetAtt [R, Arn]"));
        assert_eq!(call_at(&doc, root, "/c").unwrap().name, "Condition");
        assert!(call_at(&doc, root, "/d").is_none());
    }

    #[test]
    fn long_forms_are_one_key_mappings() {
        let text = r#"{"a": {"Ref": "Cpu"}, "b": {"Fn::Join": ["", ["x", "y"]]}, "c": {"Ref": "X", "Other": 1}, "d": {"Name": "x"}}"#;
        let doc = json(text, 0, &Limits::default());
        let root = doc.root.as_ref().unwrap();
        let a = call_at(&doc, root, "/a").unwrap();
        assert_eq!(doc.raw(a.span), Some(r#"{"Ref": "Cpu"}"#));
        assert_eq!(a.ref_target(), Some("Cpu"));
        assert_eq!(call_at(&doc, root, "/b").unwrap().name, "Fn::Join");
        assert!(call_at(&doc, root, "/c").is_none());
        assert!(call_at(&doc, root, "/d").is_none());
    }

    #[test]
    fn sub_without_substitution_is_literal() {
        let doc = yaml("a: !Sub plain-text\nb: !Sub '${AWS::Region}-x'\nc: {'Fn::Sub': 'long'}\nd: !Join ['', [a]]\n");
        let root = doc.root.as_ref().unwrap();
        assert_eq!(call_at(&doc, root, "/a").unwrap().literal_sub(), Some("plain-text"));
        assert_eq!(call_at(&doc, root, "/b").unwrap().literal_sub(), None);
        assert_eq!(call_at(&doc, root, "/c").unwrap().literal_sub(), Some("long"));
        assert_eq!(call_at(&doc, root, "/d").unwrap().literal_sub(), None);
    }
}
