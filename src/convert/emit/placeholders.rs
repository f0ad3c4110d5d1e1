//! The placeholders k2e writes where it cannot know a value (`REGION`, `ACCOUNT_ID`,
//! `SUBNET_ID`, `CLUSTER_NAME`, `...:targetgroup/web-8080/TARGET_GROUP_ID`), found in a string so
//! that a template can turn each into a Parameter or a variable instead of a fake ARN.

/// A piece of a string value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Text(String),
    /// The region the set is deployed in.
    Region,
    /// The account the set is deployed in.
    Account,
    /// Something a person must supply, by the name of its parameter (`ClusterName`).
    Input(Input),
}

/// A value a person must supply.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    /// Words of its name, lower case (`["cluster", "name"]`): each form spells them its way.
    pub words: Vec<String>,
    /// What the placeholder stood for, for the parameter's description.
    pub description: String,
    /// A list of subnet or security group ids rather than one string.
    pub list: Option<ListKind>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ListKind {
    Subnets,
    SecurityGroups,
}

/// A placeholder token: upper case words joined by `_` that end in a word naming what to fill in.
fn is_token(s: &str) -> bool {
    if s == "REGION" {
        return true;
    }
    let words: Vec<&str> = s.split('_').collect();
    words.len() >= 2
        && words
            .iter()
            .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
        && s.starts_with(|c: char| c.is_ascii_uppercase())
        && matches!(words.last(), Some(&("ID" | "NAME" | "ARN" | "ROLE")))
}

fn words_of(token: &str) -> Vec<String> {
    token.split('_').map(str::to_ascii_lowercase).collect()
}

/// The parts of `s` when it holds a placeholder: the whole string is a token, or it is an ARN
/// or an Application Auto Scaling resource id (`service/CLUSTER_NAME/web`) with tokens among
/// its `:`- and `/`-separated segments. None when it holds none.
pub fn parts(s: &str) -> Option<Vec<Part>> {
    if is_token(s) {
        return Some(vec![token_part(s, s)]);
    }
    if !(s.starts_with("arn:") || s.starts_with("service/")) {
        return None;
    }
    if s.ends_with("/TARGET_GROUP_ID") {
        return Some(vec![Part::Input(target_group(s))]);
    }
    let mut out: Vec<Part> = Vec::new();
    let mut found = false;
    let mut start = 0;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ':'))) {
        if c != ':' && c != '/' {
            continue;
        }
        let segment = &s[start..i];
        if is_token(segment) {
            found = true;
            out.push(token_part(segment, s));
        } else {
            push_text(&mut out, segment);
        }
        if i < s.len() {
            push_text(&mut out, &s[i..i + 1]);
        }
        start = i + 1;
    }
    found.then_some(out)
}

fn push_text(out: &mut Vec<Part>, text: &str) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(Part::Text(t)) => t.push_str(text),
        _ => out.push(Part::Text(text.to_owned())),
    }
}

/// The part a token stands for in `whole`. A target group id differs for each target group:
/// the whole ARN becomes one input named after the target group; other tokens are one input for
/// the whole set.
fn token_part(token: &str, whole: &str) -> Part {
    match token {
        "REGION" => Part::Region,
        "ACCOUNT_ID" => Part::Account,
        "TARGET_GROUP_ID" => Part::Input(target_group(whole)),
        "SUBNET_ID" => list_input(ListKind::Subnets),
        "SECURITY_GROUP_ID" => list_input(ListKind::SecurityGroups),
        _ => Part::Input(Input {
            words: words_of(token),
            description: format!("replaces the placeholder {token}"),
            list: None,
        }),
    }
}

fn list_input(kind: ListKind) -> Part {
    let (words, what) = match kind {
        ListKind::Subnets => (vec!["subnets"], "the subnets the tasks run in"),
        ListKind::SecurityGroups => (vec!["security", "groups"], "the security groups of the tasks"),
    };
    Part::Input(Input {
        words: words.into_iter().map(String::from).collect(),
        description: what.into(),
        list: Some(kind),
    })
}

/// `arn:...:targetgroup/NAME/TARGET_GROUP_ID` -> an input `target group NAME arn`.
fn target_group(arn: &str) -> Input {
    let name = arn
        .split_once(":targetgroup/")
        .and_then(|(_, rest)| rest.split('/').next())
        .unwrap_or("target");
    let mut words = vec!["target".to_owned(), "group".to_owned()];
    words.extend(
        name.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase),
    );
    words.push("arn".into());
    Input {
        words,
        description: format!("the ARN of the target group for {name} (k2e wrote {arn})"),
        list: None,
    }
}

/// A list holding only the subnet or security group placeholder: the whole list is one input.
pub fn list_input_of(items: &[serde_json::Value]) -> Option<Input> {
    let [only] = items else { return None };
    match only.as_str()? {
        "SUBNET_ID" | "SECURITY_GROUP_ID" => match token_part(only.as_str()?, "") {
            Part::Input(i) => Some(i),
            _ => None,
        },
        _ => None,
    }
}

/// `words` in PascalCase (`ClusterName`).
pub fn pascal(words: &[String]) -> String {
    words.iter().map(|w| capitalize(w)).collect()
}

/// `words` in snake_case (`cluster_name`).
pub fn snake(words: &[String]) -> String {
    words.join("_")
}

pub fn capitalize(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Part {
        Part::Text(s.into())
    }

    #[test]
    fn tokens_in_arns_and_whole_strings() {
        assert_eq!(parts("web"), None);
        assert_eq!(parts("MY_APP"), None, "not a placeholder word");
        assert_eq!(parts("$(DB_ID)"), None, "only ARNs, resource ids and whole tokens");
        let p = parts("arn:aws:iam::ACCOUNT_ID:role/ecsTaskExecutionRole").unwrap();
        assert_eq!(
            p,
            [text("arn:aws:iam::"), Part::Account, text(":role/ecsTaskExecutionRole")]
        );
        let p = parts("arn:aws:secretsmanager:REGION:ACCOUNT_ID:secret:db:url::").unwrap();
        assert_eq!(
            p,
            [
                text("arn:aws:secretsmanager:"),
                Part::Region,
                text(":"),
                Part::Account,
                text(":secret:db:url::")
            ]
        );
        let p = parts("CLUSTER_NAME").unwrap();
        let [Part::Input(i)] = p.as_slice() else {
            panic!("{p:?}")
        };
        assert_eq!(pascal(&i.words), "ClusterName");
        let p = parts("service/CLUSTER_NAME/web").unwrap();
        assert_eq!(p.len(), 3);
        let tg = parts("arn:aws:elasticloadbalancing:REGION:ACCOUNT_ID:targetgroup/web-8080/TARGET_GROUP_ID").unwrap();
        let [Part::Input(i)] = tg.as_slice() else {
            panic!("{tg:?}")
        };
        assert_eq!(snake(&i.words), "target_group_web_8080_arn");
    }

    #[test]
    fn placeholder_lists() {
        let l = list_input_of(&[serde_json::json!("SUBNET_ID")]).unwrap();
        assert_eq!(l.list, Some(ListKind::Subnets));
        assert_eq!(list_input_of(&[serde_json::json!("subnet-1")]), None);
    }
}
