//! Column lineage over `tests/column-mesh` (real dbt 1.11 artifacts): meshlens' edges
//! agree with an independent oracle, sqlglot's `lineage` over the same compiled SQL
//! (`tests/column-mesh/oracle.py` → `expected-lineage.json`), except where listed.

#[path = "support/common.rs"]
mod common;

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
    sync::Arc,
};

use app::catalog::Catalog;
use serde_json::Value;
use server::{engine::Engine, ingest::index_paths, store::DataDir};

fn mesh_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/column-mesh")
}

fn engine() -> (tempfile::TempDir, Arc<Engine>) {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let paths: Vec<PathBuf> = ["core", "analytics"].iter().map(|p| mesh_dir().join("artifacts").join(p)).collect();
    let report = index_paths(&data, &paths, |_| {}).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    (tmp, Arc::new(Engine::open(data, false, None).unwrap()))
}

/// Where meshlens answers otherwise than sqlglot on purpose: (model, column, why).
const ACCEPTED: &[(&str, &str, &str)] = &[(
    "model.analytics.customers_from_source",
    "*",
    "the source declares core's dim_customers table: meshlens links it to that model, across projects \
     (issue 16), where sqlglot can only name the relation the SQL reads",
)];

fn accepted(model: &str, column: &str) -> bool {
    ACCEPTED.iter().any(|(m, c, _)| *m == model && (*c == "*" || *c == column))
}

type Edges = BTreeSet<(String, String, String)>;

#[test]
fn column_lineage_agrees_with_sqlglot_on_every_model_of_the_fixture_mesh() {
    let (_tmp, engine) = engine();
    let expected: Value =
        serde_json::from_slice(&std::fs::read(mesh_dir().join("expected-lineage.json")).unwrap()).unwrap();
    let mut disagreements = Vec::new();
    let mut compared = 0;
    for (model, want) in expected["models"].as_object().unwrap() {
        let node = engine.node(model).unwrap().unwrap_or_else(|| panic!("{model} is indexed"));
        let status = want["status"].as_str().unwrap();
        let ours = node.column_lineage.status.as_str();
        if status == "unparseable" {
            assert_eq!(ours, "unavailable", "{model}: sqlglot cannot trace it, meshlens must say so");
            assert!(node.columns.iter().all(|c| c.upstream.is_empty()), "{model} has no edges");
            continue;
        }
        assert_eq!(ours, "ok", "{model}: {:?}", node.column_lineage.message);
        for (column, upstream) in want["columns"].as_object().unwrap() {
            let want: Edges = upstream
                .as_array()
                .unwrap()
                .iter()
                .map(|e| (s(&e["node"]), s(&e["column"]).to_lowercase(), s(&e["kind"])))
                .collect();
            let got: Edges = node
                .columns
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(column))
                .map(|c| c.upstream.iter().map(|u| (u.node.clone(), u.column.to_lowercase(), u.kind.clone())).collect())
                .unwrap_or_default();
            compared += 1;
            if want != got && !accepted(model, column) {
                disagreements.push(format!("{model}.{column}\n  sqlglot:  {want:?}\n  meshlens: {got:?}"));
            }
        }
        let want: BTreeSet<(String, String)> = want["filters_only"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (s(&e["node"]), s(&e["column"]).to_lowercase()))
            .collect();
        let got: BTreeSet<(String, String)> =
            node.column_filters.iter().map(|f| (f.node.clone(), f.column.to_lowercase())).collect();
        if want != got && !accepted(model, "filters") && !accepted(model, "*") {
            disagreements.push(format!("{model} filters\n  sqlglot:  {want:?}\n  meshlens: {got:?}"));
        }
    }
    assert!(compared > 40, "compared {compared} columns");
    assert!(disagreements.is_empty(), "{} disagreements:\n{}", disagreements.len(), disagreements.join("\n"));
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

#[test]
fn a_source_declaring_another_project_s_model_links_to_that_model_s_columns() {
    let (_tmp, engine) = engine();
    let node = engine.node("model.analytics.customers_from_source").unwrap().unwrap();
    let ups: BTreeMap<String, Vec<(String, String)>> = node
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.upstream.iter().map(|u| (u.node.clone(), u.project.clone())).collect()))
        .collect();
    assert!(!ups.is_empty());
    for (column, up) in &ups {
        for (node, project) in up {
            assert_eq!(node, "model.core.dim_customers", "{column}");
            assert_eq!(project, "core");
        }
    }
}

