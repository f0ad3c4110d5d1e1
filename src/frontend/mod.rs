//! Front-ends: ECS task definitions and services kept inside other formats (CloudFormation
//! templates, CDK and SAM output, Terraform files and plans), rewritten into the shape of the
//! ECS API (`register-task-definition` / `create-service` input, camelCase keys) so every ECS
//! rule, `convert` and `estimate` read them unchanged.
//!
//! The rewritten tree is made of the source's own nodes: every key and value keeps its span in
//! the source file, so a finding on `cpu` lands on the template's `Cpu`. What the rewrite cannot
//! know (an intrinsic function, a Terraform reference) is recorded in [`Resource::unknown`], so
//! the caller drops findings about it instead of guessing.
//! It may use `input` and `parse`, nothing above them.

pub mod cfn;
pub mod terraform;

use crate::parse::{Document, Node, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceKind {
    /// `AWS::ECS::TaskDefinition`, `aws_ecs_task_definition`: `node` is RegisterTaskDefinition input.
    TaskDefinition,
    /// `AWS::ECS::Service`, `aws_ecs_service`: `node` is CreateService input.
    Service,
}

/// One ECS resource of a template or Terraform file, in the API's shape.
#[derive(Debug)]
pub struct Resource {
    pub kind: ResourceKind,
    /// How findings name it: `AWS::ECS::TaskDefinition MyTask`, `aws_ecs_task_definition.web`,
    /// `module.app.aws_ecs_task_definition.web` (a plan's address).
    pub label: String,
    /// The name other resources of the same input link to it by: the logical id (`MyTask`) or the
    /// Terraform address (`aws_ecs_task_definition.web`).
    pub id: String,
    /// For a service: the `id` of the task definition resource it runs, when its task definition
    /// is given as a reference to one (`!Ref MyTask`, `aws_ecs_task_definition.web.arn`).
    pub task_definition: Option<String>,
    /// The resource in the API's shape. Spans are in the source document (or, for nodes read from
    /// an included file, in `included`'s document shifted by its `base`).
    pub node: Node,
    /// Where the resource sits in its source document, as a JSON pointer
    /// (`/Resources/MyTask/Properties`, `/resource/aws_ecs_task_definition/web`).
    pub pointer: String,
    /// For each node of `node` whose source pointer is not simply `pointer` + the API pointer:
    /// (API pointer relative to `node`, source pointer in the document). Pointers below a pair are
    /// translated by its longest prefix: ("/containerDefinitions", "/Resources/T/Properties/ContainerDefinitions").
    pub pointers: Vec<(String, String)>,
    /// Values the rewrite cannot know: findings inside their spans or at or below their API
    /// pointers are dropped.
    pub unknown: Vec<Unknown>,
    /// Values taken from a parameter's or variable's literal default, which findings on them name.
    pub assumed: Vec<Assumed>,
    /// Values given by a parameter with `AllowedValues` (CloudFormation) or a variable with a
    /// `validation` list: checked once per allowed value.
    pub choices: Vec<Choice>,
    /// Nodes read from another file (`file("containers.json")`), if any.
    pub included: Option<Included>,
    /// Notes for the user about what was read and how (`container_definitions` read from
    /// `containers.json`; `Cpu` is a `!Ref` without a default, not checked).
    pub notes: Vec<String>,
}

/// Whether the value at `pointer` is, or holds, what `pattern` names (`*` matches any one step).
fn holds(pointer: &str, pattern: &str) -> bool {
    let steps: Vec<&str> = pointer.split('/').collect();
    let wanted: Vec<&str> = pattern.split('/').collect();
    steps.len() <= wanted.len() && steps.iter().zip(&wanted).all(|(s, w)| *w == "*" || s == w)
}

/// A value k2e cannot know: an intrinsic function, a reference, a template expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    /// The source text of the value (`!Ref Cpu`, `{"Fn::Join": ...}`, `var.cpu`).
    pub span: Span,
    /// The value's pointer in the API's shape, relative to `Resource::node` (`/cpu`).
    pub pointer: String,
}

/// A value taken from a parameter's (or variable's) literal default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assumed {
    /// The reference in the resource (`!Ref TaskCpu`): the default value's node carries this span.
    pub span: Span,
    /// `parameter TaskCpu`, `variable cpu`.
    pub name: String,
    /// The default as written (`"256"`).
    pub value: String,
    /// Where the default is written, and in which file when not the resource's own
    /// (a Terraform `variable` in the module's `variables.tf`).
    pub default_span: Span,
    pub default_file: Option<String>,
}

/// A value given by a parameter whose allowed values are listed.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// The reference in the resource.
    pub span: Span,
    /// The value's pointer in the API's shape, relative to `Resource::node`.
    pub pointer: String,
    /// `parameter TaskCpu`.
    pub name: String,
    /// Each allowed value as a node (spans where it is written in the parameter's list).
    pub values: Vec<Node>,
}

/// A file that a resource reads part of its value from.
#[derive(Debug)]
pub struct Included {
    /// The path as lint names files (relative like the source's own name).
    pub file: String,
    /// Its text; spans of nodes read from it are `base` + the offset in this document.
    pub doc: Document,
    pub base: usize,
}

/// A front-end's refusal of its input (malformed HCL, a template whose `Resources` is not a
/// mapping): where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrontendError {
    pub span: Span,
    pub message: String,
}

impl Resource {
    /// The source pointer of an API pointer (relative to `node`).
    pub fn source_pointer(&self, api: &str) -> String {
        let best = self
            .pointers
            .iter()
            .filter(|(from, _)| api == from || api.starts_with(&format!("{from}/")))
            .max_by_key(|(from, _)| from.len());
        match best {
            Some((from, to)) => format!("{to}{}", &api[from.len()..]),
            None => format!("{}{api}", self.pointer),
        }
    }

