//! Glob patterns from the config: paths relative to the config's folder, object names
//! (`DaemonSet/*`) and EKS profile wildcards.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

#[derive(Debug, Default)]
pub struct Globs {
    set: Option<GlobSet>,
}

impl Globs {
    /// `names` patterns match a whole string where `*` may cross `/` (`Deployment/*`);
    /// path patterns keep `*` inside one folder and let `**` cross folders.
    /// The error names the index of the bad pattern.
    pub fn new(patterns: &[String], names: bool) -> Result<Globs, (usize, String)> {
        let mut builder = GlobSetBuilder::new();
        for (i, written) in patterns.iter().enumerate() {
            let pattern = written.trim_start_matches("./").trim_end_matches('/');
            // As in .gitignore: a path pattern without a slash matches at any depth, and a
            // leading slash anchors it to the config's folder.
            let pattern = if names {
                pattern.to_owned()
            } else if let Some(anchored) = pattern.strip_prefix('/') {
                anchored.to_owned()
            } else if pattern.contains('/') {
                pattern.to_owned()
            } else {
                format!("**/{pattern}")
            };
            let pattern = pattern.as_str();
            let glob = GlobBuilder::new(pattern)
                .literal_separator(!names)
                .backslash_escape(true)
                .build()
                .map_err(|e| (i, format!("bad glob {written:?}: {}", e.kind())))?;
            builder.add(glob);
        }
        let set = builder.build().map_err(|e| (0, e.to_string()))?;
        Ok(Globs { set: Some(set) })
    }

    /// One EKS wildcard pattern (`*` and `?`), for profile namespaces and label values.
    pub fn names(pattern: &str) -> Result<Globs, String> {
        // EKS knows only `*` and `?`: every other glob character is literal.
        let escaped: String = pattern
            .chars()
            .flat_map(|c| {
                let escape = matches!(c, '[' | ']' | '{' | '}' | '\\');
                escape.then_some('\\').into_iter().chain(std::iter::once(c))
            })
            .collect();
        let glob = GlobBuilder::new(&escaped)
            .backslash_escape(true)
            .build()
            .map_err(|e| e.to_string())?;
        let set = GlobSetBuilder::new().add(glob).build().map_err(|e| e.to_string())?;
        Ok(Globs { set: Some(set) })
    }

    pub fn is_empty(&self) -> bool {
        self.set.as_ref().is_none_or(GlobSet::is_empty)
    }

    /// A relative path matches when it, or a folder it is in, matches a pattern: `legacy`
    /// covers `legacy/a.yaml`.
    pub fn matches_path(&self, rel: &str) -> bool {
        let Some(set) = &self.set else {
            return false;
        };
        let mut at = rel.len();
        loop {
            if set.is_match(&rel[..at]) {
                return true;
            }
            match rel[..at].rfind('/') {
                Some(i) => at = i,
                None => return false,
            }
        }
    }

    pub fn matches_name(&self, name: &str) -> bool {
        self.set.as_ref().is_some_and(|s| s.is_match(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(patterns: &[&str]) -> Globs {
        Globs::new(&patterns.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>(), false).unwrap()
    }

    #[test]
    fn path_globs_cover_folders_and_keep_star_in_one_folder() {
        let g = paths(&["legacy", "charts/*/rendered.yaml", "*.tmpl.yaml", "./ops/", "/top.yaml"]);
        assert!(g.matches_path("legacy/a.yaml"));
        assert!(g.matches_path("legacy/deep/b.yaml"));
        assert!(
            g.matches_path("apps/legacy/b.yaml"),
            "no slash: any depth, as in .gitignore"
        );
        assert!(!g.matches_path("legacy2/a.yaml"));
        assert!(g.matches_path("top.yaml"));
        assert!(!g.matches_path("apps/top.yaml"), "a leading slash anchors");
        assert!(g.matches_path("charts/web/rendered.yaml"));
        assert!(!g.matches_path("charts/web/x/rendered.yaml"));
        assert!(g.matches_path("a/b/c.tmpl.yaml"));
        assert!(g.matches_path("c.tmpl.yaml"));
        assert!(g.matches_path("ops/x.json"));
        assert!(!Globs::default().matches_path("a"));
    }

    #[test]
    fn names_and_profile_wildcards() {
        let g = Globs::new(&["DaemonSet/*".to_owned()], true).unwrap();
        assert!(g.matches_name("DaemonSet/fluent-bit"));
        assert!(!g.matches_name("Deployment/web"));
        let ns = Globs::names("team-*").unwrap();
        assert!(ns.matches_name("team-a"));
        assert!(!ns.matches_name("default"));
        assert!(Globs::names("prod-?").unwrap().matches_name("prod-1"));
        assert!(Globs::names("a[b]").unwrap().matches_name("a[b]"));
    }

    #[test]
    fn a_bad_pattern_names_its_index() {
        let err = Globs::new(&["ok".to_owned(), "a[".to_owned()], false).unwrap_err();
        assert_eq!(err.0, 1);
        assert!(err.1.contains("a["), "{}", err.1);
    }
}
