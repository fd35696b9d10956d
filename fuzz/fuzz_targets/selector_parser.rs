//! `meshlens lineage` selectors: any text, parsed, printed as an error, and evaluated
//! with an exclusion over a small graph that has every shape a mesh can have (a fan-out to
//! collapse, versions, tests, projects, a cycle and a node that depends on itself), then
//! laid out. Nothing may panic or hang. The first line is the selector, the rest the exclusion.
#![no_main]

use std::{collections::HashSet, sync::OnceLock};

use libfuzzer_sys::fuzz_target;
use server::{
    graph::{selector, view::lineage_view, GraphNode, MeshGraph},
    mesh::EdgeKind,
};

fn node(unique_id: &str, project: &str, tags: &[&str]) -> GraphNode {
    let mut parts = unique_id.split('.');
    let resource_type = parts.next().unwrap_or_default().to_string();
    let package = parts.next().unwrap_or_default().to_string();
    GraphNode {
        unique_id: unique_id.to_string(),
        name: parts.next().unwrap_or_default().to_string(),
        project: project.to_string(),
        package,
        resource_type,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        path: Some(format!("models/marts/{unique_id}.sql")),
        owners: vec!["Ana".to_string(), "ana@acme.io".to_string()],
        ..GraphNode::default()
    }
}

fn graph() -> &'static MeshGraph {
    static GRAPH: OnceLock<MeshGraph> = OnceLock::new();
    GRAPH.get_or_init(|| {
        let mut nodes = vec![
            node("source.up.raw.orders", "up", &["raw"]),
            node("model.up.stg_orders", "up", &["staging"]),
            node("model.up.fct_orders", "up", &["mart", "pii"]),
            node("model.down.revenue", "down", &["mart"]),
            node("model.down.loop_a", "down", &[]),
            node("model.down.loop_b", "down", &[]),
            node("model.down.itself", "down", &[]),
            node("test.up.unique_fct_orders_id", "up", &[]),
            node("exposure.down.board", "down", &[]),
        ];
        nodes[2].version = Some("2".to_string());
        nodes[2].version_state = Some("latest".to_string());
        nodes[2].access = Some("public".to_string());
        nodes[7].test_name = Some("unique".to_string());
        nodes[7].generic_test = true;
        nodes[7].status = Some("fail".to_string());
        let ids: Vec<String> = nodes.iter().map(|n| n.unique_id.clone()).collect();
        let id = |i: usize| ids[i].clone();
        let mut edges = vec![
            (id(0), id(1), EdgeKind::Ref),
            (id(1), id(2), EdgeKind::Ref),
            (id(2), id(3), EdgeKind::CrossProject),
            (id(2), id(7), EdgeKind::Ref),
            (id(3), id(4), EdgeKind::Ref),
            (id(4), id(5), EdgeKind::Ref),
            (id(5), id(4), EdgeKind::Ref),
            (id(6), id(6), EdgeKind::Ref),
            (id(3), id(8), EdgeKind::Ref),
            (id(2), id(0), EdgeKind::Inferred),
        ];
        for i in 0..20 {
            let leaf = format!("model.down.leaf_{i:02}");
            edges.push((id(3), leaf.clone(), EdgeKind::Ref));
            nodes.push(node(&leaf, "down", &["leaf"]));
        }
        MeshGraph::new(nodes, edges)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (select, exclude) = text.split_once('\n').unwrap_or((text, ""));
    match selector::parse(select) {
        Ok(parsed) => {
            assert!(!parsed.union.is_empty());
            graph().select(&parsed, None);
        }
        Err(error) => {
            // The caret line points inside (or just past) the input.
            let _ = error.to_string();
            assert!(error.position <= select.chars().count().max(selector::MAX_LENGTH), "{error:?}");
        }
    }
    selector::glob_match(select, exclude);
    let expanded: HashSet<String> = ["model.down.revenue".to_string()].into();
    for collapse in [true, false] {
        let _ = lineage_view(graph(), select, exclude, collapse, &expanded);
    }
});
