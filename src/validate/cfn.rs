//! A CloudFormation template's `Properties` of an `AWS::ECS::TaskDefinition` or `AWS::ECS::Service`,
//! as written (PascalCase), against the resource provider schema that CloudFormation itself uses
//! (vendored from cfn-lint, see schemas/README.md).
//!
//! The schema is stricter than CloudFormation in two ways, both handled here rather than in the
//! vendored file: CloudFormation converts scalars (`"256"` where an integer belongs, `256` or
//! `true` where a string belongs), so values are converted the way cfn-lint's non-strict type
//! check accepts them before validation; and a value given by an intrinsic function (`!Ref`,
//! `{"Fn::If": ...}`) is not known here, so no error about it (or inside it) is reported.

use super::errors::{self, Context, Ids};
use super::numbers;
use crate::finding::ids;
use crate::finding::{Finding, Severity};
use crate::parse::{Document, Node, NodeKind, Span};
use jsonschema::Validator;
use jsonschema::error::ValidationErrorKind;
use serde_json::{Map, Number, Value};
use std::sync::OnceLock;

const TASK_DEFINITION: &str = include_str!("../../schemas/cloudformation/aws-ecs-taskdefinition.json");
const SERVICE: &str = include_str!("../../schemas/cloudformation/aws-ecs-service.json");

/// One rule for every way a template can disagree with the resource schema: the message says which.
const CFN_IDS: Ids = Ids {
    unknown_field: ids::CFN_SCHEMA,
    wrong_type: ids::CFN_SCHEMA,
    missing_required: ids::CFN_SCHEMA,
    invalid_value: ids::CFN_SCHEMA,
};

/// cfn-lint's `BOOLEAN_STRINGS`: the strings CloudFormation takes for a boolean.
const BOOLEAN_STRINGS: &[(&str, bool)] = &[
    ("true", true),
    ("True", true),
    ("TRUE", true),
    ("false", false),
    ("False", false),
    ("FALSE", false),
];

/// A resource schema, parsed (for messages and type conversion) and compiled.
struct Schema {
    document: Value,
    validator: Validator,
}

type Loaded = Result<Schema, String>;

/// The schema of a resource type this module knows, parsed and compiled on first use.
fn schema(resource_type: &str) -> Option<&'static Loaded> {
    static TASK: OnceLock<Loaded> = OnceLock::new();
    static SVC: OnceLock<Loaded> = OnceLock::new();
    match resource_type {
        "AWS::ECS::TaskDefinition" => Some(TASK.get_or_init(|| load(TASK_DEFINITION, resource_type))),
        "AWS::ECS::Service" => Some(SVC.get_or_init(|| load(SERVICE, resource_type))),
        _ => None,
    }
}

fn load(text: &str, what: &str) -> Loaded {
    let document: Value = serde_json::from_str(text).map_err(|e| format!("bundled {what} schema is corrupt: {e}"))?;
    let validator = jsonschema::options()
        .build(&document)
        .map_err(|e| format!("bundled {what} schema does not compile: {e}"))?;
    Ok(Schema { document, validator })
}

/// Whether k2e has the CloudFormation schema of this resource type.
pub fn knows(resource_type: &str) -> bool {
    schema(resource_type).is_some()
}

