//! The engine reads one clock: a served generation's graph and pages judge versions by
//! the same date, a fixed clock fixes it, and reviews are stamped by it.

#[path = "support/common.rs"]
mod common;

use std::sync::Arc;

use app::catalog::Catalog;
use server::{clock::FixedClock, engine::Engine};

fn engine_on(instant: &str) -> (tempfile::TempDir, Engine) {
    let (tmp, data) = common::indexed_demo();
    let engine =
        Engine::open(data, false, None).unwrap().with_clock(Arc::new(FixedClock(instant.to_string()))).unwrap();
    (tmp, engine)
}

/// dim_customers v1 is deprecated from 2025-06-30: its state on the node page and in the
/// lineage graph.
fn v1_states(engine: &Engine) -> (Option<String>, Option<String>) {
    let page = engine.node("model.platform.dim_customers.v1").unwrap().unwrap().version_state;
    let view = engine.lineage("model.platform.dim_customers.v1", "", "", "").unwrap();
    let graph = view.nodes.iter().find(|n| n.id == "model.platform.dim_customers.v1").unwrap().version_state.clone();
    (page, graph)
}

#[test]
fn pages_and_the_graph_judge_versions_by_the_generation_s_date() {
    let (_tmp, before) = engine_on("2025-06-01T00:00:00Z");
    assert_eq!(v1_states(&before), (Some("old".into()), Some("old".into())), "before its deprecation date");
    let (_tmp, after) = engine_on("2025-07-01T00:00:00Z");
    assert_eq!(v1_states(&after), (Some("deprecated".into()), Some("deprecated".into())));
    let deprecated: Vec<String> =
        after.lineage("version:deprecated", "", "", "").unwrap().nodes.into_iter().map(|n| n.id).collect();
    assert_eq!(deprecated, ["model.platform.dim_customers.v1"], "selectors see the same date");
}

#[test]
fn reviews_are_stamped_by_the_engine_s_clock() {
    let (_tmp, engine) = engine_on("2026-01-02T03:04:05Z");
    let head_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/demo-mesh/diffs/non_breaking");
    let head = server::diff::load_head(&[head_dir]).unwrap();
    assert_eq!(engine.review(&head).unwrap().created, "2026-01-02T03:04:05Z");
}

/// An index run takes its date once: its findings and its search documents judge
/// deprecations by it.
#[test]
fn an_index_run_judges_deprecations_by_its_own_date() {
    use server::{ingest::Ingest, store::DataDir};
    let index_on = |instant: &str| {
        let tmp = tempfile::tempdir().unwrap();
        let data = DataDir::new(tmp.path().join("data"));
        let sources: Vec<_> = common::demo_paths().into_iter().map(server::config::ProjectSource::from).collect();
        let report = Ingest::new(&data).with_clock(&FixedClock(instant.to_string())).index(&sources, |_| {}).unwrap();
        assert!(report.failed.is_empty(), "{:?}", report.failed);
        let engine = Engine::open(data, false, None).unwrap();
        let deprecated_refs =
            engine.governance().unwrap().findings.iter().filter(|f| f.kind == "deprecated_ref").count();
        let deprecated_hits: Vec<(String, String)> = engine
            .search("deprecated", 50, 0)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| (h.unique_id, h.matched_field))
            .collect();
        // Its description says "deprecated" too; the version state is a label.
        let v1_labelled =
            deprecated_hits.iter().any(|(id, field)| id == "model.platform.dim_customers.v1" && field != "description");
        (tmp, deprecated_refs, v1_labelled)
    };
    let (_before, refs, hits) = index_on("2025-06-01T00:00:00Z");
    assert_eq!((refs, hits), (0, false), "before dim_customers v1's deprecation date");
    let (_after, refs, hits) = index_on("2025-07-01T00:00:00Z");
    assert!(refs > 0, "refs to dim_customers v1 are refs to a deprecated version");
    assert!(hits, "the search index labels v1 deprecated");
}
