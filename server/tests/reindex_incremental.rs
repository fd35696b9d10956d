//! A re-index builds on the served generation (its database copied, its search index
//! updated with the documents that changed); what it serves must be what a fresh index
//! of the same artifacts serves.

#[path = "support/common.rs"]
mod common;

use std::fs;

use app::catalog::Catalog;
use server::{engine::Engine, ingest::index_paths, store::DataDir};

/// Every node's detail, the projects, and the hits of some searches.
fn served(data: DataDir) -> (Vec<serde_json::Value>, serde_json::Value, Vec<Vec<String>>) {
    let engine = Engine::open(data, false, None).unwrap();
    let generation = engine.generation().unwrap();
    let graph = &generation.graph;
    let mut ids: Vec<String> = graph.graph.node_weights().map(|n| n.unique_id.clone()).collect();
    ids.sort();
    let nodes = ids.iter().map(|id| serde_json::to_value(engine.node(id).unwrap().unwrap()).unwrap()).collect();
    let projects = serde_json::to_value(engine.projects().unwrap()).unwrap();
    let searches = ["orders", "customers", "revenue", "owner:platform", "type:model access:public", "renamed"]
        .iter()
        .map(|q| {
            // Hits of equal score may come in another order from an updated index.
            let mut hits: Vec<String> =
                engine.search(q, 200, 0).unwrap().hits.into_iter().map(|h| h.unique_id).collect();
            hits.sort();
            hits
        })
        .collect();
    (nodes, projects, searches)
}

#[test]
fn a_reindex_serves_what_a_fresh_index_of_the_same_artifacts_serves() {
    let tmp = tempfile::tempdir().unwrap();
    let paths: Vec<_> = common::PROJECTS.iter().map(|p| common::copy_project(p, tmp.path())).collect();
    let incremental = DataDir::new(tmp.path().join("incremental"));
    index_paths(&incremental, &paths, |_| {}).unwrap();

    // Change one project: a description, an owner and a group's owner, which resolving
    // spreads to other nodes.
    let manifest_path = paths[0].join("manifest.json");
    let mut manifest: serde_json::Value = serde_json::from_slice(&fs::read(&manifest_path).unwrap()).unwrap();
    let nodes = manifest["nodes"].as_object_mut().unwrap();
    let (_, model) = nodes.iter_mut().find(|(id, _)| id.starts_with("model.platform.")).unwrap();
    model["description"] = serde_json::json!("Renamed and described again.");
    model["config"]["meta"]["owner"] = serde_json::json!("someone.new@acme.io");
    for group in manifest["groups"].as_object_mut().unwrap().values_mut() {
        group["owner"]["name"] = serde_json::json!("Platform Guild");
    }
    fs::write(&manifest_path, serde_json::to_vec(&manifest).unwrap()).unwrap();

    let report = index_paths(&incremental, &paths, |_| {}).unwrap();
    assert_eq!(report.indexed, ["platform"], "{:?}", report.failed);
    let fresh = DataDir::new(tmp.path().join("fresh"));
    index_paths(&fresh, &paths, |_| {}).unwrap();

    let (a, b) = (served(incremental), served(fresh));
    assert_eq!(a.0.len(), b.0.len());
    for (x, y) in a.0.iter().zip(&b.0) {
        assert_eq!(x, y);
    }
    assert_eq!(a.1, b.1);
    assert_eq!(a.2, b.2);
    assert!(a.2[5].iter().any(|id| id.starts_with("model.platform.")), "the changed description is found");
}
