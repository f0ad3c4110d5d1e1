//! The loss report: what became of every field of every input object. Converters record a note
//! for each field they read (a note on a mapping or sequence covers everything below it); the
//! most specific note covering a leaf decides its fate. Nothing may be dropped silently: after a
//! conversion, `sweep` turns any leaf no note covers into an `unhandled` drop, which the tests
//! require never to happen.

use super::cursor::{At, leaves};
use super::outcome::Added;
use crate::finding::LineIndex;
use crate::parse::{Document, Node};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// The reason of a note on an empty mapping or list with nothing to carry over.
pub const EMPTY: &str = "empty: nothing to carry";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Fate {
    /// Carried over exactly: converting back gives the same value.
    Mapped,
    /// Carried over with a change the reason explains (rounding, a placeholder, a close
    /// equivalent).
    Approximated,
    /// Not carried over; the reason says why and `fix` what to do instead.
    Dropped,
}

#[derive(Clone, Debug, Serialize)]
pub struct Note {
    /// The file the field is in, when not the object's own (a Terraform `file()`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// JSON pointer in the input document.
    pub path: String,
    #[serde(skip_serializing_if = "is_zero")]
    pub line: usize,
    #[serde(skip_serializing_if = "is_zero")]
    pub column: usize,
    pub fate: Fate,
    /// Where it went: `OUTPUT#/pointer` (the output's role or kind, then a pointer in it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// A security-relevant approximation or drop (read-only lost, a secret written as
    /// configuration, a privilege changed): listed first, with its own marker.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub security: bool,
    /// Set only by `sweep`: a field no converter looked at (a k2e bug).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unhandled: bool,
    #[serde(skip)]
    pub offset: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Default)]
pub struct Ledger {
    pub notes: Vec<Note>,
    /// What the outputs hold that no input field gave.
    pub added: Vec<Added>,
}

impl Ledger {
    fn push(&mut self, at: &At<'_>, fate: Fate, to: Option<String>, reason: Option<String>, fix: Option<String>) {
        self.record(at.path.clone(), at.offset(), fate, to, reason, fix);
    }

    /// A note for a field known by its pointer and offset (kept after its node went out of reach).
    pub fn record(
        &mut self,
        path: String,
        offset: usize,
        fate: Fate,
        to: Option<String>,
        reason: Option<String>,
        fix: Option<String>,
    ) {
        self.notes.push(Note {
            file: None,
            path,
            line: 0,
            column: 0,
            fate,
            to,
            reason,
            fix,
            security: false,
            unhandled: false,
            offset,
        });
    }

    /// Marks the note just recorded as security-relevant.
    pub fn security(&mut self) {
        if let Some(note) = self.notes.last_mut() {
            note.security = true;
        }
    }

    /// An empty mapping or list that holds nothing to carry over (`env: []`).
    pub fn empty(&mut self, at: &At<'_>) {
        self.push(at, Fate::Mapped, None, Some(EMPTY.into()), None);
    }

    /// Carried over as it is to `to`.
    pub fn mapped(&mut self, at: &At<'_>, to: impl Into<String>) {
        self.push(at, Fate::Mapped, Some(to.into()), None, None);
    }

    /// Carried over to `to`, changed as `reason` says.
    pub fn approx(&mut self, at: &At<'_>, to: impl Into<String>, reason: impl Into<String>) {
        self.push(at, Fate::Approximated, Some(to.into()), Some(reason.into()), None);
    }

    /// Not carried over.
    pub fn dropped(&mut self, at: &At<'_>, reason: impl Into<String>, fix: impl Into<String>) {
        self.push(at, Fate::Dropped, None, Some(reason.into()), Some(fix.into()));
    }

    /// Something written that no input field gave (a placeholder, a platform default).
    pub fn added(&mut self, to: impl Into<String>, reason: impl Into<String>) {
        self.added.push(Added {
            to: to.into(),
            reason: reason.into(),
        });
    }

    /// Notes and additions that point into an output that is not written after all (`service#`
    /// for a DaemonSet on Fargate): the fields they carried are dropped, for `reason`.
    pub fn output_not_written(&mut self, output: &str, reason: &str, fix: &str) {
        let into = |to: &str| to.split_once('#').is_some_and(|(o, _)| o == output);
        for n in &mut self.notes {
            if n.to.as_deref().is_some_and(into) {
                n.to = None;
                n.fate = Fate::Dropped;
                n.reason = Some(match &n.reason {
                    Some(r) => format!("{reason}; {r}"),
                    None => reason.to_owned(),
                });
                n.fix = Some(fix.to_owned());
            }
        }
        self.added.retain(|a| !into(&a.to));
    }

    /// A key that is not part of the API object it sits in (a typo, or a newer API).
    pub fn unknown(&mut self, at: &At<'_>, within: &str) {
        self.dropped(
            at,
            format!("not a field of {within}"),
            "check the spelling (k2e lint reports unknown fields); k2e converts only fields of the API",
        );
    }

    /// A value of the wrong type where a known field was expected.
    pub fn invalid(&mut self, at: &At<'_>, expected: &str) {
        self.dropped(
            at,
            format!("not {expected}: the API rejects this value"),
            "fix the input (k2e lint shows where) and convert again",
        );
    }

    /// The most specific note covering `path`; the last recorded wins a tie.
    pub fn covering(&self, path: &str) -> Option<&Note> {
        Coverage::of(&self.notes).covering(path)
    }