/// Validates a resource's `Properties` node against the CloudFormation schema of its type.
///
/// `pointer` is the node's JSON pointer in the template (`/Resources/Task/Properties`), `object`
/// how findings name the resource (`AWS::ECS::TaskDefinition Task`). `unknown` holds the spans of
/// values given by intrinsic functions in a form the tree does not show, i.e. the nodes carrying a
/// YAML short-form tag (`!Ref`, `!If`, ...); pass the tagged node's span (any span covering it
/// works). Long-form intrinsics (`{"Ref": ...}`, `{"Fn::...": ...}`) are recognised here.
/// Nothing is reported at or inside such a value. A resource type without a schema gives nothing.
pub fn check_cfn(
    file: &str,
    doc: &Document,
    resource_type: &str,
    properties: &Node,
    pointer: &str,
    unknown: &[Span],
    object: &str,
) -> Vec<Finding> {
    let schema = match schema(resource_type) {
        None => return Vec::new(),
        Some(Ok(s)) => s,
        Some(Err(e)) => return vec![internal(file, doc, properties, e, object)],
    };
    let mut prepared = Prepared {
        root: &schema.document,
        unknown,
        skipped: Vec::new(),
    };
    let instance = prepared.value(properties, String::new(), Some(&schema.document));
    let odd = numbers::non_finite(properties);
    let skipped = prepared.skipped;
    let explain = |path: &str| {
        format!(
            "see {resource_type} in the CloudFormation template reference ({})",
            if path.is_empty() { "Properties" } else { path }
        )
    };
    let cx = Context {
        ids: &CFN_IDS,
        file,
        doc,
        node: properties,
        prefix: pointer,
        schema_root: &schema.document,
        schema: &schema.document,
        object: Some(object.to_owned()),
        explain: &explain,
    };
    let mut out: Vec<Finding> = odd
        .iter()
        .filter(|(p, _)| !below_any(p, &skipped))
        .map(|(p, value)| errors::non_finite(&cx, p, value))
        .collect();
    for error in schema.validator.iter_errors(&instance) {
        let at = error.instance_path().as_str();
        if odd.iter().any(|(p, _)| p == at) || about_unknown(at, error.kind(), &skipped) {
            continue;
        }
        out.extend(errors::finding(&cx, &error).into_iter().map(in_cfn_words));
    }
    out
}

/// A bundled schema that does not load: a build defect, reported where it was needed.
fn internal(file: &str, doc: &Document, properties: &Node, e: &str, object: &str) -> Finding {
    let first = Span::new(
        properties.span.start,
        (properties.span.start + 1).min(properties.span.end),
    );
    Finding::at(
        ids::INTERNAL,
        Severity::Error,
        file,
        doc,
        first,
        format!("internal schema error: {e}"),
    )
    .with_object(Some(object.to_owned()))
}

/// Whether an error is about a value given by an intrinsic function: at or inside one, or a
/// check of a whole (any of, one of, unique items, ...) that holds one and so cannot be decided.
fn about_unknown(at: &str, kind: &ValidationErrorKind, skipped: &[String]) -> bool {
    if below_any(at, skipped) {
        return true;
    }
    let whole = !matches!(
        kind,
        ValidationErrorKind::AdditionalProperties { .. }
            | ValidationErrorKind::Required { .. }
            | ValidationErrorKind::Type { .. }
            | ValidationErrorKind::Enum { .. }
            | ValidationErrorKind::MinItems { .. }
            | ValidationErrorKind::MaxItems { .. }
    );
    whole && skipped.iter().any(|s| is_below(s, at))
}

fn below_any(pointer: &str, skipped: &[String]) -> bool {
    skipped.iter().any(|s| is_below(pointer, s))
}

/// `pointer` is `base` or below it.
fn is_below(pointer: &str, base: &str) -> bool {
    pointer == base || pointer.strip_prefix(base).is_some_and(|rest| rest.starts_with('/'))
}

/// CloudFormation calls them properties; errors.rs words its messages for APIs' fields.
fn in_cfn_words(mut f: Finding) -> Finding {
    for prefix in ["unknown field", "missing required field"] {
        if let Some(rest) = f.message.strip_prefix(prefix) {
            f.message = format!("{} property{rest}", prefix.trim_end_matches(" field"));
        }
    }
    if f.label.as_deref() == Some("unknown field") {
        f.label = Some("unknown property".to_owned());
    }
    if let Some(help) = &f.help {
        f.help = Some(help.replace("valid fields:", "valid properties:"));
    }
    f
}

/// The instance CloudFormation would validate: scalars converted as it converts them, and the
/// pointers of the intrinsic functions, whose errors are dropped.
struct Prepared<'a> {
    root: &'a Value,
    unknown: &'a [Span],
    skipped: Vec<String>,
}

