//! The hierarchy of an index: indicators (level 1) → aggregates (level ≥ 2) → one top aggregate.

use std::collections::HashMap;

use crate::error::EngineError;
use crate::normalise::{Direction, IndicatorReference};

/// One row of an index structure, as read from a file or a scheme.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeSpec {
    /// Unique code; for an indicator, the name of its data column.
    pub code: String,
    /// Code of the parent aggregate; `None` for the top aggregate.
    pub parent: Option<String>,
    /// 1 for an indicator, 2 and above for aggregates.
    pub level: u32,
    /// Direction of an indicator (ignored for aggregates).
    pub direction: Direction,
    /// Weight relative to its siblings.
    pub weight: f64,
    /// Display name.
    pub name: Option<String>,
    /// Data column to divide the indicator by when denominating.
    pub denominator: Option<String>,
    /// Goalposts or benchmark for reference-based normalisations.
    pub reference: IndicatorReference,
}

impl NodeSpec {
    /// An indicator with weight 1 under `parent`.
    pub fn indicator(code: &str, parent: &str, direction: Direction) -> NodeSpec {
        NodeSpec {
            code: code.into(),
            parent: Some(parent.into()),
            level: 1,
            direction,
            weight: 1.0,
            name: None,
            denominator: None,
            reference: IndicatorReference::default(),
        }
    }

    /// An aggregate at `level` with weight 1 under `parent` (`None` for the top).
    pub fn aggregate(code: &str, parent: Option<&str>, level: u32) -> NodeSpec {
        NodeSpec {
            code: code.into(),
            parent: parent.map(Into::into),
            level,
            direction: Direction::Benefit,
            weight: 1.0,
            name: None,
            denominator: None,
            reference: IndicatorReference::default(),
        }
    }

    /// The same node with another weight.
    pub fn weighted(mut self, weight: f64) -> NodeSpec {
        self.weight = weight;
        self
    }
}

/// A validated node.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Unique code.
    pub code: String,
    /// Display name (the code when none was given).
    pub name: String,
    /// Index of the parent node.
    pub parent: Option<usize>,
    /// Level (1 = indicator).
    pub level: u32,
    /// Direction (indicators).
    pub direction: Direction,
    /// Weight relative to siblings, as given.
    pub weight: f64,
    /// Denominator column (indicators).
    pub denominator: Option<String>,
    /// Reference values (indicators).
    pub reference: IndicatorReference,
}

/// A validated index structure.
///
/// Invariants: codes are unique; exactly one node has no parent (the top aggregate); every parent
/// has a higher level than its children; level-1 nodes (indicators) have no children and every
/// other node has at least one; weights are finite and non-negative and no sibling group sums to
/// zero.
#[derive(Clone, Debug, PartialEq)]
pub struct Structure {
    nodes: Vec<Node>,
    children: Vec<Vec<usize>>,
    indicators: Vec<usize>,
    aggregates_bottom_up: Vec<usize>,
    root: usize,
}

