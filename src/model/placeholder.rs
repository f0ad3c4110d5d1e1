//! Text that is still a template, not a value: `$VAR` and `${VAR}` (envsubst, shell, Terraform),
//! `$(VAR)` (kustomize vars, Kubernetes env expansion), `{{ ... }}` (Helm, Go templates,
//! Jinja) and `<...>` (a name to fill in, `<your-image>`), anywhere in the string. Every rule
//! that judges a value such as an image reads it through this one predicate, so an unrendered
//! manifest gets the same treatment from all of them: the value is not known yet, so no rule
//! says anything about it.

/// Whether `text` holds a placeholder anywhere.
pub fn is_placeholder(text: &str) -> bool {
    text.contains("{{") || has_dollar_variable(text) || has_angle_brackets(text)
}

/// `$NAME`, `${...}` or `$(...)`.
fn has_dollar_variable(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, b)| {
        *b == b'$'
            && bytes
                .get(i + 1)
                .is_some_and(|next| matches!(next, b'{' | b'(' | b'_') || next.is_ascii_alphabetic())
    })
}

/// A `<` with a `>` after it.
fn has_angle_brackets(text: &str) -> bool {
    text.find('<').is_some_and(|open| text[open..].contains('>'))
}

#[cfg(test)]
mod tests {
    use super::is_placeholder;

    #[test]
    fn every_template_form_anywhere_in_the_text() {
        for text in [
            "$IMAGE",
            "registry.example.com/app:$TAG",
            "${REPO}:latest",
            "${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/web",
            "$(IMAGE)",
            "{{ .Values.image }}",
            "app:{{.Chart.AppVersion}}",
            "<your-image>",
            "registry/<team>/app:1",
        ] {
            assert!(is_placeholder(text), "{text}");
        }
    }

    #[test]
    fn plain_values_are_not_placeholders() {
        for text in [
            "nginx:1.27",
            "nginx",
            "a$",
            "cost$1",
            "1 < 2",
            "app>1",
            "",
            "{x}",
            "price: $5",
        ] {
            assert!(!is_placeholder(text), "{text}");
        }
    }
}