impl Prepared<'_> {
    fn value(&mut self, node: &Node, pointer: String, schema: Option<&Value>) -> Value {
        if self.is_intrinsic(node) {
            self.skipped.push(pointer);
            return node.to_json();
        }
        let schema = schema.and_then(|s| resolve(self.root, s));
        match &node.kind {
            NodeKind::Scalar { .. } => convert(node.to_json(), &schema.map(types).unwrap_or_default()),
            NodeKind::Seq(items) => {
                let item_schema = schema.and_then(|s| s.get("items"));
                let values = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.value(item, format!("{pointer}/{i}"), item_schema))
                    .collect();
                Value::Array(values)
            }
            NodeKind::Map(entries) => {
                let mut map = Map::with_capacity(entries.len());
                // `Fn::Transform` (AWS::Include) beside other properties adds properties k2e cannot see.
                for e in entries.iter().filter(|e| e.key != "Fn::Transform") {
                    let child = schema.and_then(|s| property_schema(s, &e.key));
                    let key = crate::parse::pointer_token(&e.key);
                    let value = self.value(&e.value, format!("{pointer}/{key}"), child);
                    map.insert(e.key.clone(), value);
                }
                Value::Object(map)
            }
        }
    }

    /// A long-form intrinsic (`{"Ref": X}`, `{"Fn::Join": [...]}`), or a node the caller marked
    /// unknown (a short-form tag).
    fn is_intrinsic(&self, node: &Node) -> bool {
        let long_form = matches!(&node.kind, NodeKind::Map(entries)
            if entries.len() == 1 && (entries[0].key == "Ref" || entries[0].key.starts_with("Fn::")));
        let marked = self
            .unknown
            .iter()
            .any(|u| u.start < u.end && node.span.start >= u.start && node.span.end <= u.end);
        long_form || marked
    }
}

/// Follows `$ref`s (a bounded number, in case of a cycle).
fn resolve<'a>(root: &'a Value, mut schema: &'a Value) -> Option<&'a Value> {
    for _ in 0..32 {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => schema = root.pointer(r.strip_prefix('#')?)?,
            None => return Some(schema),
        }
    }
    None
}

/// The schema of a mapping's value at `key`: a named property, else the first pattern (the
/// resource schemas' patterns are all `.{1,}`, any non-empty key), else additionalProperties.
fn property_schema<'a>(schema: &'a Value, key: &str) -> Option<&'a Value> {
    if let Some(p) = schema.get("properties").and_then(|p| p.get(key)) {
        return Some(p);
    }
    let pattern = schema
        .get("patternProperties")
        .and_then(Value::as_object)
        .and_then(|m| m.values().next());
    pattern.or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()))
}

/// The types a schema allows, `type` as a string or a list.
fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// A scalar as CloudFormation reads it where `types` are expected (cfn-lint's `_raw_type`):
/// a string holding an integer, a number or a boolean word for those types; a number or boolean
/// where a string belongs. Anything else is left for the schema to report.
fn convert(value: Value, types: &[&str]) -> Value {
    let has = |t: &str| types.contains(&t);
    let fits = match &value {
        Value::String(_) => has("string"),
        Value::Number(n) => has("number") || (has("integer") && (n.is_i64() || n.is_u64())),
        Value::Bool(_) => has("boolean"),
        _ => true,
    };
    if fits || types.is_empty() {
        return value;
    }
    match &value {
        Value::String(s) => from_string(s, &has).unwrap_or(value),
        Value::Number(n) if has("string") => Value::String(n.to_string()),
        Value::Bool(b) if has("string") => Value::String(b.to_string()),
        _ => value,
    }
}

