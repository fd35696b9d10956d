//! dbt 2.0 (Fusion) artifacts (`tests/fusion-mesh`, real dbt 2.0.0-preview.196): what
//! dbt 2.0 writes differently is read as the same model, and the publication-file mesh
//! (cross-project refs resolved from a publication file) joins its projects.

#[path = "support/common.rs"]
mod common;

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use app::catalog::Catalog;
use axum::{body::Body, http::Request};
use http_body_util::BodyExt;
use server::{engine::Engine, ingest::index_paths, store::DataDir};
use tower::ServiceExt;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fusion-mesh")
}

fn indexed(projects: &[&str]) -> (tempfile::TempDir, Arc<Engine>) {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let paths: Vec<PathBuf> = projects.iter().map(|p| fixtures().join("artifacts").join(p)).collect();
    let report = index_paths(&data, &paths, |_| {}).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    (tmp, Arc::new(Engine::open(data, false, None).unwrap()))
}

#[test]
fn counts_equal_the_independent_count_of_dbts_manifests() {
    assert_eq!(common::assert_counts_match_the_independent_count(&fixtures()), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_dbt_2_writes_differently_reads_as_the_same_model() {
    let (_tmp, engine) = indexed(&["core", "reports"]);
    let project = engine.project("core").unwrap().unwrap().summary;
    assert_eq!((project.dbt_version.as_str(), project.schema_version), ("2.0.0-preview.196", 12));

    // A seed without a `seeds:` block has no config.materialized: it is a seed.
    let seed = engine.node("seed.core.raw_customers").unwrap().unwrap();
    assert_eq!(seed.materialized.as_deref(), Some("seed"));
    assert_eq!(seed.status.as_deref(), Some("success"), "run_results say `Succeeded`, status `success`");
    let lineage = engine.lineage("+dim_customers", "", "", "").unwrap();
    let in_view = lineage.nodes.iter().find(|n| n.id == "seed.core.raw_customers").unwrap();
    assert_eq!(in_view.materialized.as_deref(), Some("seed"));

    // `access` and `contract` under `config:`, catalog types beside the contract's,
    // tests whose arguments sit under `arguments:` and whose results say `Pass`.
    let dim = engine.node("model.core.dim_customers").unwrap().unwrap();
    assert_eq!(dim.access.as_deref(), Some("public"));
    assert!(dim.contract.enforced);
    let types: Vec<(String, Option<String>, Option<String>)> =
        dim.columns.iter().map(|c| (c.name.clone(), c.data_type.clone(), c.catalog_type.clone())).collect();
    assert_eq!(types[0], ("customer_id".to_string(), Some("bigint".to_string()), Some("BIGINT".to_string())));
    assert!(dim.columns.iter().all(|c| !c.type_mismatch), "bigint is BIGINT");
    let mut tests: Vec<(String, Option<String>)> =
        dim.tests.iter().map(|t| (t.name.clone(), t.status.clone())).collect();
    tests.sort();
    assert_eq!(
        tests,
        [
            ("accepted_values_dim_customers_customer_id__False__1__2__3".to_string(), Some("pass".to_string())),
            ("not_null_dim_customers_customer_id".to_string(), Some("pass".to_string())),
        ]
    );
    assert_eq!(dim.owners.iter().filter_map(|o| o.name.as_deref()).collect::<Vec<_>>(), ["core-team"]);
    assert!(dim.compiled_code.as_deref().is_some_and(|c| c.contains("stg_customers")), "compiled by dbt compile");

    // The cross-project ref, resolved from core's publication file.
    let report = engine.node("model.reports.customers_by_country").unwrap().unwrap();
    let parent = report.parents.iter().find(|p| p.unique_id == "model.core.dim_customers").unwrap();
    assert!(parent.cross_project);
    assert_eq!(engine.governance().unwrap().findings.len(), 0, "a public, contracted model refd as dbt allows");

    // The node page has its seed row back.
    let app = server::http::app(engine);
    let response =
        app.oneshot(Request::get("/nodes/seed.core.raw_customers").body(Body::empty()).unwrap()).await.unwrap();
    let page = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    let row = page.split("<dt>Materialized").nth(1).map(|rest| rest.chars().take(40).collect::<String>());
    assert!(
        row.as_deref().is_some_and(|r| r.contains("<dd>seed")),
        "the node page says how the seed is built: {row:?}"
    );
}

#[test]
fn a_downstream_project_alone_shows_the_published_model_as_external() {
    let (_tmp, engine) = indexed(&["reports"]);
    // dbt 2.0 injects only the upstream's public models, from the publication file, with
    // `access: public` at the top and no code or description; its config says otherwise.
    let dim = engine.node("model.core.dim_customers").unwrap().unwrap();
    assert_eq!(dim.project, "core");
    assert!(dim.external);
    assert_eq!(dim.access.as_deref(), Some("public"), "the node's own access wins over its config's");
    assert!(dim.raw_code.is_none());
    let mesh = engine.mesh().unwrap();
    let edge = mesh.edges.iter().find(|e| e.source == "core" && e.target == "reports").unwrap();
    assert_eq!((edge.refs, edge.models.as_slice()), (1, ["dim_customers".to_string()].as_slice()));
}
