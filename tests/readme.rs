//! The README as a newcomer reads it: the quick start runs in a fresh clone with nothing beside
//! it, and no half comment shows on the page.

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

/// The indented command lines of the Quick start (not its fenced sample output), up to its
/// first subsection.
fn quick_start_commands(readme: &str) -> Vec<String> {
    let start = readme.find("## Quick start").expect("a Quick start section");
    let section = &readme[start..];
    let end = section[3..].find("\n#").map_or(section.len(), |i| i + 3);
    let mut fenced = false;
    let mut commands = Vec::new();
    for line in section[..end].lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with("    ") && !line.trim().is_empty() {
            commands.push(line.trim().to_owned());
        }
    }
    commands
}

#[test]
fn the_quick_start_needs_nothing_beside_the_repository() {
    let commands = quick_start_commands(&readme());
    assert_eq!(
        commands,
        ["cargo run --locked --release -- lint examples/", "cargo test --locked"],
        "the README's two set-up commands"
    );
    for command in &commands {
        assert!(
            !command.contains("../shared") && !command.contains("K2E_CORPUS"),
            "{command}"
        );
    }
}

#[test]
fn every_comment_is_closed_and_opened() {
    let text = readme();
    let (opens, closes) = (text.matches("<!--").count(), text.matches("-->").count());
    assert_eq!(
        opens, closes,
        "an unmatched HTML comment marker shows as text on the page"
    );
}