fn from_string(s: &str, has: &dyn Fn(&str) -> bool) -> Option<Value> {
    let text = s.trim();
    if has("integer") {
        if let Ok(i) = text.parse::<i64>() {
            return Some(Value::Number(i.into()));
        }
        if let Ok(u) = text.parse::<u64>() {
            return Some(Value::Number(u.into()));
        }
    }
    if has("number") {
        if let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
            return Some(Value::Number(n));
        }
    }
    if has("boolean") {
        if let Some((_, b)) = BOOLEAN_STRINGS.iter().find(|(w, _)| *w == s) {
            return Some(Value::Bool(*b));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Limits, yaml_text};

    const TASK: &str = "AWS::ECS::TaskDefinition";

    /// Validates the first resource's Properties of a one-document YAML template; `tags` are the
    /// texts of nodes to mark unknown (as the front-end marks short-form tags).
    fn check(text: &str, resource_type: &str, tags: &[&str]) -> Vec<Finding> {
        let doc = yaml_text(text, &Limits::default()).remove(0);
        let root = doc.root.clone().unwrap();
        let resource = &root.get("Resources").unwrap().as_map().unwrap()[0];
        let properties = resource.value.get("Properties").unwrap();
        let unknown: Vec<Span> = tags
            .iter()
            .map(|t| {
                let start = text.find(t).unwrap();
                Span::new(start, start + t.len())
            })
            .collect();
        let pointer = format!("/Resources/{}/Properties", resource.key);
        let object = format!("{resource_type} {}", resource.key);
        check_cfn("t.yaml", &doc, resource_type, properties, &pointer, &unknown, &object)
    }

    /// `line:column message` of each finding, in the order of the text.
    fn at(findings: &[Finding]) -> Vec<String> {
        let mut sorted: Vec<&Finding> = findings.iter().collect();
        sorted.sort_by_key(|f| (f.start.line, f.start.column));
        sorted
            .iter()
            .map(|f| format!("{}:{} {}", f.start.line, f.start.column, f.message))
            .collect()
    }

    fn task(properties: &str) -> String {
        format!("Resources:\n  Task:\n    Type: {TASK}\n    Properties:\n{properties}")
    }

    #[test]
    fn both_schemas_compile() {
        assert!(matches!(schema(TASK), Some(Ok(_))));
        assert!(matches!(schema("AWS::ECS::Service"), Some(Ok(_))));
        assert!(schema("AWS::S3::Bucket").is_none());
        assert!(knows("AWS::ECS::Service") && !knows("AWS::ECS::Cluster"));
    }

    #[test]
    fn a_valid_task_definition_has_no_finding() {
        let text = task(
            "      Family: web\n      Cpu: \"256\"\n      Memory: \"512\"\n      NetworkMode: awsvpc\n      RequiresCompatibilities: [FARGATE]\n      ContainerDefinitions:\n        - Name: web\n          Image: nginx\n          Essential: true\n          PortMappings:\n            - ContainerPort: 80\n              Protocol: tcp\n          DockerLabels: {team: a}\n",
        );
        assert_eq!(at(&check(&text, TASK, &[])), Vec::<String>::new());
    }

    #[test]
    fn unknown_property_lands_on_its_key_with_a_suggestion() {
        let text = task(
            "      Family: web\n      ContainerDefinitions:\n        - Name: web\n          Image: nginx\n          PortMapings: []\n",
        );
        let found = check(&text, TASK, &[]);
        assert_eq!(
            at(&found),
            ["9:11 unknown property \"PortMapings\" in ContainerDefinition"]
        );
        let f = &found[0];
        assert_eq!(f.rule, ids::CFN_SCHEMA);
        assert_eq!(f.help.as_deref(), Some("did you mean \"PortMappings\"?"));
        assert_eq!(f.label.as_deref(), Some("unknown property"));
        assert_eq!(
            f.pointer.as_deref(),
            Some("/Resources/Task/Properties/ContainerDefinitions/0/PortMapings")
        );
        assert_eq!(f.object.as_deref(), Some("AWS::ECS::TaskDefinition Task"));
    }

    #[test]
    fn unknown_top_level_property_names_the_resource_type() {
        let found = check(&task("      Famly: web\n"), TASK, &[]);
        assert_eq!(
            at(&found),
            ["5:7 unknown property \"Famly\" in AWS::ECS::TaskDefinition"]
        );
        assert_eq!(found[0].help.as_deref(), Some("did you mean \"Family\"?"));
    }

    #[test]
    fn wrong_type_and_enum_land_on_the_value() {
        let text = task(
            "      NetworkMode: awsvpcc\n      ContainerDefinitions:\n        - Name: web\n          Image: nginx\n          Essential: maybe\n          PortMappings: {ContainerPort: 80}\n",
        );
        let found = at(&check(&text, TASK, &[]));
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(
            found[0].starts_with("5:20 invalid value \"awsvpcc\" for \"NetworkMode\""),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|f| f.starts_with("9:22 \"Essential\" must be a boolean")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|f| f.starts_with("10:25 \"PortMappings\" must be an array")),
            "{found:?}"
        );
    }

    #[test]
    fn strings_for_integers_and_booleans_and_numbers_for_strings_are_accepted() {
        let text = task(
            "      Cpu: 256\n      Memory: 512.5\n      ContainerDefinitions:\n        - Name: web\n          Image: nginx\n          Essential: \"true\"\n          Memory: \"512\"\n          PortMappings:\n            - ContainerPort: \"80\"\n              HostPort: \" 80 \"\n",
        );
        assert_eq!(at(&check(&text, TASK, &[])), Vec::<String>::new());
    }

    #[test]
    fn strings_that_are_not_numbers_or_booleans_are_still_reported() {
        let text = task(
            "      ContainerDefinitions:\n        - Name: web\n          Image: nginx\n          Essential: \"yes\"\n          Memory: \"1.5\"\n          Cpu: true\n",
        );
        let found = at(&check(&text, TASK, &[]));
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(
            found[0].starts_with("8:22 \"Essential\" must be a boolean, found string \"yes\""),
            "{found:?}"
        );
        assert!(found[1].starts_with("9:19 \"Memory\" must be an integer"), "{found:?}");
        assert!(
            found[2].starts_with("10:16 \"Cpu\" must be an integer, found boolean"),
            "{found:?}"
        );
    }

    #[test]
    fn long_form_intrinsics_are_not_reported() {
        let text = task(
            "      Cpu: {\"Fn::FindInMap\": [Sizes, small, cpu]}\n      NetworkMode: {Ref: Mode}\n      ContainerDefinitions:\n        - Name: web\n          Image: {\"Fn::Join\": [\"\", [a, b]]}\n          Essential: {\"Fn::If\": [IsProd, true, false]}\n          PortMappings: {Ref: Ports}\n",
        );
        assert_eq!(at(&check(&text, TASK, &[])), Vec::<String>::new());
    }

    #[test]
    fn short_form_intrinsics_marked_unknown_are_not_reported() {
        // The parser reads `!Ref Mode` as the string "Mode": only the caller knows it is a Ref.
        let text =
            task("      NetworkMode: !Ref Mode\n      ContainerDefinitions: !If [IsProd, [{Name: a}], [{Bad: 1}]]\n");
        assert_eq!(
            at(&check(
                &text,
                TASK,
                &["!Ref Mode", "!If [IsProd, [{Name: a}], [{Bad: 1}]]"]
            )),
            Vec::<String>::new()
        );
        // Unmarked, the same text is checked: the enum, and the !If's items as containers.
        let found = at(&check(&text, TASK, &[]));
        assert!(
            found[0].starts_with("5:25 invalid value \"Mode\" for \"NetworkMode\""),
            "{found:?}"
        );
        assert!(found[1..].iter().all(|f| f.starts_with("6:")), "{found:?}");
    }

    #[test]
    fn an_intrinsic_map_is_not_mistaken_for_an_object_with_unknown_properties() {
        let text = task(
            "      EphemeralStorage: {\"Fn::If\": [Big, {SizeInGiB: 50}, {Ref: \"AWS::NoValue\"}]}\n      ContainerDefinitions:\n        - {Ref: Containers}\n",
        );
        assert_eq!(at(&check(&text, TASK, &[])), Vec::<String>::new());
    }

    #[test]
    fn an_include_transform_beside_properties_is_not_an_unknown_property() {
        let text = task(
            "      Family: web\n      Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://b/k}}\n      Famly: x\n",
        );
        assert_eq!(
            at(&check(&text, TASK, &[])),
            ["7:7 unknown property \"Famly\" in AWS::ECS::TaskDefinition"]
        );
    }

    #[test]
    fn service_schema_checks_its_own_properties() {
        let text = "Resources:\n  Svc:\n    Type: AWS::ECS::Service\n    Properties:\n      LaunchType: FARGATE\n      DesiredCount: \"2\"\n      TaskDefinition: !Ref Task\n      NetworkConfiguration:\n        AwsvpcConfiguration:\n          AssignPublicIp: MAYBE\n          Subnets: [!Ref A]\n      DeploymentConfiguration: {MaximumPercent: 200, MinimumHealthyPercent: 50}\n      Foo: 1\n";
        let found = at(&check(text, "AWS::ECS::Service", &["!Ref Task", "!Ref A"]));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with("10:27 invalid value \"MAYBE\" for \"AssignPublicIp\""),
            "{found:?}"
        );
        assert_eq!(found[1], "13:7 unknown property \"Foo\" in AWS::ECS::Service");
    }

    #[test]
    fn missing_required_property_is_worded_for_cloudformation() {
        let found = check(
            &task("      ContainerDefinitions:\n        - Name: web\n          Essential: true\n"),
            TASK,
            &[],
        );
        assert_eq!(
            at(&found),
            ["6:11 missing required property \"Image\" in ContainerDefinition"]
        );
        assert_eq!(found[0].label.as_deref(), Some("\"Image\" is required here"));
    }

    #[test]
    fn other_resource_types_give_nothing() {
        let text = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Nonsense: 1\n";
        assert!(check(text, "AWS::S3::Bucket", &[]).is_empty());
    }

    /// Until lint reads templates, the rule's examples are checked here: every finding of a fail
    /// example where it says, none for a pass example. Short-form tags are marked from the `!` to
    /// the end of their line, which covers the examples' one-line tagged values.
    #[test]
    fn the_rule_examples_hold() {
        let rule = crate::rules::get(ids::CFN_SCHEMA).unwrap();
        let run = |text: &str| -> Vec<String> {
            let doc = yaml_text(text, &Limits::default()).remove(0);
            let root = doc.root.clone().unwrap();
            let tags: Vec<Span> = text
                .match_indices(" !")
                .map(|(i, _)| Span::new(i + 1, text[i..].find('\n').map_or(text.len(), |n| i + n)))
                .collect();
            let mut found = Vec::new();
            for r in root.get("Resources").and_then(Node::as_map).unwrap_or_default() {
                let ty = r.value.get("Type").and_then(Node::as_str).unwrap_or_default();
                let props = r.value.get("Properties").unwrap();
                let fs = check_cfn("t", &doc, ty, props, "", &tags, &r.key);
                found.extend(fs.iter().map(|f| format!("{}:{}", f.start.line, f.start.column)));
            }
            found.sort();
            found
        };
        assert!(!rule.examples.fail.is_empty() && !rule.examples.pass.is_empty());
        for example in &rule.examples.fail {
            let mut expect = example.expect.clone();
            expect.sort();
            assert_eq!(run(&example.text), expect, "{}", example.text);
        }
        for example in &rule.examples.pass {
            assert_eq!(run(&example.text), Vec::<String>::new(), "{}", example.text);
        }
    }

    #[test]
    fn conversion_follows_cfn_lint() {
        assert_eq!(convert(Value::from("256"), &["integer"]), Value::from(256));
        assert_eq!(convert(Value::from("1.5"), &["number"]), Value::from(1.5));
        assert_eq!(convert(Value::from("1.5"), &["integer"]), Value::from("1.5"));
        assert_eq!(convert(Value::from("TRUE"), &["boolean"]), Value::from(true));
        assert_eq!(convert(Value::from("yes"), &["boolean"]), Value::from("yes"));
        assert_eq!(convert(Value::from(256), &["string"]), Value::from("256"));
        assert_eq!(convert(Value::from(false), &["string"]), Value::from("false"));
        assert_eq!(convert(Value::from(true), &["integer"]), Value::from(true));
        assert_eq!(convert(Value::from(1.5), &["integer"]), Value::from(1.5));
        assert_eq!(convert(Value::Null, &["string"]), Value::Null);
        assert_eq!(convert(Value::from("x"), &[]), Value::from("x"));
    }
}
