//! Placeholder patterns for what a manifest cannot say: the ARNs of secrets, parameters and
//! roles, log groups. `{secret}`, `{key}`... are filled in when converting to ECS, and matched
//! when converting back, so a reference survives the round trip.

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Literal(String),
    Var(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    text: String,
    tokens: Vec<Token>,
}

impl Pattern {
    /// Parses a pattern; `allowed` lists the placeholders it may use.
    pub fn new(text: &str, allowed: &[&str]) -> Result<Pattern, String> {
        let mut tokens = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                tokens.push(Token::Literal(rest[..open].to_owned()));
            }
            let Some(close) = rest[open..].find('}') else {
                return Err(format!("{text:?}: '{{' without '}}'"));
            };
            let name = &rest[open + 1..open + close];
            if !allowed.contains(&name) {
                return Err(format!(
                    "{text:?}: unknown placeholder {{{name}}}; this pattern can use {}",
                    allowed
                        .iter()
                        .map(|a| format!("{{{a}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if matches!(tokens.last(), Some(Token::Var(_))) {
                return Err(format!(
                    "{text:?}: two placeholders in a row cannot be told apart when converting back"
                ));
            }
            tokens.push(Token::Var(name.to_owned()));
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            tokens.push(Token::Literal(rest.to_owned()));
        }
        Ok(Pattern {
            text: text.to_owned(),
            tokens,
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn uses(&self, var: &str) -> bool {
        self.tokens.iter().any(|t| matches!(t, Token::Var(v) if v == var))
    }

    /// The pattern with its placeholders replaced; a placeholder without a value stays as it is.
    pub fn fill(&self, vars: &[(&str, &str)]) -> String {
        let mut out = String::new();
        for token in &self.tokens {
            match token {
                Token::Literal(l) => out.push_str(l),
                Token::Var(v) => match vars.iter().find(|(name, _)| name == v) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(v);
                        out.push('}');
                    }
                },
            }
        }
        out
    }

    /// The placeholder values that make the pattern produce `text`, if any. A placeholder
    /// matches one or more characters other than `:` and `/` (the separators of ARNs and
    /// parameter paths, which no Kubernetes name contains).
    pub fn capture(&self, text: &str) -> Option<Vec<(String, String)>> {
        let mut out = Vec::new();
        capture(&self.tokens, text, &mut out).then_some(out)
    }
}

fn capture(tokens: &[Token], text: &str, out: &mut Vec<(String, String)>) -> bool {
    let Some((first, rest)) = tokens.split_first() else {
        return text.is_empty();
    };
    match first {
        Token::Literal(l) => text.strip_prefix(l.as_str()).is_some_and(|t| capture(rest, t, out)),
        Token::Var(name) => {
            let max = text.find([':', '/']).unwrap_or(text.len());
            // Longest first, so a trailing placeholder takes the whole remainder.
            for end in (1..=max).rev() {
                if !text.is_char_boundary(end) {
                    continue;
                }
                let mark = out.len();
                out.push((name.clone(), text[..end].to_owned()));
                if capture(rest, &text[end..], out) {
                    return true;
                }
                out.truncate(mark);
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_and_capture_are_inverse() {
        let p = Pattern::new(
            "arn:aws:secretsmanager:{region}:{account}:secret:{secret}:{key}::",
            &["region", "account", "secret", "key"],
        )
        .unwrap();
        let arn = p.fill(&[
            ("region", "REGION"),
            ("account", "ACCOUNT_ID"),
            ("secret", "db"),
            ("key", "pass.word"),
        ]);
        assert_eq!(arn, "arn:aws:secretsmanager:REGION:ACCOUNT_ID:secret:db:pass.word::");
        let got = p.capture(&arn).unwrap();
        assert_eq!(got[2], ("secret".to_owned(), "db".to_owned()));
        assert_eq!(got[3], ("key".to_owned(), "pass.word".to_owned()));
        assert!(p.capture("arn:aws:ssm:x:y:parameter/a").is_none());
        let ssm = Pattern::new(
            "arn:aws:ssm:{region}:{account}:parameter/{configmap}/{key}",
            &["region", "account", "configmap", "key"],
        )
        .unwrap();
        let got = ssm
            .capture("arn:aws:ssm:eu-west-1:1:parameter/app-config/LOG_LEVEL")
            .unwrap();
        assert_eq!(got[3].1, "LOG_LEVEL");
        assert_eq!(p.fill(&[]), p.text());
    }

    #[test]
    fn bad_patterns() {
        assert!(Pattern::new("{nope}", &["key"]).is_err());
        assert!(Pattern::new("{key", &["key"]).is_err());
        assert!(Pattern::new("{key}{key}", &["key"]).is_err());
    }
}