    /// Whether a finding rests on a value k2e cannot know without being placed on it: its message
    /// quotes one (`hostPort 8080 differs from containerPort "!Ref Port"`), or its rule compares
    /// against values at `compared` (API pointers, `*` for any one step: a volume name a mount
    /// point must match is `/volumes/*/name`) and one of them, or what holds it, is unknown.
    pub fn rests_on_unknown(&self, doc: &Document, message: &str, compared: &[&str]) -> bool {
        self.unknown.iter().any(|u| {
            let quoted = doc
                .raw(u.span)
                .is_some_and(|text| text.len() >= 4 && message.contains(text));
            quoted || compared.iter().any(|pattern| holds(&u.pointer, pattern))
        })
    }

    /// Whether a finding at `span` / API `pointer` is about a value k2e cannot know.
    pub fn is_unknown(&self, span: Span, pointer: Option<&str>) -> bool {
        self.unknown.iter().any(|u| {
            let inside = span.start >= u.span.start && span.end <= u.span.end && span != Span::default();
            let below = pointer.is_some_and(|p| p == u.pointer || p.starts_with(&format!("{}/", u.pointer)));
            inside || below
        })
    }
}

/// The formats the front-ends read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A CloudFormation template (by hand, CDK or SAM output), YAML or JSON.
    CloudFormation,
    /// A Terraform `.tf` file.
    Terraform,
    /// `terraform show -json` output (a plan or a state).
    TerraformPlan,
}

impl Source {
    /// How reports name the format (`Checked::api_version`).
    pub fn name(self) -> &'static str {
        match self {
            Source::CloudFormation => "cloudformation",
            Source::Terraform => "terraform",
            Source::TerraformPlan => "terraform-plan",
        }
    }

    /// Why a document of this format with no ECS resource is skipped.
    pub fn without_resources(self) -> &'static str {
        match self {
            Source::CloudFormation => "a CloudFormation template with no AWS::ECS::TaskDefinition or AWS::ECS::Service",
            Source::Terraform => "a Terraform file with no aws_ecs_task_definition or aws_ecs_service",
            Source::TerraformPlan => "a Terraform plan with no aws_ecs_task_definition or aws_ecs_service",
        }
    }
}

impl ResourceKind {
    /// The resource type as the format writes it.
    pub fn name(self, source: Source) -> &'static str {
        match (source, self) {
            (Source::CloudFormation, ResourceKind::TaskDefinition) => "AWS::ECS::TaskDefinition",
            (Source::CloudFormation, ResourceKind::Service) => "AWS::ECS::Service",
            (_, ResourceKind::TaskDefinition) => "aws_ecs_task_definition",
            (_, ResourceKind::Service) => "aws_ecs_service",
        }
    }
}

/// What a front-end read from one document.
#[derive(Debug)]
pub struct Read {
    pub source: Source,
    pub resources: Vec<Resource>,
    pub errors: Vec<FrontendError>,
}

impl Read {
    /// The included file a span lies in (Terraform's `file()`), and the span within that file.
    pub fn included_at(&self, span: Span) -> Option<(&Included, Span)> {
        let included = self
            .resources
            .iter()
            .filter_map(|r| r.included.as_ref())
            .find(|i| span.start >= i.base && span.start - i.base <= i.doc.text.len())?;
        let local = Span::new(span.start - included.base, span.end.saturating_sub(included.base));
        Some((included, local))
    }
}

/// The ECS resources of a YAML or JSON document that is a CloudFormation template or a Terraform
/// plan; `None` for any other document.
pub fn read(doc: &Document, root: &Node) -> Option<Read> {
    if cfn::is_template(root) {
        let (resources, errors) = cfn::resources(doc, root);
        return Some(Read {
            source: Source::CloudFormation,
            resources,
            errors,
        });
    }
    if terraform::is_plan(root) {
        let (resources, errors) = terraform::plan_resources(doc, root);
        return Some(Read {
            source: Source::TerraformPlan,
            resources,
            errors,
        });
    }
    None
}

/// Whether a file is a Terraform file (`.tf`, any case), read by [`read_terraform`] rather than
/// as YAML or JSON.
pub fn is_terraform(name: &str) -> bool {
    std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("tf"))
}

/// A `.tf` file's bytes as a document, and its ECS resources or the HCL syntax error that
/// stopped the reading; an error when the bytes are not UTF-8 text. `module` says where the file
/// is, for its variables and `file()` reads.
pub fn read_terraform(
    bytes: &[u8],
    module: &terraform::Module<'_>,
) -> Result<(Document, Result<Read, crate::parse::ParseError>), crate::parse::InputError> {
    let (skip, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (3, rest),
        None => (0, bytes),
    };
    let text = crate::parse::check_text(body, skip, 1).map_err(crate::parse::InputError::whole)?;
    let mut doc = Document::new(0, text.to_owned(), skip, 1);
    // Suppressions are comments: `# k2e-ignore FG001 reason` works in a .tf file as in YAML.
    doc.comments = crate::parse::hcl::comments(&doc.text, skip);
    let body = match crate::parse::hcl(&doc.text, skip, &module.limits) {
        Ok(body) => body,
        Err(e) => return Ok((doc, Err(e))),
    };
    let (resources, errors) = terraform::hcl_resources(&doc, &body, module);
    let read = Read {
        source: Source::Terraform,
        resources,
        errors,
    };
    Ok((doc, Ok(read)))
}
