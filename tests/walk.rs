//! What `k2e lint` reaches and which settings it takes: symbolic links out of the linted paths,
//! links back to a folder above, the config search and its owner check, empty runs.

use serde_json::Value;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: not JSON:\n{}", self.stdout))
    }

    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

fn lint_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_k2e"))
        .arg("lint")
        .args(["--color", "never"])
        .args(args)
        .current_dir(dir)
        .env_remove("CI")
        .output()
        .expect("k2e runs");
    Run {
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
        code: out.status.code().expect("exited normally"),
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const NAMESPACE: &str = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: fine\n";

/// A broken manifest whose error sits on the line after a secret, so a snippet of the error
/// would quote it.
const SECRET: &str = "AKIAIOSFODNN7SECRETKEY";

fn credentials() -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: creds\ndata:\n  key: {SECRET}\n  bad: [\n")
}

/// `tmp/outside/{creds,more}.yaml` and `tmp/project` (a repository) with a file link and a
/// folder link to them, next to a file of its own.
fn project_with_links_out() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    write(&p.join("outside/creds.yaml"), &credentials());
    write(&p.join("outside/more.yaml"), &credentials());
    write(&p.join("project/ns.yaml"), NAMESPACE);
    std::fs::create_dir_all(p.join("project/.git")).unwrap();
    std::fs::create_dir_all(p.join("project/apps")).unwrap();
    symlink("../../outside/creds.yaml", p.join("project/apps/creds.yaml")).unwrap();
    symlink("../outside", p.join("project/vendor")).unwrap();
    tmp
}

const FORMATS: &[&str] = &["human", "json", "sarif", "junit", "github", "compact"];

#[test]
fn links_out_of_the_linted_paths_are_skipped_and_never_quoted() {
    let tmp = project_with_links_out();
    let project = tmp.path().join("project");
    for format in FORMATS {
        let run = lint_in(&project, &["--format", format, "--verbose", "."]);
        assert_eq!(run.code, 0, "{format}: skipped links are not errors\n{}", run.all());
        assert!(
            !run.all().contains(SECRET),
            "{format} printed the secret:\n{}",
            run.all()
        );
        assert!(
            !run.all().contains("unclosed"),
            "{format} linted outside the tree:\n{}",
            run.all()
        );
    }
    let human = lint_in(&project, &["--verbose", "."]);
    let outside = std::fs::canonicalize(tmp.path().join("outside")).unwrap();
    assert!(
        human.stdout.contains(&format!(
            "skipped apps/creds.yaml: symbolic link to {}, outside the linted paths; --follow to follow it\n",
            outside.join("creds.yaml").display()
        )),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("skipped vendor: symbolic link to "),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("1 file checked"), "{}", human.stdout);
    let quiet = lint_in(&project, &["."]);
    assert!(
        !quiet.stdout.contains("skipped"),
        "listed only with --verbose:\n{}",
        quiet.stdout
    );
    let json = lint_in(&project, &["--format", "json", "."]).json();
    let skipped: Vec<&str> = json["skipped_paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["apps/creds.yaml", "vendor"]);
    assert!(
        json["skipped_paths"][1]["reason"]
            .as_str()
            .unwrap()
            .contains("--follow")
    );
    assert_eq!(json["summary"]["files"], 1);
}

#[test]
fn follow_lints_outside_links_without_quoting_them() {
    let tmp = project_with_links_out();
    let project = tmp.path().join("project");
    let json = lint_in(&project, &["--format", "json", "--follow", "."]);
    assert_eq!(json.code, 2, "the broken files outside are linted: {}", json.stdout);
    let report = json.json();
    let files: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["apps/creds.yaml", "vendor/creds.yaml", "vendor/more.yaml"]);
    for format in FORMATS {
        let run = lint_in(&project, &["--format", format, "--follow", "."]);
        assert!(
            !run.all().contains(SECRET),
            "{format} quoted a file outside:\n{}",
            run.all()
        );
    }
}

#[test]
fn a_link_named_on_the_command_line_is_read_and_quoted() {
    let tmp = project_with_links_out();
    let run = lint_in(&tmp.path().join("project"), &["apps/creds.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.contains(SECRET), "the user named it:\n{}", run.stdout);
}

#[test]
fn links_back_up_are_not_linted_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    write(&p.join("neighbour/other.yaml"), NAMESPACE);
    write(&p.join("project/ns.yaml"), NAMESPACE);
    write(&p.join("project/sub/cm.yaml"), NAMESPACE);
    symlink("..", p.join("project/parent")).unwrap();
    symlink("..", p.join("project/sub/up")).unwrap();
    for follow in [false, true] {
        let mut args = vec!["--format", "json", "--no-config", "."];
        if follow {
            args.push("--follow");
        }
        let run = lint_in(&p.join("project"), &args);
        assert_eq!(run.code, 0, "a loop is skipped, not an error: {}", run.stdout);
        let json = run.json();
        assert_eq!(json["summary"]["files"], 2, "--follow {follow}: {}", run.stdout);
        let skipped: Vec<(&str, &str)> = json["skipped_paths"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["path"].as_str().unwrap(), s["reason"].as_str().unwrap()))
            .collect();
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert_eq!(skipped[0].0, "parent");
        assert_eq!(skipped[1].0, "sub/up");
        assert!(
            skipped.iter().all(|(_, r)| r.contains("a folder that holds it")),
            "{skipped:?}"
        );
    }
}

