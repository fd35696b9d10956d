//! How an index run writes its search index: the previous one updated with the
//! documents that changed, or a new one.

use std::{
    collections::{HashMap, HashSet},
    path::PathBuf,
};

use crate::mesh::Mesh;

pub enum SearchPlan {
    Update { previous: PathBuf, remove: Vec<String>, add: Vec<usize> },
    Build { all: Vec<usize> },
}

impl SearchPlan {
    /// `keys` are the mesh's nodes' search keys, in order; `previous_keys` those the
    /// previous index in `previous` holds. With no usable previous index, or most
    /// documents changed, a new one is built.
    pub fn new(mesh: &Mesh, keys: &[i64], previous_keys: &HashMap<String, i64>, previous: Option<PathBuf>) -> Self {
        let all = || SearchPlan::Build { all: (0..mesh.nodes.len()).collect() };
        let Some(previous) = previous.filter(|dir| !previous_keys.is_empty() && crate::search::reusable(dir)) else {
            return all();
        };
        let add: Vec<usize> = (0..mesh.nodes.len())
            .filter(|&i| previous_keys.get(&mesh.nodes[i].record.unique_id) != Some(&keys[i]))
            .collect();
        let current: HashSet<&str> = mesh.nodes.iter().map(|n| n.record.unique_id.as_str()).collect();
        // A changed document is deleted and added again; a node that is gone, deleted.
        let mut remove: Vec<String> = add.iter().map(|&i| mesh.nodes[i].record.unique_id.clone()).collect();
        remove.extend(previous_keys.keys().filter(|id| !current.contains(id.as_str())).cloned());
        if remove.len() * 2 > mesh.nodes.len().max(1) {
            return all();
        }
        SearchPlan::Update { previous, remove, add }
    }

    /// The nodes whose documents are written, by position in the mesh.
    pub fn documents(&self) -> &[usize] {
        match self {
            SearchPlan::Update { add, .. } => add,
            SearchPlan::Build { all } => all,
        }
    }
}
