//! What selectors compare of every node, built once per graph: each node's fqn in one
//! flat text, and an index from every name a literal selector value can equal to the
//! nodes that bear it, so `orders` or `2+finance.orders+2` does not compare the value
//! with all 50,000 nodes' names.

use std::{
    hash::{DefaultHasher, Hasher},
    sync::OnceLock,
};

use petgraph::{graph::NodeIndex, Graph};

use super::{fqn, GraphNode};
use crate::mesh::EdgeKind;

/// What selectors compare of every node, kept together so that a scan of the mesh
/// reads memory in order: each node's fqn, lowercased and joined by dots, in one text.
pub(super) struct SelectorKeys {
    fqn_text: String,
    nodes: Vec<NodeKeys>,
    /// Built on the first literal selector, not with the graph: `diff` and `check`
    /// build graphs and never select by name.
    names: OnceLock<NameIndex>,
}

#[derive(Clone, Copy)]
struct NodeKeys {
    /// (start, end, start without the package) of the fqn in `fqn_text`; None where a
    /// part has a dot of its own (a version `v1.5`), which joining would blur.
    fqn: Option<(usize, usize, usize)>,
    /// Every name of the node is ASCII, so a name of another length cannot match.
    ascii: bool,
}

/// Nodes by the names the `name`, `fqn` and `unique_id` methods compare a literal
/// value with, each name lowercased and hashed. A hash is only a candidate: the
/// selector's own comparison still decides, so a collision costs a comparison,
/// never a wrong answer.
struct NameIndex {
    /// (hash of a lowercased name, node index), sorted.
    entries: Vec<(u32, u32)>,
    /// Nodes the index cannot stand for (a name not in ASCII, or an fqn part with a
    /// dot of its own): compared with every literal value, as before.
    unindexed: Vec<NodeIndex>,
}

fn hash(text: &[u8]) -> u32 {
    let mut hasher = DefaultHasher::new();
    hasher.write(text);
    // The low half of SipHash is as well spread as the whole.
    hasher.finish() as u32
}

impl SelectorKeys {
    pub(super) fn new(graph: &Graph<GraphNode, EdgeKind>) -> Self {
        let mut fqn_text = String::new();
        let nodes = graph
            .node_indices()
            .map(|i| {
                let node = &graph[i];
                let parts: Vec<String> = fqn(node).map(|p| p.to_lowercase()).collect();
                let fqn = parts.iter().all(|p| !p.contains('.')).then(|| {
                    let start = fqn_text.len();
                    fqn_text.push_str(&parts.join("."));
                    (start, fqn_text.len(), (start + parts.first().map_or(0, |p| p.len() + 1)).min(fqn_text.len()))
                });
                let names = [&node.unique_id, &node.name, &node.project, &node.package, &node.resource_type];
                let optional = [&node.path, &node.source_name, &node.version, &node.group, &node.access];
                let ascii = names.iter().all(|n| n.is_ascii())
                    && optional.iter().all(|n| n.as_deref().is_none_or(str::is_ascii))
                    && node.tags.iter().chain(&node.owners).all(|t| t.is_ascii())
                    && [&node.materialized, &node.test_name].iter().all(|n| n.as_deref().is_none_or(str::is_ascii));
                NodeKeys { fqn, ascii }
            })
            .collect();
        SelectorKeys { fqn_text, nodes, names: OnceLock::new() }
    }

    pub(super) fn ascii(&self, i: NodeIndex) -> bool {
        self.nodes[i.index()].ascii
    }

    /// A node's fqn text, whole and without its package.
    pub(super) fn fqn(&self, i: NodeIndex) -> Option<(&str, &str)> {
        let (start, end, after_package) = self.nodes[i.index()].fqn?;
        Some((&self.fqn_text[start..end], &self.fqn_text[after_package..end]))
    }

    /// Every node whose names a literal ASCII value (`lowercase`, lowercased) may
    /// equal under `name`, `fqn` or `unique_id`, plus the nodes the index leaves out;
    /// in node order, each once.
    pub(super) fn candidates(&self, graph: &Graph<GraphNode, EdgeKind>, lowercase: &str) -> Vec<NodeIndex> {
        let index = self.names(graph);
        let wanted = hash(lowercase.as_bytes());
        let from = index.entries.partition_point(|&(h, _)| h < wanted);
        let mut found: Vec<NodeIndex> = index.entries[from..]
            .iter()
            .take_while(|&&(h, _)| h == wanted)
            .map(|&(_, i)| NodeIndex::new(i as usize))
            .chain(index.unindexed.iter().copied())
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Builds the name index now (a server does it when it loads a generation, so no
    /// visitor waits for it).
    pub(super) fn warm(&self, graph: &Graph<GraphNode, EdgeKind>) {
        self.names(graph);
    }

    fn names(&self, graph: &Graph<GraphNode, EdgeKind>) -> &NameIndex {
        self.names.get_or_init(|| self.name_index(graph))
    }

    fn name_index(&self, graph: &Graph<GraphNode, EdgeKind>) -> NameIndex {
        let mut entries = Vec::with_capacity(graph.node_count() * 10);
        let mut unindexed = Vec::new();
        let mut lower = Vec::new();
        for i in graph.node_indices() {
            let node = &graph[i];
            let keys = self.nodes[i.index()];
            let Some((start, end, after_package)) = keys.fqn.filter(|_| keys.ascii) else {
                unindexed.push(i);
                continue;
            };
            let at = i.index() as u32;
            let mut add = |parts: &[&str]| {
                lower.clear();
                for part in parts {
                    lower.extend(part.bytes().map(|b| b.to_ascii_lowercase()));
                }
                entries.push((hash(&lower), at));
            };
            add(&[&node.name]);
            add(&[&node.unique_id]);
            add(&[&node.package]);
            add(&[&node.package, ".", &node.name]);
            if let Some(v) = &node.version {
                add(&[&node.name, ".v", v]);
                add(&[&node.name, "_v", v]);
            }
            // dbt's fqn method matches any leading run of whole parts, with or without
            // the package.
            for from in [start, after_package] {
                let text = &self.fqn_text.as_bytes()[from..end];
                for (cut, _) in text.iter().enumerate().filter(|&(_, &b)| b == b'.') {
                    entries.push((hash(&text[..cut]), at));
                }
                entries.push((hash(text), at));
            }
        }
        entries.sort_unstable();
        entries.dedup();
        NameIndex { entries, unindexed }
    }
}