    /// Records every leaf below `node` that no note covers as an unhandled drop. An empty
    /// mapping or list no note covers (`resources: {}`) holds nothing to lose: it is recorded
    /// as mapped, with nothing to carry. Converters note the empty values that mean something
    /// (`emptyDir: {}`) themselves.
    pub fn sweep(&mut self, node: &Node, path: &str) {
        let mut all = Vec::new();
        leaves(node, path, &mut all);
        let coverage = Coverage::of(&self.notes);
        all.retain(|(leaf, _)| coverage.covering(leaf).is_none());
        let empty = |n: &Node| match &n.kind {
            crate::parse::NodeKind::Map(e) => e.is_empty(),
            crate::parse::NodeKind::Seq(i) => i.is_empty(),
            crate::parse::NodeKind::Scalar { .. } => false,
        };
        for (leaf, offset) in all {
            {
                let relative = leaf.strip_prefix(path).unwrap_or(&leaf);
                if node.pointer(relative).is_some_and(|(n, _)| empty(n)) {
                    self.record(leaf, offset, Fate::Mapped, None, Some(EMPTY.into()), None);
                    continue;
                }
                self.notes.push(Note {
                    file: None,
                    path: leaf,
                    line: 0,
                    column: 0,
                    fate: Fate::Dropped,
                    to: None,
                    reason: Some("k2e has no rule for this field yet".into()),
                    fix: Some("carry it over by hand, and please report it as a k2e bug".into()),
                    security: false,
                    unhandled: true,
                    offset,
                });
            }
        }
    }

    /// Fills in lines and columns and puts notes in document order, one per path: a later
    /// note on a field replaces an earlier one (a decision revised once the whole task is
    /// known, such as a size Fargate cannot hold), so no field is counted twice.
    pub fn finish(mut self, doc: &Document) -> (Vec<Note>, Vec<Added>) {
        let mut seen = HashSet::new();
        let mut kept: Vec<Note> = self
            .notes
            .into_iter()
            .rev()
            .filter(|n| seen.insert(n.path.clone()))
            .collect();
        kept.reverse();
        self.notes = kept;
        let index = LineIndex::of(doc);
        for note in &mut self.notes {
            let p = index.position(note.offset);
            note.line = p.line;
            note.column = p.column;
        }
        self.notes
            .sort_by(|a, b| a.offset.cmp(&b.offset).then_with(|| a.path.cmp(&b.path)));
        (self.notes, self.added)
    }
}

/// The notes of an object indexed by path, to find the note covering a leaf in time
/// proportional to the leaf's depth rather than to the number of notes (objects with tens of
/// thousands of labels or env entries).
pub struct Coverage<'n> {
    by_path: HashMap<&'n str, &'n Note>,
}

impl<'n> Coverage<'n> {
    /// The last note recorded on a path stands for it.
    pub fn of(notes: &'n [Note]) -> Self {
        let mut by_path = HashMap::with_capacity(notes.len());
        for n in notes {
            by_path.insert(n.path.as_str(), n);
        }
        Coverage { by_path }
    }

    /// The most specific note covering `path`: the note on the path itself, else on its
    /// nearest ancestor (pointer segments, so `/a/b` does not cover `/a/bc`).
    pub fn covering(&self, path: &str) -> Option<&'n Note> {
        let mut at = path;
        loop {
            if let Some(n) = self.by_path.get(at) {
                return Some(n);
            }
            at = &at[..at.rfind('/')?];
        }
    }
}

/// Whether a note on `prefix` covers the leaf at `path` (pointer segments, not characters).
pub fn covers(prefix: &str, path: &str) -> bool {
    prefix.is_empty()
        || path == prefix
        || (path.starts_with(prefix) && path.as_bytes().get(prefix.len()) == Some(&b'/'))
}

/// How many notes of each fate.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub mapped: usize,
    pub approximated: usize,
    pub dropped: usize,
}

impl Counts {
    pub fn of(notes: &[Note]) -> Self {
        let mut c = Counts::default();
        for n in notes {
            match n.fate {
                Fate::Mapped => c.mapped += 1,
                Fate::Approximated => c.approximated += 1,
                Fate::Dropped => c.dropped += 1,
            }
        }
        c
    }

    pub fn add(&mut self, other: Counts) {
        self.mapped += other.mapped;
        self.approximated += other.approximated;
        self.dropped += other.dropped;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Limits, yaml_text};

    #[test]
    fn most_specific_note_wins_and_sweep_finds_the_rest() {
        let docs = yaml_text("a:\n  b: 1\n  bc: 2\n  d: [x]\n", &Limits::default());
        let root = docs[0].root.as_ref().unwrap();
        let at = At::new(root, "");
        let a = at.get("a").unwrap();
        let mut ledger = Ledger::default();
        ledger.dropped(&a, "no", "none");
        ledger.mapped(&a.get("b").unwrap(), "x#/b");
        assert_eq!(ledger.covering("/a/b").unwrap().fate, Fate::Mapped);
        assert_eq!(ledger.covering("/a/bc").unwrap().fate, Fate::Dropped);
        assert!(!covers("/a/b", "/a/bc"));
        let mut partial = Ledger::default();
        partial.mapped(&a.get("b").unwrap(), "x");
        partial.sweep(root, "");
        let unhandled: Vec<_> = partial
            .notes
            .iter()
            .filter(|n| n.unhandled)
            .map(|n| n.path.as_str())
            .collect();
        assert_eq!(unhandled, ["/a/bc", "/a/d/0"]);
        let (notes, _) = partial.finish(&docs[0]);
        assert_eq!((notes[0].line, notes[0].column), (2, 6));
    }
}
