//! The lower bound every fleet is compared with: the LP relaxation of the packing, where nodes
//! can be bought in fractions, so each resource is bought at its cheapest price per unit among
//! the types (and cpu and memory together where one type sells both cheaply).
//!
//! min sum_t price_t x_t  s.t.  sum_t cap_t,r x_t >= demand_r for every resource r, x >= 0.
//! Its dual (max sum_r demand_r y_r s.t. sum_r cap_t,r y_r <= price_t) starts feasible at y = 0,
//! so a plain simplex on the dual needs no phase 1; it has one variable per resource (at most
//! five), which keeps every pivot O(types). The dual prices y_r also value replicas for the
//! greedy in pack.rs.

use super::problem::Problem;

const EPS: f64 = 1e-12;

/// min c.x s.t. A x >= b, x >= 0 (rows of A are resources, columns types; b > 0). Returns the
/// optimum and the dual price of each row, or None when some row cannot be covered.
pub fn covering(costs: &[f64], rows: &[Vec<f64>], demand: &[f64]) -> Option<(f64, Vec<f64>)> {
    covering_primal(costs, rows, demand).map(|(z, y, _)| (z, y))
}

/// [`covering`], also returning the primal solution x (how much of each column).
pub fn covering_primal(costs: &[f64], rows: &[Vec<f64>], demand: &[f64]) -> Option<(f64, Vec<f64>, Vec<f64>)> {
    let m = rows.len();
    let n = costs.len();
    if m == 0 {
        return Some((0.0, Vec::new(), vec![0.0; n]));
    }
    // Rows scaled to a right-hand side of 1, so resources of any unit weigh alike.
    // Dictionary: basic[i] = b[i] - sum_j a[i][j] * nonbasic[j]; objective z + sum_j c[j] * nonbasic[j].
    // Variables 0..m are the dual prices y, m..m+n the slacks of the type constraints.
    let mut a: Vec<Vec<f64>> = (0..n)
        .map(|t| (0..m).map(|r| rows[r][t] / demand[r]).collect())
        .collect();
    let mut b: Vec<f64> = costs.to_vec();
    let mut c: Vec<f64> = vec![1.0; m];
    let mut z = 0.0;
    let mut basic: Vec<usize> = (m..m + n).collect();
    let mut nonbasic: Vec<usize> = (0..m).collect();
    for _ in 0..10_000 {
        // Bland's rule: the entering and leaving variables with the smallest index, so it ends.
        let Some(j) = (0..m).filter(|&j| c[j] > EPS).min_by_key(|&j| nonbasic[j]) else {
            let mut y = vec![0.0; m];
            for (i, &v) in basic.iter().enumerate() {
                if v < m {
                    y[v] = b[i] / demand[v];
                }
            }
            // The primal x_t is minus the final reduced cost of type t's slack (0 when basic).
            let mut x = vec![0.0; n];
            for (j, &v) in nonbasic.iter().enumerate() {
                if v >= m {
                    x[v - m] = (-c[j]).max(0.0);
                }
            }
            return Some((z, y, x));
        };
        let l = (0..n).filter(|&i| a[i][j] > EPS).min_by(|&x, &y| {
            (b[x] / a[x][j])
                .total_cmp(&(b[y] / a[y][j]))
                .then(basic[x].cmp(&basic[y]))
        })?;
        let piv = a[l][j];
        // The pivot row, solved for the entering variable.
        for k in 0..m {
            a[l][k] = if k == j { 1.0 / piv } else { a[l][k] / piv };
        }
        b[l] /= piv;
        for i in 0..n {
            if i == l {
                continue;
            }
            let f = a[i][j];
            if f == 0.0 {
                continue;
            }
            b[i] -= f * b[l];
            for k in 0..m {
                a[i][k] = if k == j { -f * a[l][j] } else { a[i][k] - f * a[l][k] };
            }
        }
        let f = c[j];
        z += f * b[l];
        for k in 0..m {
            c[k] = if k == j { -f * a[l][j] } else { c[k] - f * a[l][k] };
        }
        std::mem::swap(&mut basic[l], &mut nonbasic[j]);
    }
    None
}

/// Dual prices per resource dimension.
pub type Res4 = [f64; 4];

/// The dual prices of the aggregate LP (all types serve all demand, one row per resource):
/// USD per hour per unit of cpu, memory, slots and GPUs.
pub fn aggregate_prices(p: &Problem) -> Res4 {
    let mut demand = [0f64; 4];
    for g in &p.groups {
        for (d, v) in demand.iter_mut().enumerate() {
            *v += (g.demand[d] * g.count) as f64;
        }
    }
    let costs: Vec<f64> = p.types.iter().map(|t| t.price).collect();
    let dims: Vec<usize> = (0..4).filter(|&d| demand[d] > 0.0).collect();
    let rows: Vec<Vec<f64>> = dims
        .iter()
        .map(|&d| p.types.iter().map(|t| t.cap[d] as f64).collect())
        .collect();
    let rhs: Vec<f64> = dims.iter().map(|&d| demand[d]).collect();
    let mut out = [0.0; 4];
    if let Some((_, y)) = covering(&costs, &rows, &rhs) {
        for (i, &d) in dims.iter().enumerate() {
            out[d] = y[i];
        }
    }
    out
}

