//! A project installed as a dbt package in other indexed projects keeps its nodes
//! (`tests/package-mesh`, real dbt 1.11 artifacts): counts against the independent
//! count script, node pages, lineage edges of kind `package`, the mesh and project
//! pages, selectors, access findings, and two installers without the package's project.

#[path = "support/common.rs"]
mod common;

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    process::Command,
    sync::Arc,
};

use app::{catalog::Catalog, dto::ProjectCounts};
use axum::{body::Body, http::Request, Router};
use http_body_util::BodyExt;
use serde_json::Value;
use server::{engine::Engine, ingest::index_paths, store::DataDir};
use tower::ServiceExt;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/package-mesh")
}

fn artifacts(project: &str) -> PathBuf {
    fixtures().join("artifacts").join(project)
}

fn indexed(projects: &[&str]) -> (tempfile::TempDir, Arc<Engine>) {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let paths: Vec<PathBuf> = projects.iter().map(|p| artifacts(p)).collect();
    let report = index_paths(&data, &paths, |_| {}).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    (tmp, Arc::new(Engine::open(data, false, None).unwrap()))
}

fn counts(engine: &Engine) -> BTreeMap<String, ProjectCounts> {
    engine.projects().unwrap().into_iter().map(|p| (p.name, p.counts)).collect()
}

async fn get(app: &Router, uri: &str) -> (u16, String) {
    let response = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status().as_u16();
    (status, String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap())
}

async fn get_json(app: &Router, uri: &str) -> Value {
    let (status, body) = get(app, uri).await;
    assert_eq!(status, 200, "{uri}: {body}");
    serde_json::from_str(&body).unwrap()
}

