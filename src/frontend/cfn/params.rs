//! Template parameters: the literal default a `Ref` stands for, and the allowed values.

use crate::parse::{Node, NodeKind, Scalar, ScalarStyle, Span};

/// One entry of the template's `Parameters`.
pub struct Parameter<'a> {
    pub name: &'a str,
    node: &'a Node,
}

/// A parameter's default as the value of a `Ref`.
pub struct DefaultValue<'a> {
    /// The value, every node at the `Ref`'s span.
    pub node: Node,
    /// The default's text (`256`, `subnet-a,subnet-b`).
    pub text: String,
    /// Where the default is written.
    pub written: &'a Node,
}

impl<'a> Parameter<'a> {
    pub fn find(root: &'a Node, name: &'a str) -> Option<Self> {
        let node = root.get("Parameters")?.get(name)?;
        node.as_map().map(|_| Parameter { name, node })
    }

    fn kind(&self) -> &str {
        self.node.get("Type").and_then(Node::as_str).unwrap_or("String")
    }

    /// `CommaDelimitedList` and `List<...>`: a `Ref` gives a list.
    fn is_list(&self) -> bool {
        let kind = self.kind();
        kind == "CommaDelimitedList" || kind.starts_with("List<")
    }

    /// `AWS::SSM::Parameter::Value<...>`: the value is read from SSM when the stack is deployed.
    pub fn is_ssm(&self) -> bool {
        self.kind().starts_with("AWS::SSM::")
    }

    /// The allowed values, each where it is written.
    pub fn allowed(&self) -> Option<&'a [Node]> {
        self.node.get("AllowedValues")?.as_seq()
    }

    /// The default as the `Ref` at `at` would see it. None without a literal default, and for
    /// `AWS::SSM::Parameter::Value<...>`, whose default names an SSM parameter, not its value.
    pub fn default_at(&self, at: Span) -> Option<DefaultValue<'a>> {
        let written = self.node.get("Default")?;
        if self.is_ssm() {
            return None;
        }
        let (node, text) = if self.is_list() {
            list_value(written, at)?
        } else {
            (scalar_value(written, at)?, written.scalar_text()?)
        };
        Some(DefaultValue { node, text, written })
    }
}

fn scalar_value(written: &Node, at: Span) -> Option<Node> {
    match &written.kind {
        NodeKind::Scalar {
            value: Scalar::Null | Scalar::NonFinite(_),
            ..
        } => None,
        NodeKind::Scalar { .. } => Some(Node {
            span: at,
            kind: written.kind.clone(),
        }),
        _ => None,
    }
}

/// A list parameter's default: `a, b` (CloudFormation splits at commas and trims each item) or,
/// leniently, a YAML list of scalars.
fn list_value(written: &Node, at: Span) -> Option<(Node, String)> {
    let items: Vec<String> = match &written.kind {
        NodeKind::Seq(items) => items.iter().map(Node::scalar_text).collect::<Option<_>>()?,
        NodeKind::Scalar { .. } => written.scalar_text()?.split(',').map(|s| s.trim().to_owned()).collect(),
        NodeKind::Map(_) => return None,
    };
    let text = items.join(",");
    let nodes = items.into_iter().map(|s| string_at(s, at)).collect();
    let node = Node {
        span: at,
        kind: NodeKind::Seq(nodes),
    };
    Some((node, text))
}

/// A plain string node at `span` (a value that stands in for what is written there).
pub fn string_at(text: impl Into<String>, span: Span) -> Node {
    Node {
        span,
        kind: NodeKind::Scalar {
            value: Scalar::Str(text.into()),
            style: ScalarStyle::Plain,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Document, Limits, yaml_text};

    const PARAMS: &str = "Parameters:\n  Cpu: {Type: Number, Default: 256}\n  Mem: {Type: String, Default: '512', AllowedValues: ['512', '1024']}\n  Subnets: {Type: CommaDelimitedList, Default: 'subnet-a, subnet-b'}\n  Ids: {Type: 'List<AWS::EC2::Subnet::Id>', Default: [s-1, s-2]}\n  Image: {Type: String}\n  Ssm: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /app/image}\n  Empty: {Type: String, Default: ~}\n";

    fn doc() -> Document {
        yaml_text(PARAMS, &Limits::default()).remove(0)
    }

    fn default(doc: &Document, name: &'static str) -> Option<(serde_json::Value, String, String)> {
        let root = doc.root.as_ref().unwrap();
        let at = Span::new(1000, 1008);
        let value = Parameter::find(root, name)?.default_at(at)?;
        assert_eq!(value.node.span, at);
        Some((
            value.node.to_json(),
            value.text,
            doc.raw(value.written.span).unwrap().to_owned(),
        ))
    }

    #[test]
    fn scalar_defaults_keep_their_type() {
        let doc = doc();
        let (json, text, raw) = default(&doc, "Cpu").unwrap();
        assert_eq!(
            (json, text.as_str(), raw.as_str()),
            (serde_json::json!(256), "256", "256")
        );
        let (json, _, raw) = default(&doc, "Mem").unwrap();
        assert_eq!((json, raw.as_str()), (serde_json::json!("512"), "'512'"));
    }

    #[test]
    fn list_defaults_are_split_or_taken_as_written() {
        let doc = doc();
        let (json, text, _) = default(&doc, "Subnets").unwrap();
        assert_eq!(json, serde_json::json!(["subnet-a", "subnet-b"]));
        assert_eq!(text, "subnet-a,subnet-b");
        let (json, _, _) = default(&doc, "Ids").unwrap();
        assert_eq!(json, serde_json::json!(["s-1", "s-2"]));
    }

    #[test]
    fn no_literal_default() {
        let doc = doc();
        assert!(default(&doc, "Image").is_none());
        assert!(default(&doc, "Ssm").is_none());
        assert!(default(&doc, "Empty").is_none());
        assert!(default(&doc, "Missing").is_none());
    }

    #[test]
    fn allowed_values_are_the_written_nodes() {
        let doc = doc();
        let root = doc.root.as_ref().unwrap();
        let allowed = Parameter::find(root, "Mem").unwrap().allowed().unwrap();
        let raw: Vec<_> = allowed.iter().map(|n| doc.raw(n.span).unwrap()).collect();
        assert_eq!(raw, ["'512'", "'1024'"]);
        assert!(Parameter::find(root, "Cpu").unwrap().allowed().is_none());
    }
}