#[test]
fn links_inside_the_linted_paths_are_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    write(&p.join("common/cm.yaml"), NAMESPACE);
    std::fs::create_dir_all(p.join("apps")).unwrap();
    symlink("../common", p.join("apps/shared")).unwrap();
    symlink("common/cm.yaml", p.join("alias.yaml")).unwrap();
    let run = lint_in(p, &["--format", "json", "--no-config", "."]);
    let json = run.json();
    assert_eq!(json["summary"]["files"], 3, "{}", run.stdout);
    assert_eq!(json["skipped_paths"], serde_json::json!([]));
}

#[test]
fn a_config_above_the_repository_is_not_used() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    write(&p.join(".k2e.yaml"), "exclude: [\"**\"]\n");
    std::fs::create_dir_all(p.join("repo/.git")).unwrap();
    write(&p.join("repo/deploy/ns.yaml"), NAMESPACE);
    let run = lint_in(&p.join("repo/deploy"), &["--format", "json", "."]);
    let json = run.json();
    assert_eq!(json["summary"]["files"], 1, "{}", run.stdout);
    assert_eq!(json["summary"]["config"], Value::Null);
}

#[test]
fn a_config_owned_by_another_user_is_ignored_with_a_warning() {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: giving a file to another user needs root");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    write(&repo.join("ns.yaml"), NAMESPACE);
    write(&repo.join(".k2e.yaml"), "exclude: [\"**\"]\n");
    std::os::unix::fs::chown(repo.join(".k2e.yaml"), Some(65534), Some(65534)).unwrap();
    let run = lint_in(&repo, &["--format", "json", "."]);
    assert_eq!(run.json()["summary"]["files"], 1, "{}", run.stdout);
    assert_eq!(
        run.stderr,
        format!(
            "k2e: warning: {} is owned by uid 65534, not by you (uid 0) or root: ignored\n",
            repo.join(".k2e.yaml").display()
        )
    );
    // Named with --config, it is the user's choice.
    let named = lint_in(&repo, &["--format", "json", "--config", ".k2e.yaml", "."]);
    assert_eq!(named.json()["summary"]["files"], 0, "{}", named.stdout);
}

#[test]
fn the_config_in_use_is_named_in_verbose_json_and_sarif() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    write(&repo.join(".k2e.yaml"), "target: auto\n");
    write(&repo.join("ns.yaml"), NAMESPACE);
    let human = lint_in(repo, &["--verbose", "."]);
    assert!(human.stdout.starts_with("config: .k2e.yaml\n"), "{}", human.stdout);
    let json = lint_in(repo, &["--format", "json", "."]).json();
    assert_eq!(json["summary"]["config"], ".k2e.yaml");
    let sarif: Value = serde_json::from_str(&lint_in(repo, &["--format", "sarif", "."]).stdout).unwrap();
    assert_eq!(sarif["runs"][0]["invocations"][0]["properties"]["config"], ".k2e.yaml");
    assert_eq!(sarif["runs"][0]["invocations"][0]["executionSuccessful"], true);
    let none = lint_in(repo, &["--verbose", "--no-config", "."]);
    assert!(none.stdout.starts_with("config: none\n"), "{}", none.stdout);
    let none = lint_in(repo, &["--format", "json", "--no-config", "."]).json();
    assert_eq!(none["summary"]["config"], Value::Null);
}

#[test]
fn an_empty_run_warns_and_fails_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("empty")).unwrap();
    write(&repo.join("empty/README.md"), "not a manifest\n");
    let run = lint_in(repo, &["--no-config", "empty"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.ends_with(
            "k2e: 0 files checked, 0 documents: 0 errors, 0 warnings, 0 infos\nwarning: no files checked; no *.yaml, *.yml or *.json files found in the paths given\n"
        ),
        "{}",
        run.stdout
    );
    let run = lint_in(repo, &["--no-config", "--fail-on-empty", "empty"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "k2e: no files checked: no *.yaml, *.yml or *.json files found in the paths given; exit 2 (--fail-on-empty)\n"
    );
    // The config key, and excludes that remove every file, named in the warning.
    write(&repo.join(".k2e.yaml"), "fail-on-empty: true\nexclude: [legacy]\n");
    write(&repo.join("legacy/old.yaml"), NAMESPACE);
    let run = lint_in(repo, &["legacy"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("warning: no files checked; the 1 file found is excluded by .k2e.yaml\n"),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.stderr,
        "k2e: no files checked: the 1 file found is excluded by .k2e.yaml; exit 2 (fail-on-empty in .k2e.yaml)\n"
    );
    let json = lint_in(repo, &["--format", "json", "legacy"]);
    assert_eq!(json.code, 2, "every format fails the same way");
    assert_eq!(json.json()["summary"]["files"], 0);
    write(&repo.join("ns.yaml"), NAMESPACE);
    assert_eq!(lint_in(repo, &["."]).code, 0, "a run that checks a file passes");
}