/// The problem's lower bound (USD per hour), and what one replica of each group is worth at
/// the LP's dual prices (USD per hour).
///
/// Compatibility is kept where it is cheap to keep: the groups that can only run on some family
/// of types (their compatible types: by architecture, OS, GPUs and size) must be covered by that
/// family's capacity, resource by resource. Each distinct family gives rows, all in one LP, so a
/// tiny type cannot sell its cheap cpu to replicas that do not fit in it. Each spread group
/// needs as many nodes of its family as it has replicas.
pub fn lower_bound(p: &Problem) -> Option<(f64, Vec<f64>)> {
    let groups: Vec<usize> = (0..p.groups.len()).filter(|&g| p.groups[g].count > 0).collect();
    if groups.is_empty() {
        return Some((0.0, vec![0.0; p.groups.len()]));
    }
    let n = p.types.len();
    let all = vec![true; n];
    let mut families: Vec<Vec<bool>> = vec![all];
    for &g in &groups {
        if !families.contains(&p.groups[g].compat) {
            families.push(p.groups[g].compat.clone());
        }
    }
    let inside = |g: usize, f: &[bool]| (0..n).all(|t| !p.groups[g].compat[t] || f[t]);
    let mut rows: Vec<Vec<f64>> = Vec::new();
    let mut rhs: Vec<f64> = Vec::new();
    // (family, resource) of each row; resource 4 is the node count of a spread group.
    let mut meaning: Vec<(usize, usize)> = Vec::new();
    for (fi, f) in families.iter().enumerate() {
        let mut demand = [0f64; 4];
        for &g in groups.iter().filter(|&&g| inside(g, f)) {
            for (d, v) in demand.iter_mut().enumerate() {
                *v += (p.groups[g].demand[d] * p.groups[g].count) as f64;
            }
        }
        for (d, &total) in demand.iter().enumerate() {
            if total > 0.0 {
                rows.push(
                    (0..n)
                        .map(|t| if f[t] { p.types[t].cap[d] as f64 } else { 0.0 })
                        .collect(),
                );
                rhs.push(total);
                meaning.push((fi, d));
            }
        }
    }
    for &g in &groups {
        let group = &p.groups[g];
        if group.spread {
            rows.push((0..n).map(|t| if group.compat[t] { 1.0 } else { 0.0 }).collect());
            rhs.push(group.count as f64);
            meaning.push((usize::MAX, g));
        }
    }
    let costs: Vec<f64> = p.types.iter().map(|t| t.price).collect();
    let (value, y) = covering(&costs, &rows, &rhs)?;
    let values = (0..p.groups.len())
        .map(|g| {
            let group = &p.groups[g];
            meaning
                .iter()
                .zip(&y)
                .map(|(&(fi, d), &price)| {
                    if fi == usize::MAX {
                        // A spread replica takes one node of the count its group needs.
                        if d == g { price } else { 0.0 }
                    } else if inside(g, &families[fi]) {
                        price * group.demand[d] as f64
                    } else {
                        0.0
                    }
                })
                .sum::<f64>()
        })
        .collect();
    Some((value, values))
}

#[cfg(test)]
mod tests {
    use super::covering;

    #[test]
    fn two_resources_two_types() {
        // Type A: 2 cpu, 1 mem, $1. Type B: 1 cpu, 2 mem, $1. Demand 3 cpu, 3 mem: one of each.
        let (v, y) = covering(&[1.0, 1.0], &[vec![2.0, 1.0], vec![1.0, 2.0]], &[3.0, 3.0]).unwrap();
        assert!((v - 2.0).abs() < 1e-9, "{v}");
        assert!(
            (y[0] - 1.0 / 3.0).abs() < 1e-9 && (y[1] - 1.0 / 3.0).abs() < 1e-9,
            "{y:?}"
        );
        let (_, _, x) = super::covering_primal(&[1.0, 1.0], &[vec![2.0, 1.0], vec![1.0, 2.0]], &[3.0, 3.0]).unwrap();
        assert!((x[0] - 1.0).abs() < 1e-9 && (x[1] - 1.0).abs() < 1e-9, "{x:?}");
        // Only cpu matters: the cheapest cpu is type A at $0.5 per unit.
        let (v, _) = covering(&[1.0, 1.0], &[vec![2.0, 1.0]], &[10.0]).unwrap();
        assert!((v - 5.0).abs() < 1e-9);
        // A resource no type offers cannot be covered.
        assert!(covering(&[1.0], &[vec![0.0]], &[1.0]).is_none());
    }
}
