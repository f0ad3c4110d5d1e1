//! Plain aligned columns (the kubectl look): a header line, then rows; numbers right-aligned.
//! Written here rather than pulled in as a crate: a few lines, and the output never depends
//! on the terminal, so snapshots are stable.

pub struct Table {
    header: Vec<String>,
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// Columns named in `header`; a name ending in `>` is right-aligned (the `>` is dropped).
    pub fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|h| h.trim_end_matches('>').to_owned()).collect(),
            right: header.iter().map(|h| h.ends_with('>')).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn render(&self, indent: &str) -> String {
        let width = |i: usize| {
            std::iter::once(&self.header)
                .chain(&self.rows)
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..self.header.len()).map(width).collect();
        let mut out = String::new();
        for row in std::iter::once(&self.header).chain(&self.rows) {
            let mut line = String::from(indent);
            for (i, w) in widths.iter().enumerate() {
                let cell = row.get(i).map_or("", String::as_str);
                let pad = w - cell.chars().count();
                let last = i + 1 == widths.len();
                if self.right[i] {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    if !last {
                        line.push_str(&" ".repeat(pad));
                    }
                }
                if !last {
                    line.push_str("  ");
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Table;

    #[test]
    fn aligns() {
        let mut t = Table::new(&["NAME", "COST>"]);
        t.row(vec!["a".into(), "1.00".into()]);
        t.row(vec!["long name".into(), "123.45".into()]);
        assert_eq!(
            t.render(""),
            "NAME         COST\na            1.00\nlong name  123.45\n"
        );
    }
}
