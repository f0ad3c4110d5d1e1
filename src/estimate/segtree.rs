//! First fit in O(log n): a segment tree over open nodes holding, per subtree, the largest free
//! amount of each resource, so the leftmost node with room for a replica is found by descending
//! only into subtrees that might hold it.

use super::model::Res;
use super::problem::fits;

pub struct FirstFit {
    /// Leaves (a power of two).
    size: usize,
    /// Open nodes (leaves 0..len are live).
    len: usize,
    tree: Vec<Res>,
}

impl FirstFit {
    /// Room for up to `max_nodes` nodes.
    pub fn new(max_nodes: usize) -> FirstFit {
        let size = max_nodes.max(1).next_power_of_two();
        FirstFit {
            size,
            len: 0,
            tree: vec![[0; 4]; 2 * size],
        }
    }

    /// Opens a node with `free` room; returns its index.
    pub fn push(&mut self, free: Res) -> usize {
        if self.len == self.size {
            self.grow();
        }
        let i = self.len;
        self.len += 1;
        self.set(i, free);
        i
    }

    pub fn set(&mut self, i: usize, free: Res) {
        let mut at = self.size + i;
        self.tree[at] = free;
        while at > 1 {
            at /= 2;
            let (l, r) = (self.tree[2 * at], self.tree[2 * at + 1]);
            self.tree[at] = [l[0].max(r[0]), l[1].max(r[1]), l[2].max(r[2]), l[3].max(r[3])];
        }
    }

    /// The leftmost open node at index `from` or later with room for `need`.
    pub fn find(&self, from: usize, need: &Res) -> Option<usize> {
        if from >= self.len {
            return None;
        }
        self.descend(1, 0, self.size, from, need)
    }

    fn descend(&self, at: usize, lo: usize, hi: usize, from: usize, need: &Res) -> Option<usize> {
        if hi <= from || lo >= self.len || !fits(need, &self.tree[at]) {
            return None;
        }
        if hi - lo == 1 {
            return Some(lo);
        }
        let mid = (lo + hi) / 2;
        self.descend(2 * at, lo, mid, from, need)
            .or_else(|| self.descend(2 * at + 1, mid, hi, from, need))
    }

    fn grow(&mut self) {
        let leaves: Vec<Res> = self.tree[self.size..self.size + self.len].to_vec();
        *self = FirstFit::new(self.size * 2);
        for leaf in leaves {
            self.push(leaf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_leftmost_fit_from_an_index() {
        let mut t = FirstFit::new(2);
        t.push([1, 5, 1, 0]);
        t.push([5, 1, 1, 0]);
        t.push([5, 5, 1, 0]);
        assert_eq!(t.find(0, &[2, 2, 1, 0]), Some(2), "grew past 2 nodes");
        assert_eq!(t.find(0, &[1, 1, 1, 0]), Some(0));
        assert_eq!(t.find(1, &[1, 1, 1, 0]), Some(1));
        assert_eq!(t.find(3, &[1, 1, 1, 0]), None);
        t.set(2, [0, 0, 0, 0]);
        assert_eq!(t.find(0, &[2, 2, 1, 0]), None);
    }
}
