//! What the MCP tools answer: the engine's views made compact for a language model's
//! context. Every list is capped, and a cut list says what was left out and how to
//! narrow the question, instead of sending a huge payload.

use app::dto::{
    ColumnLineage, DiffReport, LineageView, MeshView, NodeDetail, NodeLink, OwnerDetail, OwnerSummary, ProjectSummary,
    SearchResults,
};
use serde_json::{json, Map, Value};

/// The first `cap` items, and a note naming how many more there are (`None` when
/// nothing was cut): "312 more nodes; narrow the selector".
pub fn capped<'a, T>(items: &'a [T], cap: usize, noun: &str, advice: &str) -> (Vec<&'a T>, Option<String>) {
    let kept: Vec<&T> = items.iter().take(cap).collect();
    let left = items.len() - kept.len();
    (kept, (left > 0).then(|| format!("{left} more {noun}; {advice}")))
}

/// Collects the notes of the lists that were cut into the answer's `truncated`.
#[derive(Default)]
struct Notes(Vec<String>);

impl Notes {
    fn keep<'a, T>(&mut self, items: &'a [T], cap: usize, noun: &str, advice: &str) -> Vec<&'a T> {
        let (kept, note) = capped(items, cap, noun, advice);
        self.0.extend(note);
        kept
    }

    fn into_answer(self, mut answer: Map<String, Value>) -> Value {
        if !self.0.is_empty() {
            answer.insert("truncated".into(), json!(self.0));
        }
        Value::Object(answer)
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

pub fn projects(projects: &[ProjectSummary], mesh: &MeshView, cap: usize) -> Value {
    let mut notes = Notes::default();
    let projects: Vec<Value> = notes
        .keep(projects, cap, "projects", "read one with the project's resource")
        .into_iter()
        .map(|p| {
            json!({
                "name": p.name,
                "dbt_version": p.dbt_version,
                "adapter_type": p.adapter_type,
                "generated_at": p.generated_at,
                "models": p.counts.models,
                "sources": p.counts.sources,
                "public_models": p.counts.public_models,
                "contracted_models": p.counts.contracted_models,
                "cross_project_edges": p.counts.cross_project_edges,
            })
        })
        .collect();
    let edges: Vec<Value> = notes
        .keep(&mesh.edges, cap, "mesh edges", "ask for one project's lineage with select=project:NAME")
        .into_iter()
        .map(|e| json!({ "source": e.source, "target": e.target, "refs": e.refs, "inferred": e.inferred, "packages": e.packages }))
        .collect();
    notes.into_answer(object(json!({ "projects": projects, "edges": edges })))
}

pub fn search(results: &SearchResults) -> Value {
    let hits: Vec<Value> = results
        .hits
        .iter()
        .map(|h| {
            let snippet: String = h.snippet.iter().map(|p| p.text.as_str()).collect::<String>();
            json!({
                "unique_id": h.unique_id,
                "name": h.name,
                "type": h.resource_type,
                "project": h.project,
                "owner": h.owner,
                "access": h.access,
                "version": h.version,
                "matched": h.matched_field,
                "snippet": snippet.split_whitespace().collect::<Vec<_>>().join(" "),
            })
        })
        .collect();
    let mut answer = object(json!({ "query": results.query, "total": results.total, "hits": hits }));
    let left = results.total.saturating_sub(results.hits.len() as u64);
    if left > 0 {
        answer.insert(
            "truncated".into(),
            json!([format!("{left} more hits; add words or filters such as project: or type:")]),
        );
    }
    if !results.ignored.is_empty() {
        answer.insert("searched_as_words".into(), json!(results.ignored));
    }
    Value::Object(answer)
}

fn link(l: &NodeLink) -> Value {
    json!({ "unique_id": l.unique_id, "name": l.name, "type": l.resource_type, "project": l.project })
}

pub fn node(n: &NodeDetail, cap: usize) -> Value {
    let mut notes = Notes::default();
    let columns: Vec<Value> = notes
        .keep(&n.columns, cap, "columns", "read the node page for the rest")
        .into_iter()
        .map(|c| {
            json!({
                "name": c.name,
                "data_type": c.data_type.clone().or_else(|| c.catalog_type.clone()),
                "description": c.description,
                "tests": c.tests.iter().map(|t| json!({ "name": t.name, "status": t.status })).collect::<Vec<_>>(),
                "upstream": c.upstream.iter().map(|u| json!({ "node": u.node, "column": u.column, "kind": u.kind })).collect::<Vec<_>>(),
                "downstream_count": c.downstream_count,
            })
        })
        .collect();
    let parents: Vec<Value> =
        notes.keep(&n.parents, cap, "parents", "use lineage with select=+NAME").into_iter().map(link).collect();
    let children: Vec<Value> =
        notes.keep(&n.children, cap, "children", "use lineage with select=NAME+").into_iter().map(link).collect();
    let count = |status: &str| n.tests.iter().filter(|t| t.status.as_deref() == Some(status)).count();
    let failing: Vec<&str> = n
        .tests
        .iter()
        .filter(|t| matches!(t.status.as_deref(), Some("fail" | "error" | "warn")))
        .map(|t| t.name.as_str())
        .collect();
    let failing = notes.keep(&failing, cap, "failing tests", "read the node page for the rest");
    let owners: Vec<Value> =
        n.owners.iter().map(|o| json!({ "name": o.name, "email": o.email, "from": o.source })).collect();
    notes.into_answer(object(json!({
        "unique_id": n.unique_id,
        "name": n.name,
        "type": n.resource_type,
        "project": n.project,
        "package": n.package,
        "description": n.description,
        "owners": owners,
        "group": n.group,
        "access": n.access,
        "version": n.version,
        "latest_version": n.latest_version,
        "version_state": n.version_state,
        "deprecation_date": n.deprecation_date,
        "materialized": n.materialized,
        "relation_name": n.relation_name,
        "external": n.external,
        "contract": { "enforced": n.contract.enforced },
        "status": n.status,
        "columns": columns,
        "parents": parents,
        "children": children,
        "tests": {
            "total": n.tests.len(),
            "pass": count("pass"),
            "fail": count("fail"),
            "error": count("error"),
            "warn": count("warn"),
            "not_run": n.tests.iter().filter(|t| t.status.is_none()).count(),
            "failing": failing,
        },
        "used_by_projects": n.used_by_projects,
    })))
}

/// The selection's nodes, the focus first, and the edges among those kept.
pub fn lineage(view: &LineageView, cap: usize) -> Value {
    let mut notes = Notes::default();
    let mut ordered: Vec<_> = view.nodes.iter().collect();
    ordered.sort_by_key(|n| !n.focus);
    let kept = notes.keep(&ordered, cap, "nodes", "narrow the selector");
    let ids: std::collections::HashSet<&str> = kept.iter().map(|n| n.id.as_str()).collect();
    let nodes: Vec<Value> = kept
        .iter()
        .map(|n| {
            json!({
                "unique_id": n.id,
                "name": n.name,
                "type": n.resource_type,
                "project": n.project,
                "access": n.access,
                "contract": n.contract,
                "version": n.version,
                "test_status": n.test_status,
                "focus": n.focus,
            })
        })
        .collect();
    let within: Vec<_> =
        view.edges.iter().filter(|e| ids.contains(e.source.as_str()) && ids.contains(e.target.as_str())).collect();
    let edges: Vec<Value> = notes
        .keep(&within, cap.saturating_mul(4), "edges", "narrow the selector")
        .into_iter()
        .map(|e| json!({ "source": e.source, "target": e.target, "kind": e.kind }))
        .collect();
    notes.into_answer(object(json!({
        "select": view.select,
        "exclude": view.exclude,
        "selected": view.selected,
        "nodes": nodes,
        "edges": edges,
    })))
}

pub fn column_lineage(view: &ColumnLineage, cap: usize) -> Value {
    let mut notes = Notes::default();
    let mut ordered: Vec<_> = view.nodes.iter().collect();
    ordered.sort_by_key(|n| n.depth.abs());
    let kept = notes.keep(&ordered, cap, "nodes", "lower depth or pick a direction");
    let ids: std::collections::HashSet<&str> = kept.iter().map(|n| n.unique_id.as_str()).collect();
    let nodes: Vec<Value> = kept
        .iter()
        .map(|n| {
            json!({
                "unique_id": n.unique_id,
                "name": n.name,
                "project": n.project,
                "type": n.resource_type,
                "depth": n.depth,
                "columns": n.columns.iter().map(|c| json!({ "name": c.name, "data_type": c.data_type })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let within: Vec<_> = view
        .edges
        .iter()
        .filter(|e| ids.contains(e.source.node.as_str()) && ids.contains(e.target.node.as_str()))
        .collect();
    let edges: Vec<Value> = notes
        .keep(&within, cap.saturating_mul(4), "edges", "lower depth or pick a direction")
        .into_iter()
        .map(|e| {
            json!({
                "source": { "node": e.source.node, "column": e.source.column },
                "target": { "node": e.target.node, "column": e.target.column },
                "kind": e.kind,
            })
        })
        .collect();
    notes.into_answer(object(json!({
        "column": { "node": view.column.node, "name": view.column.name },
        "nodes": nodes,
        "edges": edges,
        "unavailable": view.unavailable,
    })))
}

pub fn impact(report: &DiffReport, cap: usize) -> Value {
    let mut notes = Notes::default();
    let mut downstream_cut = 0usize;
    // One budget for the downstream nodes of all changes, so a release that changes
    // many models still answers in a screenful; each change keeps its project and owner
    // lists whole.
    let mut downstream_left = cap;
    let changes: Vec<Value> = notes
        .keep(&report.changes, cap, "changes", "diff one project at a time")
        .into_iter()
        .map(|c| {
            let (kept, _) = capped(&c.downstream, downstream_left, "", "");
            downstream_left -= kept.len();
            downstream_cut += c.downstream.len() - kept.len();
            json!({
                "kind": c.kind,
                "breaking": c.breaking,
                "project": c.project,
                "node": c.node,
                "column": c.column,
                "before": c.before,
                "after": c.after,
                "message": c.message,
                "downstream": kept.iter().map(|d| json!({
                    "unique_id": d.unique_id, "project": d.project, "owners": d.owners, "distance": d.distance,
                })).collect::<Vec<_>>(),
                "downstream_projects": c.downstream_projects,
                "downstream_owners": c.downstream_owners,
            })
        })
        .collect();
    if downstream_cut > 0 {
        notes.0.push(format!("{downstream_cut} more downstream nodes; call get_node or lineage on a changed node"));
    }
    notes.into_answer(object(json!({
        "base": report.base,
        "projects": report.projects,
        "breaking": report.breaking,
        "impacted_projects": report.impacted_projects,
        "impacted_owners": report.impacted_owners,
        "changes": changes,
    })))
}

pub fn owners(owners: &[OwnerSummary], cap: usize) -> Value {
    let mut notes = Notes::default();
    let owners: Vec<Value> = notes
        .keep(owners, cap, "owners", "ask for one with {\"owner\": KEY}")
        .into_iter()
        .map(|o| json!({ "key": o.key, "emails": o.emails, "from": o.sources, "nodes": o.nodes }))
        .collect();
    notes.into_answer(object(json!({ "owners": owners })))
}

pub fn owner(detail: &OwnerDetail, cap: usize) -> Value {
    let mut notes = Notes::default();
    let o = &detail.owner;
    let nodes: Vec<Value> = notes
        .keep(&detail.nodes, cap, "nodes", "search with owner:KEY and more filters")
        .into_iter()
        .map(|n| {
            json!({
                "unique_id": n.unique_id,
                "name": n.name,
                "type": n.resource_type,
                "project": n.project,
                "access": n.access,
                "contract_enforced": n.contract_enforced,
                "status": n.status,
                "failing_tests": n.failing_tests,
            })
        })
        .collect();
    notes.into_answer(object(json!({
        "owner": { "key": o.key, "emails": o.emails, "from": o.sources, "nodes": o.nodes },
        "nodes": nodes,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_lists_say_what_they_left_out() {
        let items: Vec<u32> = (0..10).collect();
        let cases: [(usize, usize, Option<&str>); 4] = [
            (20, 10, None),
            (10, 10, None),
            (3, 3, Some("7 more nodes; narrow the selector")),
            (0, 0, Some("10 more nodes; narrow the selector")),
        ];
        for (cap, kept, note) in cases {
            let (got, got_note) = capped(&items, cap, "nodes", "narrow the selector");
            assert_eq!((got.len(), got_note.as_deref()), (kept, note), "cap {cap}");
        }
    }

    #[test]
    fn an_impact_shares_one_downstream_budget_across_its_changes() {
        let downstream = |n: usize| -> Vec<app::dto::DownstreamNode> {
            (0..n)
                .map(|i| app::dto::DownstreamNode { unique_id: format!("model.b.m{i}"), ..Default::default() })
                .collect()
        };
        let report = DiffReport {
            changes: vec![
                app::dto::Change { kind: "column_removed".into(), downstream: downstream(3), ..Default::default() },
                app::dto::Change { kind: "column_removed".into(), downstream: downstream(4), ..Default::default() },
                app::dto::Change { kind: "model_removed".into(), downstream: downstream(2), ..Default::default() },
            ],
            ..Default::default()
        };
        let answer = impact(&report, 5);
        let kept: Vec<usize> =
            answer["changes"].as_array().unwrap().iter().map(|c| c["downstream"].as_array().unwrap().len()).collect();
        assert_eq!(kept, [3, 2, 0], "the first changes' downstream first, five in all");
        assert_eq!(answer["truncated"], json!(["4 more downstream nodes; call get_node or lineage on a changed node"]));
    }

    #[test]
    fn a_cut_lineage_keeps_the_focus_and_only_edges_among_kept_nodes() {
        let node = |id: &str, focus: bool| app::dto::LineageNode {
            id: id.into(),
            name: id.into(),
            focus,
            ..Default::default()
        };
        let edge =
            |s: &str, t: &str| app::dto::LineageEdge { source: s.into(), target: t.into(), ..Default::default() };
        let view = LineageView {
            select: "+c".into(),
            nodes: vec![node("a", false), node("b", false), node("c", true)],
            edges: vec![edge("a", "b"), edge("b", "c")],
            selected: 3,
            ..Default::default()
        };
        let answer = lineage(&view, 2);
        let ids: Vec<&str> =
            answer["nodes"].as_array().unwrap().iter().map(|n| n["unique_id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["c", "a"]);
        assert_eq!(answer["edges"], json!([]));
        assert_eq!(answer["truncated"], json!(["1 more nodes; narrow the selector"]));
        assert!(lineage(&view, 3).get("truncated").is_none());
        assert_eq!(lineage(&view, 3)["edges"].as_array().unwrap().len(), 2);
    }
}
