//! Who a change reaches: every node downstream of it in the base mesh, across
//! projects, with owners and the version each direct consumer pins.

use std::collections::{BTreeSet, HashSet, VecDeque};

use model::dto::{Change, ColumnConsumer, DownstreamNode, LineageView};
use petgraph::{graph::NodeIndex, visit::EdgeRef, Direction};

use super::Base;
use crate::graph::layout::{lineage, LayoutOptions};

/// What the head still offers: (package, name, version) of every versioned model.
pub type HeadVersions = HashSet<(String, String, String)>;

/// Fills `change.downstream` and its projects and owners. `gone` are base nodes the
/// head removed: they are not consumers any more.
pub fn fill(base: &Base, change: &mut Change, gone: &HashSet<String>, head_versions: &HeadVersions) {
    let Some(start) = base.graph.index_of(&change.node) else { return };
    let changed = &base.graph.graph[start];
    let pin_of = |child: NodeIndex| -> Option<String> {
        let record = base.record(&base.graph.graph[child].unique_id)?;
        let pinned = record.refs.iter().find(|r| {
            r.name == changed.name && r.package.as_deref().is_none_or(|p| p == changed.package || p == changed.project)
        })?;
        pinned.version.clone()
    };
    // After latest_version moves, only refs without `v=` follow it.
    let unpinned_only = change.kind == "latest_version_moved";

    let mut seen: HashSet<NodeIndex> = HashSet::from([start]);
    let mut queue = VecDeque::from([(start, 0u32)]);
    let mut downstream = Vec::new();
    while let Some((node, distance)) = queue.pop_front() {
        for edge in base.graph.graph.edges_directed(node, Direction::Outgoing) {
            let child = edge.target();
            let d = &base.graph.graph[child];
            if matches!(d.resource_type.as_str(), "test" | "unit_test") || gone.contains(&d.unique_id) {
                continue;
            }
            let direct = node == start;
            let pinned = if direct && changed.version.is_some() { pin_of(child) } else { None };
            if direct && unpinned_only && pinned.is_some() {
                continue;
            }
            if !seen.insert(child) {
                continue;
            }
            let exists = pinned
                .as_ref()
                .map(|v| head_versions.contains(&(changed.package.clone(), changed.name.clone(), v.clone())));
            downstream.push(DownstreamNode {
                unique_id: d.unique_id.clone(),
                name: d.name.clone(),
                resource_type: d.resource_type.clone(),
                project: d.project.clone(),
                owners: owner_names(base, &d.unique_id),
                distance: distance + 1,
                pinned_version: pinned,
                pinned_version_exists: exists,
            });
            queue.push_back((child, distance + 1));
        }
    }
    downstream.sort_by(|a, b| (a.distance, &a.project, &a.unique_id).cmp(&(b.distance, &b.project, &b.unique_id)));
    change.downstream_projects =
        downstream.iter().map(|d| d.project.clone()).collect::<BTreeSet<_>>().into_iter().collect();
    change.downstream_owners =
        downstream.iter().flat_map(|d| d.owners.iter().cloned()).collect::<BTreeSet<_>>().into_iter().collect();
    change.downstream = downstream;
    if matches!(change.kind.as_str(), "column_removed" | "column_type_changed") {
        if let Some(column) = change.column.clone() {
            change.column_downstream = Some(column_downstream(base, start, &column, gone));
        }
    }
}

/// The columns that read `column` of `start`, through the whole base mesh, nearest first.
fn column_downstream(base: &Base, start: NodeIndex, column: &str, gone: &HashSet<String>) -> Vec<ColumnConsumer> {
    let mut out: Vec<ColumnConsumer> = base
        .columns
        .downstream(start.index() as u32, column)
        .into_iter()
        .filter_map(|step| {
            let node = &base.graph.graph[NodeIndex::new(step.node as usize)];
            if gone.contains(&node.unique_id) {
                return None;
            }
            Some(ColumnConsumer {
                node: node.unique_id.clone(),
                column: step.column.map(str::to_string),
                project: node.project.clone(),
                owners: owner_names(base, &node.unique_id),
                kind: step.kind.as_str().to_string(),
                distance: step.distance as u32,
            })
        })
        .collect();
    out.sort_by(|a, b| (a.distance, &a.project, &a.node, &a.column).cmp(&(b.distance, &b.project, &b.node, &b.column)));
    out
}

/// An owner once: by name, or by email when unnamed.
fn owner_names(base: &Base, unique_id: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for owner in base.record(unique_id).map(|r| r.owners.as_slice()).unwrap_or_default() {
        if let Some(key) = owner.name.as_ref().or(owner.email.as_ref()) {
            if !names.contains(key) {
                names.push(key.clone());
            }
        }
    }
    names
}

/// The changed nodes and everything downstream of them, laid out like a lineage
/// view and marked by impact so the review page can colour them.
pub fn view(base: &Base, changes: &[Change]) -> LineageView {
    let g = &base.graph;
    let mut selected = HashSet::new();
    let mut focus = HashSet::new();
    for change in changes {
        let Some(i) = g.index_of(&change.node) else { continue };
        focus.insert(i);
        selected.insert(i);
        selected.extend(change.downstream.iter().filter_map(|d| g.index_of(&d.unique_id)));
    }
    let mut view = lineage(g, &selected, &focus, &LayoutOptions::default());
    let breaking: HashSet<&str> = changes.iter().filter(|c| c.breaking).map(|c| c.node.as_str()).collect();
    let changed: HashSet<&str> = changes.iter().map(|c| c.node.as_str()).collect();
    for node in &mut view.nodes {
        node.impact = Some(
            if breaking.contains(node.id.as_str()) {
                "changed_breaking"
            } else if changed.contains(node.id.as_str()) {
                "changed"
            } else {
                "downstream"
            }
            .to_string(),
        );
        node.owners = owner_names(base, &node.id);
    }
    view.select = changes
        .iter()
        .map(|c| format!("{}+", c.node))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
        .join(" ");
    view
}