impl Structure {
    /// Validates `specs` and builds the structure. Node order is preserved.
    pub fn new(specs: Vec<NodeSpec>) -> Result<Structure, EngineError> {
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, s) in specs.iter().enumerate() {
            if index.insert(s.code.as_str(), i).is_some() {
                return Err(EngineError::DuplicateCode {
                    code: s.code.clone(),
                });
            }
        }
        let mut nodes = Vec::with_capacity(specs.len());
        let mut roots = Vec::new();
        for (i, s) in specs.iter().enumerate() {
            if s.level == 0 {
                return Err(EngineError::NodeShape {
                    code: s.code.clone(),
                    level: 0,
                    problem: "has level 0; levels start at 1 for indicators",
                });
            }
            if !s.weight.is_finite() || s.weight < 0.0 {
                return Err(EngineError::BadWeight {
                    subject: s.code.clone(),
                    problem: format!("weight {} must be finite and not negative", s.weight),
                });
            }
            let parent = match &s.parent {
                None => {
                    roots.push(s.code.clone());
                    None
                }
                Some(p) => {
                    let &pi = index
                        .get(p.as_str())
                        .ok_or_else(|| EngineError::UnknownParent {
                            code: s.code.clone(),
                            parent: p.clone(),
                        })?;
                    if specs[pi].level <= s.level {
                        return Err(EngineError::ParentLevel {
                            code: s.code.clone(),
                            parent: p.clone(),
                        });
                    }
                    Some(pi)
                }
            };
            let _ = i;
            nodes.push(Node {
                code: s.code.clone(),
                name: s.name.clone().unwrap_or_else(|| s.code.clone()),
                parent,
                level: s.level,
                direction: s.direction,
                weight: s.weight,
                denominator: s.denominator.clone(),
                reference: s.reference,
            });
        }
        if roots.len() != 1 {
            return Err(EngineError::RootCount {
                found: if roots.is_empty() {
                    "none".into()
                } else {
                    roots.join(", ")
                },
            });
        }
        let root = index[roots[0].as_str()];
        let mut children = vec![Vec::new(); nodes.len()];
        for (i, n) in nodes.iter().enumerate() {
            if let Some(p) = n.parent {
                children[p].push(i);
            }
        }
        for (i, n) in nodes.iter().enumerate() {
            if n.level == 1 && !children[i].is_empty() {
                return Err(EngineError::NodeShape {
                    code: n.code.clone(),
                    level: 1,
                    problem: "is an indicator (level 1) but has children",
                });
            }
            if n.level > 1 && children[i].is_empty() {
                return Err(EngineError::NodeShape {
                    code: n.code.clone(),
                    level: n.level,
                    problem: "is an aggregate without children",
                });
            }
            if n.level > 1 && children[i].iter().all(|&c| nodes[c].weight == 0.0) {
                return Err(EngineError::BadWeight {
                    subject: n.code.clone(),
                    problem: "all children have weight 0".into(),
                });
            }
        }
        if nodes[root].level == 1 {
            return Err(EngineError::NodeShape {
                code: nodes[root].code.clone(),
                level: 1,
                problem: "is the top node but an indicator; add an index aggregate",
            });
        }
        let indicators = (0..nodes.len()).filter(|&i| nodes[i].level == 1).collect();
        let mut aggregates_bottom_up: Vec<usize> =
            (0..nodes.len()).filter(|&i| nodes[i].level > 1).collect();
        aggregates_bottom_up.sort_by_key(|&i| nodes[i].level);
        Ok(Structure {
            nodes,
            children,
            indicators,
            aggregates_bottom_up,
            root,
        })
    }

    /// All nodes in input order.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// One node.
    pub fn node(&self, i: usize) -> &Node {
        &self.nodes[i]
    }

    /// Index of the node with `code`.
    pub fn find(&self, code: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.code == code)
    }

    /// Children of node `i`, in input order.
    pub fn children(&self, i: usize) -> &[usize] {
        &self.children[i]
    }

    /// Indicator nodes, in input order.
    pub fn indicators(&self) -> &[usize] {
        &self.indicators
    }

    /// Aggregate nodes ordered by level, lowest first (the order of computation).
    pub fn aggregates_bottom_up(&self) -> &[usize] {
        &self.aggregates_bottom_up
    }

    /// The top aggregate.
    pub fn root(&self) -> usize {
        self.root
    }

    /// Distinct aggregate levels, lowest first.
    pub fn aggregate_levels(&self) -> Vec<u32> {
        let mut levels: Vec<u32> = self
            .aggregates_bottom_up
            .iter()
            .map(|&i| self.nodes[i].level)
            .collect();
        levels.dedup();
        levels
    }

    /// Replaces node weights (same order as [`Structure::nodes`]), validating them again.
    pub fn with_weights(&self, weights: &[f64]) -> Result<Structure, EngineError> {
        if weights.len() != self.nodes.len() {
            return Err(EngineError::Parameter {
                name: "weights".into(),
                problem: format!(
                    "{} weights given for {} nodes",
                    weights.len(),
                    self.nodes.len()
                ),
            });
        }
        let mut s = self.clone();
        for (n, &w) in s.nodes.iter_mut().zip(weights) {
            if !w.is_finite() || w < 0.0 {
                return Err(EngineError::BadWeight {
                    subject: n.code.clone(),
                    problem: format!("weight {w} must be finite and not negative"),
                });
            }
            n.weight = w;
        }
        for &a in &s.aggregates_bottom_up {
            if s.children[a].iter().all(|&c| s.nodes[c].weight == 0.0) {
                return Err(EngineError::BadWeight {
                    subject: s.nodes[a].code.clone(),
                    problem: "all children have weight 0".into(),
                });
            }
        }
        Ok(s)
    }

    /// Each node's weight divided by the sum of its siblings' weights (1 for the top).
    pub fn relative_weights(&self) -> Vec<f64> {
        let mut out = vec![1.0; self.nodes.len()];
        for (p, kids) in self.children.iter().enumerate() {
            let _ = p;
            let total: f64 = kids.iter().map(|&c| self.nodes[c].weight).sum();
            for &c in kids {
                out[c] = self.nodes[c].weight / total;
            }
        }
        out
    }

    /// Effective weight of each node in the top aggregate: the product of relative weights on the
    /// path to the top. Indicator effective weights sum to one.
    pub fn effective_weights(&self) -> Vec<f64> {
        let rel = self.relative_weights();
        (0..self.nodes.len())
            .map(|mut i| {
                let mut w = rel[i];
                while let Some(p) = self.nodes[i].parent {
                    w *= rel[p];
                    i = p;
                }
                w
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_level() -> Vec<NodeSpec> {
        vec![
            NodeSpec::indicator("a", "D1", Direction::Benefit).weighted(1.0),
            NodeSpec::indicator("b", "D1", Direction::Cost).weighted(3.0),
            NodeSpec::indicator("c", "D2", Direction::Benefit),
            NodeSpec::aggregate("D1", Some("Index"), 2).weighted(2.0),
            NodeSpec::aggregate("D2", Some("Index"), 2).weighted(2.0),
            NodeSpec::aggregate("Index", None, 3),
        ]
    }

    #[test]
    fn effective_weights_multiply_down_the_tree() {
        let s = Structure::new(two_level()).unwrap();
        let e = s.effective_weights();
        assert!((e[0] - 0.125).abs() < 1e-15);
        assert!((e[1] - 0.375).abs() < 1e-15);
        assert!((e[2] - 0.5).abs() < 1e-15);
        let total: f64 = s.indicators().iter().map(|&i| e[i]).sum();
        assert!((total - 1.0).abs() < 1e-15);
    }

    #[test]
    fn malformed_structures_are_rejected_with_the_code() {
        let mut specs = two_level();
        specs[2].parent = Some("D9".into());
        let e = Structure::new(specs).unwrap_err();
        assert!(e.to_string().contains("D9"));

        let mut specs = two_level();
        specs.push(NodeSpec::aggregate("Other", None, 3));
        assert!(matches!(
            Structure::new(specs),
            Err(EngineError::RootCount { .. })
        ));

        let mut specs = two_level();
        specs[0].weight = 0.0;
        specs[1].weight = 0.0;
        assert!(matches!(
            Structure::new(specs),
            Err(EngineError::BadWeight { .. })
        ));
    }
}