#[test]
fn counts_equal_the_independent_count_of_dbts_manifests() {
    assert_eq!(common::assert_counts_match_the_independent_count(&fixtures()), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_installed_project_keeps_its_nodes_and_the_installers_depend_on_it_as_a_package() {
    let (_tmp, engine) = indexed(&["dest_proj_a", "src_proj_a", "dest_proj_b"]);
    // Counted by what each manifest defines: the installers keep their counts.
    let c = counts(&engine);
    assert_eq!((c["src_proj_a"].models, c["dest_proj_a"].models, c["dest_proj_b"].models), (2, 3, 3));

    let app = server::http::app(engine.clone());
    let node = get_json(&app, "/api/v1/nodes/model.src_proj_a.new_model").await;
    assert_eq!(node["project"], "src_proj_a", "the package's own project owns it, whoever installs it");
    let page = get(&app, "/nodes/model.src_proj_a.shared_model").await.1;
    assert!(page.contains("href=\"/projects/src_proj_a\""), "the node page names its project");

    // The installer's refs into the package are package edges, and dbt allows a
    // protected model to be ref'd from a project that installs it.
    let lineage = get_json(&app, "/api/v1/lineage?select=%2Bdest_orders&collapse=false").await;
    let kinds: BTreeMap<String, String> = lineage["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                format!("{} -> {}", e["source"].as_str().unwrap(), e["target"].as_str().unwrap()),
                e["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(kinds["model.src_proj_a.shared_model -> model.dest_proj_a.dest_orders"], "package");
    assert_eq!(kinds["model.src_proj_a.new_model -> model.dest_proj_a.dest_orders"], "package");
    assert_eq!(kinds["model.src_proj_a.shared_model -> model.src_proj_a.new_model"], "ref");
    let governance = get_json(&app, "/api/v1/governance").await;
    let access: Vec<&Value> =
        governance["findings"].as_array().unwrap().iter().filter(|f| f["kind"] == "protected_ref").collect();
    assert!(access.is_empty(), "{access:?}");

    // The mesh: one edge a project pair, with the nodes the installer carries.
    let mesh = get_json(&app, "/api/v1/mesh").await;
    let edge = |target: &str| {
        mesh["edges"].as_array().unwrap().iter().find(|e| e["source"] == "src_proj_a" && e["target"] == target).cloned()
    };
    let to_a = edge("dest_proj_a").expect("src_proj_a -> dest_proj_a");
    assert_eq!(to_a["packages"], 6, "2 models, a seed and 3 tests: {to_a}");
    assert_eq!(to_a["refs"], 2, "dest_orders refs two of the package's models");
    let to_b = edge("dest_proj_b").expect("src_proj_a -> dest_proj_b");
    assert_eq!(to_b["packages"], 6);
    let mesh_page = get(&app, "/mesh").await.1;
    assert!(mesh_page.contains("data-packages=\"6\""), "the mesh page's table says so");

    // Both project pages.
    let src = get_json(&app, "/api/v1/projects/src_proj_a").await;
    let installers: Vec<&str> =
        src["installed_by"].as_array().unwrap().iter().map(|l| l["project"].as_str().unwrap()).collect();
    assert_eq!(installers, ["dest_proj_a", "dest_proj_b"]);
    let dest = get_json(&app, "/api/v1/projects/dest_proj_a").await;
    assert_eq!(dest["packages"][0]["project"], "src_proj_a");
    assert_eq!(dest["packages"][0]["edges"], 6);
    let page = get(&app, "/projects/src_proj_a").await.1;
    assert!(page.contains("Installed as a dbt package by") && page.contains("data-project=\"dest_proj_b\""), "{page}");
    let page = get(&app, "/projects/dest_proj_a").await.1;
    assert!(page.contains("Installs as dbt packages") && page.contains("6 nodes carried"));

    // `project:` is the owning project; `package:` still names the package.
    let ids = |view: &Value| -> Vec<String> {
        view["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap().to_string()).collect()
    };
    let src_nodes = ids(&get_json(&app, "/api/v1/lineage?select=project:src_proj_a&collapse=false").await);
    assert_eq!(src_nodes, ["model.src_proj_a.new_model", "model.src_proj_a.shared_model", "seed.src_proj_a.raw_items"]);
    let dest_nodes = ids(&get_json(&app, "/api/v1/lineage?select=project:dest_proj_a&collapse=false").await);
    assert_eq!(dest_nodes, ["model.dest_proj_a.dest_orders"]);
}

#[test]
fn two_installers_without_the_package_s_project_keep_one_copy_by_rule_and_report_the_other() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = Command::new(env!("CARGO_BIN_EXE_meshlens"))
        .args(["index", "--data"])
        .arg(&data)
        .arg(artifacts("dest_proj_a"))
        .arg(artifacts("dest_proj_b"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // dest_proj_b's manifest is the newer: its copy is kept, whatever the order given.
    assert!(
        stderr.contains("note: model.src_proj_a.shared_model is defined with its files by dest_proj_b and dest_proj_a; dest_proj_b's copy is kept"),
        "{stderr}"
    );
    let engine = Engine::open(DataDir::new(&data), false, None).unwrap();
    assert_eq!(engine.node("model.src_proj_a.shared_model").unwrap().unwrap().project, "dest_proj_b");
    let duplicates: Vec<String> = engine
        .governance()
        .unwrap()
        .findings
        .into_iter()
        .filter(|f| f.kind == "duplicate_node")
        .map(|f| f.node)
        .collect();
    assert_eq!(duplicates.len(), 6, "{duplicates:?}");
    assert!(duplicates.contains(&"seed.src_proj_a.raw_items".to_string()));
    // Reported, not failing unless asked.
    let check = Command::new(env!("CARGO_BIN_EXE_meshlens")).args(["check", "--data"]).arg(&data).output().unwrap();
    let text = String::from_utf8_lossy(&check.stdout);
    assert_eq!(
        text.matches("\nnote duplicate_node ").count() + usize::from(text.starts_with("note duplicate_node ")),
        6,
        "{text}"
    );
    assert!(!text.contains("FAIL duplicate_node"), "{text}");
    assert!(text.trim_end().ends_with("7 findings, 1 failing"), "only new_model's missing contract fails: {text}");
    let check = Command::new(env!("CARGO_BIN_EXE_meshlens"))
        .args(["check", "--fail-on", "duplicate_node", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));

    // Given the other way round, the same copy is kept.
    let again = tempfile::tempdir().unwrap();
    let other = DataDir::new(again.path().join("data"));
    index_paths(&other, &[artifacts("dest_proj_b"), artifacts("dest_proj_a")], |_| {}).unwrap();
    let engine = Engine::open(other, false, None).unwrap();
    assert_eq!(engine.node("model.src_proj_a.shared_model").unwrap().unwrap().project, "dest_proj_b");
}