/// A head for `diff`: core with dim_customers' `customer_id` removed from its enforced
/// contract, its `full_name` declared as an integer, and order_payments' `paid_amount`
/// (which nothing reads) removed from its YAML.
fn head_changing_core(dir: &Path) -> Vec<app::dto::Change> {
    let to = dir.join("core");
    std::fs::create_dir_all(&to).unwrap();
    let manifest: PathBuf = mesh_dir().join("artifacts/core/manifest.json");
    let mut m: Value = serde_json::from_slice(&std::fs::read(manifest).unwrap()).unwrap();
    let columns = m["nodes"]["model.core.dim_customers"]["columns"].as_object_mut().unwrap();
    columns.remove("customer_id").unwrap();
    columns["full_name"]["data_type"] = Value::String("integer".into());
    m["nodes"]["model.core.order_payments"]["columns"].as_object_mut().unwrap().remove("paid_amount").unwrap();
    std::fs::write(to.join("manifest.json"), serde_json::to_vec(&m).unwrap()).unwrap();
    let (_tmp, engine) = engine();
    let head = server::diff::load_head(&[to]).unwrap();
    engine.impact(&head).unwrap().changes
}

#[test]
fn diff_names_the_columns_downstream_that_read_a_removed_or_retyped_column_across_projects() {
    let tmp = tempfile::tempdir().unwrap();
    let changes = head_changing_core(tmp.path());
    let find = |kind: &str, column: &str| {
        changes
            .iter()
            .find(|c| c.kind == kind && c.column.as_deref() == Some(column))
            .unwrap_or_else(|| panic!("{kind} {column}"))
    };
    let removed = find("column_removed", "customer_id");
    assert!(removed.breaking);
    let readers = removed.column_downstream.as_ref().expect("column_downstream");
    let reader =
        |node: &str, column: Option<&str>| readers.iter().find(|r| r.node == node && r.column.as_deref() == column);
    let renamed = reader("model.analytics.client_summary", Some("client_id")).expect("renamed across projects");
    assert_eq!((renamed.kind.as_str(), renamed.distance, renamed.project.as_str()), ("copy", 1, "analytics"));
    assert!(reader("model.analytics.customers_from_source", Some("customer_id")).is_some(), "through the source");
    assert!(readers.windows(2).all(|w| w[0].distance <= w[1].distance), "nearest first");
    // Node-level downstream is as it was.
    assert!(removed.downstream.iter().any(|d| d.unique_id == "model.analytics.client_summary"));

    let retyped = find("column_type_changed", "full_name");
    assert!(retyped.breaking);
    assert!(!retyped.column_downstream.as_ref().unwrap().is_empty());

    let unread = find("column_removed", "paid_amount");
    assert_eq!(unread.column_downstream.as_deref(), Some(&[][..]), "nothing reads it");
    assert!(!unread.breaking, "no enforced contract: dbt's rule does not break it");

    let report = app::dto::DiffReport { changes: changes.clone(), projects: vec!["core".into()], ..Default::default() };
    let markdown = server::diff::markdown(&report);
    assert!(markdown.contains("0 downstream columns read it"), "{markdown}");
    let first = markdown.find("Columns that read dim_customers.customer_id").expect("column consumers listed");
    let nodes = markdown.find("Downstream of dim_customers").expect("nodes listed");
    assert!(first < nodes, "column consumers first");
    assert!(markdown.contains("model.analytics.client_summary.client_id"), "{markdown}");
}

async fn get_json(app: &axum::Router, uri: &str) -> (u16, Value) {
    use tower::ServiceExt;
    let request = axum::http::Request::get(uri).body(axum::body::Body::empty()).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let body = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap())
}

