use super::*;

const GOOD: &str = r#"# every key
target: eks-fargate
kubernetes-version: "1.35"
select: [FG, K8S]
ignore: [FG110]
severity:
  FG: warning
  FG101: error
exclude: [legacy, "**/*.tmpl.yaml"]
suppressions:
  - rules: [FG101]
    objects: ["DaemonSet/fluent-*"]
    reason: runs on the EC2 node group
    until: 2027-01-31
fargate-profiles:
  - name: apps
    selectors:
      - namespace: team-*
        labels: {compute: fargate}
"#;

#[test]
fn a_full_config_loads() {
    let c = Config::parse(".k2e.yaml", GOOD).unwrap();
    assert_eq!(c.target, Some(Target::EksFargate));
    assert_eq!(c.kubernetes_version.as_deref(), Some("1.35"));
    assert_eq!(c.select, ["FG", "K8S"]);
    assert_eq!(c.severity("FG101"), Some(Severity::Error));
    assert_eq!(c.severity("FG102"), Some(Severity::Warning));
    assert_eq!(c.severity("K8S001"), None);
    assert_eq!(c.suppressions[0].reason, "runs on the EC2 node group");
    assert_eq!(c.suppressions[0].until.as_deref(), Some("2027-01-31"));
    let sel = &c.profiles[0].selectors[0];
    let labels = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>()
    };
    assert!(sel.matches("team-a", &labels(&[("compute", "fargate"), ("app", "x")])));
    assert!(!sel.matches("team-a", &labels(&[("app", "x")])));
    assert!(!sel.matches("default", &labels(&[("compute", "fargate")])));
}

#[test]
fn an_empty_file_is_no_config() {
    let c = Config::parse(".k2e.yaml", "# nothing yet\n").unwrap();
    assert!(c.target.is_none() && c.suppressions.is_empty());
}

#[test]
fn schema_errors_name_their_line() {
    let err = Config::parse(".k2e.yaml", "target: fargate\nseverity:\n  FG001: fatal\n").unwrap_err();
    assert!(err.contains(".k2e.yaml:1:9: /target: "), "{err}");
    assert!(err.contains(".k2e.yaml:3:10: /severity/FG001: "), "{err}");
    let err = Config::parse(".k2e.yaml", "suppressions:\n  - rules: [FG101]\n").unwrap_err();
    assert!(
        err.starts_with(".k2e.yaml:2:5: /suppressions/0: \"reason\" is a required"),
        "{err}"
    );
    let err = Config::parse(".k2e.yaml", "targt: ecs-fargate\n").unwrap_err();
    assert!(err.contains(".k2e.yaml:1:1:") && err.contains("targt"), "{err}");
    let err = Config::parse(".k2e.yaml", "kubernetes-version: 1.35\n").unwrap_err();
    assert!(err.contains("1:21: /kubernetes-version: "), "{err}");
}

#[test]
fn bad_dates_and_versions_name_their_line() {
    let err = Config::parse(
        ".k2e.yaml",
        "suppressions:\n  - {rules: [FG], reason: r, until: 2026-02-29}\n",
    )
    .unwrap_err();
    assert_eq!(err, ".k2e.yaml:2:37: 2026-02-29 is not a date (YYYY-MM-DD)");
    assert!(
        Config::parse(
            ".k2e.yaml",
            "suppressions:\n  - {rules: [FG], reason: r, until: 2028-02-29}\n"
        )
        .is_ok()
    );
    let err = Config::parse(".k2e.yaml", "kubernetes-version: \"1.20\"\n").unwrap_err();
    assert!(
        err.starts_with(".k2e.yaml:1:21: no bundled schemas for Kubernetes 1.20; use one of 1.30"),
        "{err}"
    );
}

#[test]
fn unknown_rules_and_bad_globs_name_their_line() {
    let err = Config::parse(".k2e.yaml", "ignore:\n  - FG\n  - XYZ9\n").unwrap_err();
    assert_eq!(
        err,
        ".k2e.yaml:3:5: no rule id starts with \"XYZ9\"; `k2e rules` lists them"
    );
    let err = Config::parse(".k2e.yaml", "exclude: [ok, \"a[\"]\n").unwrap_err();
    assert!(err.starts_with(".k2e.yaml:1:15: bad glob \"a[\""), "{err}");
}

#[test]
fn yaml_errors_name_their_line() {
    let err = Config::parse(".k2e.yaml", "target: auto\ntarget: ecs-fargate\n").unwrap_err();
    assert!(err.starts_with(".k2e.yaml:2:1: "), "{err}");
    let err = Config::parse(".k2e.yaml", "a: 1\n---\nb: 2\n").unwrap_err();
    assert_eq!(
        err,
        ".k2e.yaml:3:1: one YAML document expected; this is the start of a second one"
    );
    assert!(
        Config::parse(".k2e.yaml", "target: auto\n---\n").is_ok(),
        "a trailing separator is fine"
    );
    assert!(Config::parse(".k2e.yaml", "# c\n---\n# only a comment\n---\ntarget: auto\n").is_ok());
    let err = Config::parse(".k2e.yaml", "target: a\ntarget: b\n").unwrap_err();
    assert!(!err.contains("kubectl"), "{err}");
}

#[test]
fn paths_are_relative_to_the_config_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    std::fs::write(&path, "exclude: [legacy]\n").unwrap();
    let c = Config::load(&path).unwrap();
    let inside = dir.path().join("legacy/a.yaml");
    assert_eq!(
        c.relative(&inside.display().to_string()).as_deref(),
        Some("legacy/a.yaml")
    );
    assert!(c.excluded(&inside.display().to_string()));
    assert!(!c.excluded(&dir.path().join("app/a.yaml").display().to_string()));
    assert!(!c.excluded("/elsewhere/legacy/a.yaml"));
    let dotted = dir.path().join("app/../legacy/b.yaml");
    assert!(
        c.excluded(&dotted.display().to_string()),
        "`..` is resolved before matching"
    );
    let outside = dir.path().join("../outside/legacy/a.yaml");
    assert!(c.relative(&outside.display().to_string()).is_none());
    assert!(c.relative("-").is_none());
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    assert_eq!(find(&dir.path().join("a/b")).path, Some(path));
}

#[test]
fn fail_on_empty_is_a_boolean_key() {
    assert!(
        Config::parse(".k2e.yaml", "fail-on-empty: true\n")
            .unwrap()
            .fail_on_empty
    );
    assert!(!Config::parse(".k2e.yaml", "target: auto\n").unwrap().fail_on_empty);
    let err = Config::parse(".k2e.yaml", "fail-on-empty: \"sometimes\"\n").unwrap_err();
    assert!(err.starts_with(".k2e.yaml:1:16: /fail-on-empty: "), "{err}");
}
