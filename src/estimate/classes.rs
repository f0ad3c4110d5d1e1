//! Workloads of the same shape packed as one group. Thousands of workloads usually come in far
//! fewer shapes (the same requests on the same kinds of node), and every part of the packing
//! grows with the number of groups; replicas of one shape are interchangeable, so merging them
//! changes no fleet's cost. Spread groups stay apart: two of them may share a node, one replica
//! each, which a merged group could not.

use super::problem::{Group, Node, Problem, Solution};
use std::collections::HashMap;

/// A problem with identical groups merged, and the way back to the original groups.
pub struct Merged {
    pub problem: Problem,
    /// members[c]: the original groups merged into group c, in index order.
    pub members: Vec<Vec<usize>>,
}

/// Merges the non-spread groups of equal demand and compatibility. Groups keep the order of
/// their first member, so the result is deterministic.
pub fn merge(p: &Problem) -> Merged {
    let mut at: HashMap<(&[u64; 4], &[bool]), usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (g, group) in p.groups.iter().enumerate() {
        let key = (&group.demand, group.compat.as_slice());
        if !group.spread {
            if let Some(&c) = at.get(&key) {
                groups[c].count += group.count;
                members[c].push(g);
                continue;
            }
            at.insert(key, groups.len());
        }
        groups.push(group.clone());
        members.push(vec![g]);
    }
    Merged {
        problem: Problem {
            types: p.types.clone(),
            groups,
        },
        members,
    }
}

impl Merged {
    /// Whether merging made the problem any smaller.
    pub fn shrinks(&self, p: &Problem) -> bool {
        self.problem.groups.len() < p.groups.len()
    }

    /// A solution of the merged problem as a solution of `p`: each merged group's replicas are
    /// handed out to its members in order, node by node.
    pub fn expand(&self, p: &Problem, s: &Solution) -> Solution {
        // left[c]: (position in members[c], replicas of that member not yet placed).
        let mut left: Vec<(usize, u64)> = self.members.iter().map(|m| (0, p.groups[m[0]].count)).collect();
        let mut nodes = Vec::with_capacity(s.nodes.len());
        for n in &s.nodes {
            let mut node = Node::new(n.ty);
            for &(c, mut k) in &n.items {
                while k > 0 {
                    let (pos, rest) = &mut left[c];
                    while *rest == 0 {
                        *pos += 1;
                        *rest = p.groups[self.members[c][*pos]].count;
                    }
                    let g = self.members[c][*pos];
                    let take = k.min(*rest);
                    node.add(g, &p.groups[g].demand, take);
                    *rest -= take;
                    k -= take;
                }
            }
            nodes.push(node);
        }
        Solution { nodes }
    }

    /// Per-group values of `p` from the merged groups' (replicas of one shape are worth alike).
    pub fn expand_values(&self, p: &Problem, values: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; p.groups.len()];
        for (c, m) in self.members.iter().enumerate() {
            for &g in m {
                out[g] = values[c];
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::model::{Arch, Os};
    use crate::estimate::problem::NodeType;

    fn group(id: usize, count: u64, cpu: u64, spread: bool) -> Group {
        Group {
            id,
            count,
            demand: [cpu, 100, 1, 0],
            spread,
            compat: vec![true],
        }
    }

    #[test]
    fn merges_equal_shapes_and_hands_replicas_back() {
        let ty = NodeType {
            name: "t".into(),
            price: 1.0,
            cap: [10, 1000, 10, 0],
            alloc: [10, 1000, 10, 0],
            arch: Arch::X86_64,
            os: Os::Linux,
            gpus: 0,
            daemons: vec![],
        };
        let p = Problem {
            types: vec![ty],
            groups: vec![
                group(0, 2, 1, false),
                group(1, 3, 2, false),
                group(2, 3, 1, false),
                group(3, 2, 1, true),
                group(4, 2, 1, true),
            ],
        };
        let m = merge(&p);
        assert_eq!(m.problem.groups.len(), 4, "0 and 2 merge; spread groups never do");
        assert_eq!(m.members[0], vec![0, 2]);
        assert_eq!(m.problem.groups[0].count, 5);
        let mut a = Node::new(0);
        a.add(0, &[1, 100, 1, 0], 4);
        let mut b = Node::new(0);
        b.add(0, &[1, 100, 1, 0], 1);
        for c in 1..4 {
            let count = m.problem.groups[c].count;
            let d = m.problem.groups[c].demand;
            let node = if c == 1 { &mut b } else { &mut a };
            node.add(c, &d, if c == 1 { count } else { 1 });
        }
        let mut c = Node::new(0);
        c.add(2, &[1, 100, 1, 0], 1);
        c.add(3, &[1, 100, 1, 0], 1);
        let s = Solution { nodes: vec![a, b, c] };
        let back = m.expand(&p, &s);
        assert!(back.is_valid(&p), "{back:?}");
        assert_eq!(back.nodes[0].items[..2], [(0, 2), (2, 2)]);
    }
}