#[tokio::test]
async fn the_api_answers_column_lineage_with_the_fields_scripts_read() {
    let (_tmp, engine) = engine();
    let app = server::http::app(engine);
    let (status, node) = get_json(&app, "/api/v1/nodes/model.analytics.client_summary").await;
    assert_eq!(status, 200);
    assert_eq!(node["column_lineage"]["status"], "ok");
    let client_id = node["columns"].as_array().unwrap().iter().find(|c| c["name"] == "client_id").unwrap();
    assert_eq!(client_id["upstream"][0]["node"], "model.core.dim_customers");
    assert_eq!(client_id["upstream"][0]["column"], "customer_id");
    assert_eq!(client_id["upstream"][0]["kind"], "copy");
    assert!(client_id["downstream_count"].is_u64());
    let (_, pivot) = get_json(&app, "/api/v1/nodes/model.core.payment_pivot").await;
    assert_eq!(pivot["column_lineage"]["status"], "unavailable");
    assert!(pivot["column_lineage"]["message"].as_str().is_some_and(|m| !m.is_empty()));

    // Case-insensitive, answered in the manifest's spelling.
    let (status, view) =
        get_json(&app, "/api/v1/columns/model.core.dim_customers/CUSTOMER_ID/lineage?direction=down").await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["column"], serde_json::json!({ "node": "model.core.dim_customers", "name": "customer_id" }));
    let summary =
        view["nodes"].as_array().unwrap().iter().find(|n| n["unique_id"] == "model.analytics.client_summary").unwrap();
    assert_eq!(
        (summary["name"].as_str(), summary["project"].as_str(), summary["type"].as_str()),
        (Some("client_summary"), Some("analytics"), Some("model"))
    );
    assert_eq!(summary["columns"][0]["name"], "client_id");
    assert!(summary["columns"][0].get("data_type").is_some());
    let edge = view["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["target"]["node"] == "model.analytics.client_summary")
        .unwrap();
    assert_eq!(edge["source"], serde_json::json!({ "node": "model.core.dim_customers", "column": "customer_id" }));
    assert_eq!(edge["target"]["column"], "client_id");
    assert_eq!(edge["kind"], "copy");
    assert!(view["unavailable"].is_array());
    let (status, up) =
        get_json(&app, "/api/v1/columns/model.core.dim_customers/customer_id/lineage?direction=up&depth=1").await;
    assert_eq!(status, 200);
    assert!(up["edges"].as_array().unwrap().iter().all(|e| e["target"]["node"] == "model.core.dim_customers"));
    // What the walk cannot see through.
    let (_, amount) = get_json(&app, "/api/v1/columns/model.core.stg_payments/amount/lineage?direction=down").await;
    assert!(amount["unavailable"].as_array().unwrap().iter().any(|u| u == "model.core.payment_pivot"), "{amount}");

    let (status, missing) = get_json(&app, "/api/v1/columns/model.core.dim_customers/nope/lineage").await;
    assert_eq!((status, missing["error"]["code"].as_str()), (404, Some("column_not_found")));
    let (status, bad) = get_json(&app, "/api/v1/columns/model.core.dim_customers/customer_id/lineage?depth=51").await;
    assert_eq!((status, bad["error"]["parameter"].as_str()), (400, Some("depth")));
    assert!(bad["error"]["message"].as_str().unwrap().contains("1"), "{bad}");

    let (_, project) = get_json(&app, "/api/v1/projects/core").await;
    assert_eq!(project["column_lineage"]["parsed"], 10);
    assert_eq!(project["column_lineage"]["unavailable"], 1);
    assert_eq!(project["column_lineage"]["failures"][0]["unique_id"], "model.core.payment_pivot");
}

#[test]
fn without_the_upstream_project_columns_link_to_its_injected_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let report = index_paths(&data, &[mesh_dir().join("artifacts/analytics")], |_| {}).unwrap();
    assert!(report.failed.is_empty());
    let engine = Engine::open(data, false, None).unwrap();
    let node = engine.node("model.analytics.client_summary").unwrap().unwrap();
    let client_id = node.columns.iter().find(|c| c.name == "client_id").unwrap();
    assert_eq!(client_id.upstream.len(), 1);
    assert_eq!(
        (client_id.upstream[0].node.as_str(), client_id.upstream[0].column.as_str()),
        ("model.core.dim_customers", "customer_id")
    );
    let upstream = engine.node("model.core.dim_customers").unwrap().unwrap();
    assert!(upstream.external, "known only from dbt-loom's copy");
}

#[test]
fn a_re_index_keeps_unchanged_projects_lineage_and_links_it_again() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let paths: Vec<PathBuf> = ["core", "analytics"].iter().map(|p| mesh_dir().join("artifacts").join(p)).collect();
    index_paths(&data, &paths, |_| {}).unwrap();
    // core changes (a copy with a new generated_at), analytics is kept as stored.
    let core = tmp.path().join("core");
    std::fs::create_dir_all(&core).unwrap();
    for f in ["manifest.json", "catalog.json", "run_results.json"] {
        std::fs::copy(mesh_dir().join("artifacts/core").join(f), core.join(f)).unwrap();
    }
    let manifest = core.join("manifest.json");
    let mut m: Value = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    m["metadata"]["generated_at"] = Value::String("2030-01-01T00:00:00Z".into());
    std::fs::write(&manifest, serde_json::to_vec(&m).unwrap()).unwrap();
    let report = index_paths(&data, &[core, paths[1].clone()], |_| {}).unwrap();
    assert_eq!(report.unchanged, ["analytics"], "{report:?}");
    let engine = Engine::open(data, false, None).unwrap();
    let node = engine.node("model.analytics.customers_from_source").unwrap().unwrap();
    assert_eq!(node.column_lineage.status, "ok");
    let email = node.columns.iter().find(|c| c.name == "email").unwrap();
    assert_eq!(email.upstream[0].node, "model.core.dim_customers", "kept, and linked to core's new generation");
    let dim = engine.node("model.core.dim_customers").unwrap().unwrap();
    assert!(dim.columns.iter().find(|c| c.name == "email").unwrap().downstream_count >= 1);
}
