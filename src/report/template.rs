//! Where a Helm-rendered finding belongs in the chart: `helm template` writes `# Source:
//! chart/templates/x.yaml` above each document (kept in `Finding::source`). When that path is a
//! file under the working directory, SARIF and `--format github` point at the template instead of
//! the rendered stream, which is usually `<stdin>` and cannot be annotated.
//!
//! A template is read only when its real path (symlinks resolved) stays under the real working
//! directory, and only its first `MAX_TEMPLATE_BYTES`.

use crate::finding::Finding;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Templates are a few kilobytes; a larger file is still named, but not searched for the line.
const MAX_TEMPLATE_BYTES: u64 = 4 << 20;

/// A template a finding was rendered from, found under the working directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// The template's path relative to the working directory.
    pub relative: PathBuf,
    /// The one template line with the rendered line's text, when exactly one has it.
    pub line: Option<usize>,
}

/// Resolves `# Source:` paths, reading each template once.
pub struct Templates {
    /// The working directory, symlinks resolved; `None` when it cannot be resolved (then no
    /// template is ever read).
    base: Option<PathBuf>,
    cache: HashMap<String, Option<Template>>,
}

struct Template {
    relative: PathBuf,
    /// Trimmed line text -> its 1-based line, or `None` when several lines hold it.
    lines: HashMap<String, Option<usize>>,
}

impl Templates {
    pub fn new(base: &Path) -> Self {
        Templates {
            base: base.canonicalize().ok(),
            cache: HashMap::new(),
        }
    }

    /// The template of a finding, when it has a `# Source:` that resolves under the base.
    pub fn place(&mut self, f: &Finding) -> Option<Place> {
        let source = f.source.as_deref()?;
        let base = self.base.as_deref()?;
        let template = self
            .cache
            .entry(source.to_owned())
            .or_insert_with(|| load(base, source))
            .as_ref()?;
        let line = f
            .source_line
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .and_then(|text| template.lines.get(text).copied().flatten());
        Some(Place {
            relative: template.relative.clone(),
            line,
        })
    }
}

/// The template at `source` (relative to `base`), if it is a regular file whose real path is
/// under `base`.
fn load(base: &Path, source: &str) -> Option<Template> {
    let real = base.join(source).canonicalize().ok()?;
    let relative = real.strip_prefix(base).ok()?.to_path_buf();
    if relative.as_os_str().is_empty() || !std::fs::metadata(&real).ok()?.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    let read = std::fs::File::open(&real)
        .and_then(|file| file.take(MAX_TEMPLATE_BYTES + 1).read_to_end(&mut bytes))
        .is_ok();
    let text = (read && bytes.len() as u64 <= MAX_TEMPLATE_BYTES)
        .then(|| std::str::from_utf8(&bytes).ok())
        .flatten()
        .unwrap_or("");
    Some(Template {
        relative,
        lines: index(text),
    })
}

/// Trimmed template lines that can be compared with rendered text: a line with `{{` renders
/// to something else, so it never matches.
fn index(text: &str) -> HashMap<String, Option<usize>> {
    let mut lines: HashMap<String, Option<usize>> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.contains("{{") {
            continue;
        }
        lines
            .entry(line.to_owned())
            .and_modify(|seen| *seen = None)
            .or_insert(Some(i + 1));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    fn finding(source: &str, line: &str) -> Finding {
        let mut f = Finding::file("K8S002", Severity::Error, "<stdin>", "m".to_owned());
        f.source = Some(source.to_owned());
        f.source_line = Some(line.to_owned());
        f
    }

    #[test]
    fn the_line_is_the_one_template_line_with_the_same_text() {
        let dir = tempfile::tempdir().unwrap();
        let templates = dir.path().join("chart/templates");
        std::fs::create_dir_all(&templates).unwrap();
        std::fs::write(
            templates.join("cm.yaml"),
            "kind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  port: 80\n  a: x\n  a: x\n",
        )
        .unwrap();
        let mut t = Templates::new(dir.path());
        let place = t.place(&finding("chart/templates/cm.yaml", "    port: 80")).unwrap();
        assert_eq!(place.relative, Path::new("chart/templates/cm.yaml"));
        assert_eq!(place.line, Some(5));
        // Twice in the template: no line.
        assert_eq!(t.place(&finding("chart/templates/cm.yaml", "a: x")).unwrap().line, None);
        // Only on a templated line: no line.
        assert_eq!(
            t.place(&finding("chart/templates/cm.yaml", "  name: web"))
                .unwrap()
                .line,
            None
        );
        assert_eq!(t.place(&finding("chart/templates/gone.yaml", "port: 80")), None);
        assert_eq!(t.place(&finding("chart/templates", "port: 80")), None, "a folder");
    }

    #[test]
    fn never_reads_outside_the_base() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.yaml"), "port: 80\n").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let inside = dir.path().join("repo");
        std::fs::create_dir(&inside).unwrap();
        std::fs::write(dir.path().join("up.yaml"), "port: 80\n").unwrap();
        let mut t = Templates::new(&inside);
        assert_eq!(t.place(&finding("../up.yaml", "port: 80")), None);
        let absolute = outside.path().join("secret.yaml");
        assert_eq!(t.place(&finding(absolute.to_str().unwrap(), "port: 80")), None);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&absolute, inside.join("link.yaml")).unwrap();
            assert_eq!(t.place(&finding("link.yaml", "port: 80")), None);
        }
    }
}
