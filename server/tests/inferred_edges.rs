//! An edge inferred from a `source()` is not a ref: it gives `source_reads_model`, never
//! an access finding, and fails `check` only on request. A kind with hundreds of
//! findings is shown on the governance page as counts per project pair.

#[path = "support/common.rs"]
mod common;

use std::path::PathBuf;

use app::catalog::Catalog;
use axum::{body::Body, http::Request};
use http_body_util::BodyExt;
use serde_json::Value;
use server::{engine::Engine, ingest::index_paths, store::DataDir};
use tower::ServiceExt;

#[test]
fn a_source_reading_another_project_s_model_is_reported_as_such_and_not_as_an_access_finding() {
    let (_tmp, engine) = common::engine();
    let findings = engine.governance().unwrap().findings;
    let about = |kind: &str| -> Vec<&app::dto::Finding> {
        findings
            .iter()
            .filter(|f| f.kind == kind && f.node == "source.marketing.platform_warehouse.orders_table")
            .collect()
    };
    let reads = about("source_reads_model");
    assert_eq!(reads.len(), 1);
    assert_eq!(reads[0].other.as_deref(), Some("model.platform.fct_orders"));
    assert_eq!(reads[0].other_project.as_deref(), Some("platform"));
    assert_eq!(reads[0].severity, "warning");
    assert!(reads[0].message.contains("a cross-project ref would make the dependency explicit and governed"));
    for kind in ["private_ref", "protected_ref", "deprecated_ref", "unpinned_ref"] {
        assert!(about(kind).is_empty(), "{kind}");
    }
}

/// The demo mesh with `extra` more marketing sources that read platform's fct_orders.
fn demo_with_sources_reading_platform(extra: usize) -> (tempfile::TempDir, Vec<PathBuf>) {
    let tmp = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for project in common::PROJECTS {
        let dir = common::copy_project(project, tmp.path());
        if project == "marketing" {
            let file = dir.join("manifest.json");
            let mut manifest: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
            let sources = manifest["sources"].as_object_mut().unwrap();
            let template = sources["source.marketing.platform_warehouse.orders_table"].clone();
            for i in 0..extra {
                let mut source = template.clone();
                let name = format!("orders_copy_{i:03}");
                source["unique_id"] = Value::from(format!("source.marketing.platform_warehouse.{name}"));
                source["name"] = Value::from(name.clone());
                source["identifier"] = Value::from(name.clone());
                source["fqn"] = serde_json::json!(["marketing", "platform_warehouse", name]);
                sources.insert(format!("source.marketing.platform_warehouse.{name}"), source);
            }
            std::fs::write(&file, serde_json::to_vec(&manifest).unwrap()).unwrap();
        }
        paths.push(dir);
    }
    (tmp, paths)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kind_with_hundreds_of_findings_is_counted_per_project_pair() {
    let (tmp, paths) = demo_with_sources_reading_platform(120);
    let data = DataDir::new(tmp.path().join("data"));
    let report = index_paths(&data, &paths, |_| {}).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let engine = std::sync::Arc::new(Engine::open(data, false, None).unwrap());
    let reads = engine.governance().unwrap().findings.into_iter().filter(|f| f.kind == "source_reads_model").count();
    assert_eq!(reads, 121);

    let app = server::http::app(engine);
    let response = app.oneshot(Request::get("/governance").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), 200);
    let page = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    let section = page.split("<section data-kind=\"source_reads_model\" class=\"finding-kind\">").nth(1).unwrap();
    let section = section.split("</section>").next().unwrap();
    assert!(
        section.contains("data-from=\"platform\" data-to=\"marketing\""),
        "one folded list for the pair: {}",
        &section[..section.len().min(2000)]
    );
    assert!(section.contains("121 findings"));
    assert_eq!(section.matches("<li class=\"finding warning\">").count(), 121, "every finding is in the folded list");
    // Smaller kinds stay listed whole.
    let small = page
        .split("<section data-kind=\"public_without_contract\" class=\"finding-kind\">")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    assert!(!small.contains("<details"), "{small}");
}
