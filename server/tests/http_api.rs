//! The JSON API and pages through the same router `meshlens serve` runs, by oneshot requests.

#[path = "support/common.rs"]
mod common;

use axum::{body::Body, http::Request, Router};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

async fn get(app: &Router, uri: &str) -> (u16, String) {
    let response = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

async fn get_json(app: &Router, uri: &str) -> (u16, Value) {
    let (status, body) = get(app, uri).await;
    (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{uri}: {e}: {body}")))
}

async fn app() -> (tokio::sync::MutexGuard<'static, ()>, Router) {
    common::shared_app().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_reports_the_served_generation() {
    let (_serial, app) = app().await;
    let (status, body) = get_json(&app, "/healthz").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["demo"], false);
    assert!(body["nodes"].as_u64().unwrap() > 90);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn projects_carry_versions_and_counts() {
    let (_serial, app) = app().await;
    let (status, body) = get_json(&app, "/api/v1/projects").await;
    assert_eq!(status, 200);
    let projects = body["projects"].as_array().unwrap();
    let names: Vec<&str> = projects.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["exec_reporting", "finance", "marketing", "platform"]);
    let platform = &projects[3];
    assert_eq!(platform["dbt_version"], "1.11.16");
    assert_eq!(platform["schema_version"], 12);
    let counts = &platform["counts"];
    for (key, want) in [
        ("models", 11),
        ("sources", 2),
        ("seeds", 3),
        ("snapshots", 1),
        ("tests", 28),
        ("unit_tests", 1),
        ("exposures", 1),
        ("groups", 1),
        ("versioned_models", 3),
    ] {
        assert_eq!(counts[key], want, "platform {key}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_lists_its_neighbours_with_cross_project_and_inferred_marks() {
    let (_serial, app) = app().await;
    let (status, node) = get_json(&app, "/api/v1/nodes/model.platform.fct_orders").await;
    assert_eq!(status, 200);
    assert_eq!(node["name"], "fct_orders");
    assert_eq!(node["project"], "platform");
    assert_eq!(node["type"], "model");
    assert_eq!(node["access"], "public");
    assert_eq!(node["contract"]["enforced"], true);
    let children = node["children"].as_array().unwrap();
    let fin = children.iter().find(|c| c["unique_id"] == "model.finance.fin_orders").unwrap();
    assert_eq!(fin["cross_project"], true);
    assert_eq!(fin["inferred"], false);
    let source =
        children.iter().find(|c| c["unique_id"] == "source.marketing.platform_warehouse.orders_table").unwrap();
    assert_eq!(source["inferred"], true);
    let stg =
        node["parents"].as_array().unwrap().iter().find(|p| p["unique_id"] == "model.platform.stg_orders").unwrap();
    assert_eq!(stg["cross_project"], false);
    assert!(node["tests"].as_array().unwrap().iter().all(|t| t["status"] == "pass"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_nodes_and_routes_are_real_404s() {
    let (_serial, app) = app().await;
    let (status, body) = get_json(&app, "/api/v1/nodes/model.nowhere.nothing").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "node_not_found");
    let (status, body) = get_json(&app, "/api/v1/no-such-route").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "route_not_found");
    let (status, body) = get_json(&app, "/api/v2/projects").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "route_not_found");
    let (status, html) = get(&app, "/nodes/model.nowhere.nothing").await;
    assert_eq!(status, 404);
    assert!(html.contains("Node not found"), "{html}");
    let (status, html) = get(&app, "/no/such/page").await;
    assert_eq!(status, 404);
    assert!(html.contains("Not found"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_rendered_on_the_server() {
    let (_serial, app) = app().await;
    let (status, html) = get(&app, "/").await;
    assert_eq!(status, 200);
    for project in common::PROJECTS {
        assert!(html.contains(&format!("data-project=\"{project}\"")), "{project}");
    }
    let (status, html) = get(&app, "/nodes/model.marketing.mkt_order_attribution").await;
    assert_eq!(status, 200);
    assert!(html.contains("orders_table"), "{html}");
    let (status, html) = get(&app, "/search?q=revenue").await;
    assert_eq!(status, 200);
    assert!(html.contains("revenue_by_month"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_page_carries_its_description_once() {
    let (_serial, app) = app().await;
    let (_, node) = get_json(&app, "/api/v1/nodes/model.finance.fin_customers").await;
    let raw = node["description"].as_str().unwrap();
    assert!(raw.contains("**v2**"), "{raw}");
    let (status, html) = get(&app, "/nodes/model.finance.fin_customers").await;
    assert_eq!(status, 200);
    // Rendered in the HTML; the raw Markdown is not in the hydration state beside it.
    assert!(html.contains("<strong>v2</strong>"), "{html}");
    assert!(!html.contains("**v2**"), "the raw description is in the page: {html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_by_name_prefix() {
    let (_serial, app) = app().await;
    let (status, body) = get_json(&app, "/api/v1/search?q=fct_ord&limit=5").await;
    assert_eq!(status, 200);
    assert_eq!(body["hits"][0]["unique_id"], "model.platform.fct_orders");
    let (status, body) = get_json(&app, "/api/v1/search?q=x&limit=0").await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "bad_request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_files_are_embedded() {
    let (_serial, app) = app().await;
    let (status, css) = get(&app, "/pkg/meshlens.css").await;
    assert_eq!(status, 200);
    assert!(css.contains("prefers-color-scheme"));
    let (status, _) = get(&app, "/pkg/../Cargo.toml").await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_answers_facets_snippets_and_pages() {
    let (_serial, app) = app().await;
    let (status, body) = get_json(&app, "/api/v1/search?q=revenue&limit=2").await;
    assert_eq!(status, 200);
    let total = body["total"].as_u64().unwrap();
    assert!(total > 2, "{body}");
    assert_eq!(body["hits"].as_array().unwrap().len(), 2);
    let projects = body["facets"]["project"].as_array().unwrap();
    assert!(projects.iter().any(|p| p["value"] == "finance"), "{body}");
    let counted: u64 = body["facets"]["type"].as_array().unwrap().iter().map(|t| t["count"].as_u64().unwrap()).sum();
    assert_eq!(counted, total, "type facet counts every hit");
    for key in ["project", "type", "access", "owner", "group", "contract"] {
        assert!(body["facets"][key].is_array(), "facet {key}");
    }
    let hit = &body["hits"][0];
    for key in ["unique_id", "name", "project", "type", "owner", "access", "matched_field", "snippet"] {
        assert!(hit.get(key).is_some(), "hit field {key}: {hit}");
    }
    let (_, page2) = get_json(&app, "/api/v1/search?q=revenue&limit=2&offset=2").await;
    assert_eq!(page2["offset"], 2);
    assert_ne!(page2["hits"][0]["unique_id"], body["hits"][0]["unique_id"]);

    let (_, filtered) = get_json(&app, "/api/v1/search?q=type:exposure%20owner:cfo").await;
    assert_eq!(filtered["total"], 1, "{filtered}");
    assert_eq!(filtered["hits"][0]["unique_id"], "exposure.exec_reporting.board_pack");

    let (_, odd) = get_json(&app, "/api/v1/search?q=colour:red%20orders").await;
    assert!(odd["ignored"][0].as_str().unwrap().contains("colour"), "{odd}");

    // Snippets are text: the description's Markdown (`**order**`, backticks) is stripped.
    let (_, fct) = get_json(&app, "/api/v1/search?q=fct_orders&limit=1").await;
    let snippet: String =
        fct["hits"][0]["snippet"].as_array().unwrap().iter().map(|p| p["text"].as_str().unwrap()).collect();
    assert!(snippet.starts_with("One row per order placed"), "{snippet}");
    assert!(!snippet.contains("**") && !snippet.contains('`'), "{snippet}");

    // Equal scores (a filter alone scores nothing) come in a fixed order: by type, then name.
    let (_, first) = get_json(&app, "/api/v1/search?q=project:platform&limit=100").await;
    let (_, again) = get_json(&app, "/api/v1/search?q=project:platform&limit=100").await;
    assert_eq!(first["hits"], again["hits"]);
    let listed: Vec<(String, String)> = first["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["type"].as_str().unwrap().to_string(), h["name"].as_str().unwrap().to_lowercase()))
        .collect();
    let models: Vec<&String> = listed.iter().filter(|(t, _)| t == "model").map(|(_, n)| n).collect();
    assert!(models.windows(2).all(|w| w[0] <= w[1]), "models by name: {models:?}");
    let first_other = listed.iter().position(|(t, _)| t != "model").unwrap();
    assert!(listed[first_other..].iter().all(|(t, _)| t != "model"), "models first: {listed:?}");

    // A column: filter finds the nodes with that column, and each hit names it.
    let (_, columns) = get_json(&app, "/api/v1/search?q=column:AMOUNT_USD").await;
    let hits = columns["hits"].as_array().unwrap();
    assert!(hits.iter().any(|h| h["unique_id"] == "model.platform.fct_orders"), "{columns}");
    assert!(hits.iter().all(|h| h["column"] == "amount_usd" && h["matched_field"] == "column"), "{columns}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owners_list_and_owner_pages() {
    let (_serial, app) = app().await;
    let (status, body) = get_json(&app, "/api/v1/owners").await;
    assert_eq!(status, 200);
    let owners = body["owners"].as_array().unwrap();
    let platform = owners.iter().find(|o| o["key"] == "Platform Team").unwrap();
    assert_eq!(platform["emails"], serde_json::json!(["data-oncall@acme.io", "platform@acme.io"]));
    let (status, owner) = get_json(&app, "/api/v1/owners/data-oncall%40acme.io").await;
    assert_eq!(status, 200, "an owner is found by any of their emails");
    assert_eq!(owner["owner"]["key"], "Platform Team");
    let nodes = owner["nodes"].as_array().unwrap();
    assert!(nodes.iter().any(|n| n["unique_id"] == "model.platform.fct_orders" && n["contract_enforced"] == true));
    let products = nodes.iter().find(|n| n["unique_id"] == "model.platform.dim_products").unwrap();
    assert_eq!(products["failing_tests"], 1);
    let (status, body) = get_json(&app, "/api/v1/owners/nobody").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "owner_not_found");
    let (status, html) = get(&app, "/owners/Platform%20Team").await;
    assert_eq!(status, 200);
    assert!(html.contains("data-oncall@acme.io"), "{html}");
    let (status, _) = get(&app, "/owners/nobody").await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_carries_what_reviewers_check() {
    let (_serial, app) = app().await;
    let (_, node) = get_json(&app, "/api/v1/nodes/model.platform.dim_customers.v1").await;
    assert_eq!(node["version_state"], "deprecated");
    assert_eq!(node["ref_snippet"], "{{ ref('platform', 'dim_customers', v=1) }}");
    assert!(node["used_by_projects"].as_array().unwrap().iter().any(|p| p == "marketing"), "{node}");
    let (_, fct) = get_json(&app, "/api/v1/nodes/model.platform.fct_orders").await;
    assert!(fct["description_html"].as_str().unwrap().contains("<strong>"), "{fct}");
    assert!(fct["raw_code"].as_str().unwrap().contains("select"));
    assert!(fct["compiled_code"].as_str().unwrap().contains("\"demo\""));
    let amount = fct["contract"]["columns"].as_array().unwrap().iter().find(|c| c["name"] == "amount_usd").unwrap();
    assert_eq!(amount["contract_type"], "double");
    assert_eq!(amount["catalog_type"], "DECIMAL(12,2)");
    let order_id = fct["columns"].as_array().unwrap().iter().find(|c| c["name"] == "order_id").unwrap();
    assert!(order_id["tests"].as_array().unwrap().len() >= 2, "{order_id}");
    let exposures: Vec<&str> =
        fct["used_by_exposures"].as_array().unwrap().iter().map(|e| e["unique_id"].as_str().unwrap()).collect();
    assert!(exposures.contains(&"exposure.exec_reporting.board_pack"), "{exposures:?}");
    let (_, stale) = get_json(&app, "/api/v1/nodes/source.platform.acme_raw.legacy_crm_accounts").await;
    assert_eq!(stale["freshness"]["status"], "error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn project_groups_versions_and_governance_views() {
    let (_serial, app) = app().await;
    let (status, platform) = get_json(&app, "/api/v1/projects/platform").await;
    assert_eq!(status, 200);
    assert_eq!(platform["public_models"].as_array().unwrap().len(), 6);
    let downstream: Vec<&str> =
        platform["downstream"].as_array().unwrap().iter().map(|p| p["project"].as_str().unwrap()).collect();
    assert!(downstream.contains(&"finance") && downstream.contains(&"marketing"), "{downstream:?}");
    let (status, _) = get_json(&app, "/api/v1/projects/nope").await;
    assert_eq!(status, 404);

    let (_, groups) = get_json(&app, "/api/v1/groups").await;
    let core = groups["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["project"] == "platform" && g["name"] == "platform_core")
        .unwrap();
    assert_eq!(core["owner_emails"], serde_json::json!(["platform@acme.io", "data-oncall@acme.io"]));
    assert!(core["members"].as_array().unwrap().iter().any(|m| m["unique_id"] == "model.platform.stg_customers"));

    let (_, versions) = get_json(&app, "/api/v1/versions").await;
    let dim = versions["models"].as_array().unwrap().iter().find(|m| m["name"] == "dim_customers").unwrap();
    let states: Vec<&str> = dim["versions"].as_array().unwrap().iter().map(|v| v["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["deprecated", "latest", "prerelease"]);
    let v1 = &dim["versions"][0];
    assert_eq!(v1["pinned_by"][0]["unique_id"], "model.marketing.mkt_customers_legacy");
    let v2 = &dim["versions"][1];
    assert!(v2["following_latest"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["unique_id"] == "model.marketing.mkt_customers"));
    assert_eq!(versions["deprecations"][0]["unique_id"], "model.platform.dim_customers.v1");
    assert_eq!(versions["deprecations"][0]["past"], true);

    let (_, governance) = get_json(&app, "/api/v1/governance").await;
    let kinds: Vec<&str> =
        governance["findings"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect();
    for kind in [
        "private_ref",
        "protected_ref",
        "deprecated_ref",
        "unpinned_ref",
        "public_without_contract",
        "contract_type_mismatch",
    ] {
        assert!(kinds.contains(&kind), "{kind}");
    }
    let platform_cov = governance["coverage"].as_array().unwrap().iter().find(|c| c["project"] == "platform").unwrap();
    assert_eq!(platform_cov["public_models"], 6);
    assert_eq!(platform_cov["contracted_public_models"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lineage_views_are_laid_out_and_explain_bad_selectors() {
    let (_serial, app) = app().await;
    let (status, view) = get_json(&app, "/api/v1/lineage?select=%2Bfct_orders%2B1").await;
    assert_eq!(status, 200, "{view}");
    let ids: Vec<&str> = view["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert!(
        ids.contains(&"model.platform.fct_orders")
            && ids.contains(&"model.finance.fin_orders")
            && ids.contains(&"seed.platform.raw_orders"),
        "{ids:?}"
    );
    assert!(ids.iter().all(|id| !id.starts_with("test.")), "tests are left out unless asked for");
    let node = view["nodes"].as_array().unwrap().iter().find(|n| n["id"] == "model.platform.fct_orders").unwrap();
    assert_eq!(node["focus"], true);
    assert!(node["x"].is_number() && node["y"].is_number());
    for key in ["name", "project", "type", "access", "contract", "version_state"] {
        assert!(node.get(key).is_some(), "{key}");
    }
    let kinds: Vec<&str> = view["edges"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"cross_project") && kinds.contains(&"inferred") && kinds.contains(&"ref"), "{kinds:?}");

    let (_, with_tests) = get_json(&app, "/api/v1/lineage?select=fct_orders%2B1,resource_type:test").await;
    assert!(with_tests["nodes"].as_array().unwrap().iter().all(|n| n["type"] == "test"));
    assert!(with_tests["nodes"].as_array().unwrap().len() >= 4);

    let (_, raw) = get_json(&app, "/api/v1/lineage?select=project:platform&collapse=false").await;
    assert!(raw["nodes"][0]["x"].is_null(), "no layout for scripts");
    assert_eq!(raw["selected"], raw["nodes"].as_array().unwrap().len());

    let (_, excluded) = get_json(&app, "/api/v1/lineage?select=project:platform&exclude=resource_type:seed").await;
    assert!(excluded["nodes"].as_array().unwrap().iter().all(|n| n["type"] != "seed"));

    let (status, bad) = get_json(&app, "/api/v1/lineage?select=tag:").await;
    assert_eq!(status, 400);
    assert!(bad["error"]["message"].as_str().unwrap().contains("`tag:` needs a value"), "{bad}");
    let (status, _) = get_json(&app, "/api/v1/lineage").await;
    assert_eq!(status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mesh_counts_refs_between_projects() {
    let (_serial, app) = app().await;
    let (status, mesh) = get_json(&app, "/api/v1/mesh").await;
    assert_eq!(status, 200);
    let names: Vec<&str> = mesh["projects"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["exec_reporting", "finance", "marketing", "platform"]);
    let edge = mesh["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["source"] == "platform" && e["target"] == "marketing")
        .unwrap();
    assert_eq!(edge["refs"], 3);
    assert_eq!(edge["inferred"], 1);
    assert_eq!(
        edge["models"],
        serde_json::json!(["dim_customers.v1", "dim_customers.v2", "fct_orders", "stg_customers"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_carry_security_headers_and_pages_a_nonce_policy() {
    let (_serial, app) = app().await;
    let response = app
        .clone()
        .oneshot(Request::get("/nodes/model.platform.fct_orders").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let headers = response.headers().clone();
    let html = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    let policy = headers["content-security-policy"].to_str().unwrap().to_string();
    let nonce = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the policy's nonce");
    assert!(policy.contains("frame-ancestors 'none'") && policy.contains("object-src 'none'"), "{policy}");
    assert!(policy.contains(&format!("script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'")), "{policy}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "no-referrer");

    let response = app.clone().oneshot(Request::get("/api/v1/projects").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.headers()["content-security-policy"], "default-src 'none'; frame-ancestors 'none'");

    let big = vec![b'x'; 2 * 1024 * 1024];
    let response = app
        .clone()
        .oneshot(
            Request::post("/_sfn/search_nodes")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("content-length", big.len())
                .body(Body::from(big))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 413, "bodies over 1 MB are refused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_files_are_served_precompressed_and_revalidated() {
    let (_serial, app) = app().await;
    let get_css = |encoding: &'static str| {
        let app = app.clone();
        async move {
            app.oneshot(
                Request::get("/pkg/meshlens.css").header("accept-encoding", encoding).body(Body::empty()).unwrap(),
            )
            .await
            .unwrap()
        }
    };
    // The background compression finishes within moments of start.
    let mut compressed = None;
    for _ in 0..100 {
        let response = get_css("gzip, br").await;
        if response.headers().get("content-encoding").is_some_and(|e| e == "br") {
            compressed = Some(response);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let response = compressed.expect("a brotli copy is served");
    let etag = response.headers()["etag"].clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let mut plain = Vec::new();
    brotli::BrotliDecompress(&mut &body[..], &mut plain).unwrap();
    assert!(String::from_utf8(plain).unwrap().contains("prefers-color-scheme"));
    let response = app
        .clone()
        .oneshot(Request::get("/pkg/meshlens.css").header("if-none-match", etag).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 304);
}

async fn post(app: &Router, uri: &str, content_type: &str, body: Vec<u8>) -> axum::response::Response {
    let request = Request::post(uri)
        .header("content-type", content_type)
        .header("content-length", body.len())
        .body(Body::from(body))
        .unwrap();
    app.clone().oneshot(request).await.unwrap()
}

fn diff_case(case: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/demo-mesh/diffs")
        .join(case)
        .join("manifest.json");
    std::fs::read(path).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_posted_manifest_is_diffed_against_the_served_index() {
    let (_serial, app) = app().await;
    let response = post(&app, "/api/v1/diff", "application/json", diff_case("version_removed")).await;
    assert_eq!(response.status(), 200);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/review/"), "{location}");
    let report: Value = serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(report["breaking"], 1);
    assert_eq!(report["projects"], serde_json::json!(["platform"]));
    assert_eq!(report["changes"][0]["kind"], "version_removed");
    assert_eq!(report["changes"][0]["downstream"][0]["unique_id"], "model.marketing.mkt_customers_legacy");

    // The review page of that diff, server-rendered.
    let (status, page) = get(&app, &location).await;
    assert_eq!(status, 200);
    assert!(page.contains("1 breaking change in platform"), "{page}");
    assert!(page.contains("mkt_customers_legacy"));

    // The same manifest as a multipart upload, as the review page's form sends it.
    let boundary = "meshlens-test-boundary";
    let mut form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"manifest\"; filename=\"manifest.json\"\r\nContent-Type: application/json\r\n\r\n"
    )
    .into_bytes();
    form.extend(diff_case("non_breaking"));
    form.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let response = post(&app, "/review", &format!("multipart/form-data; boundary={boundary}"), form).await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let (status, page) = get(&app, &location).await;
    assert_eq!(status, 200);
    assert!(page.contains("No breaking changes in platform"), "{page}");

    // Not a manifest: a 400 that names what is missing; a form gets the reason back.
    let response = post(&app, "/api/v1/diff", "application/json", b"{\"nodes\": {}}".to_vec()).await;
    assert_eq!(response.status(), 400);
    let error: Value = serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(error["error"]["code"], "bad_request");
    assert!(error["error"]["message"].as_str().unwrap().contains("missing field `metadata`"), "{error}");
    let response = post(&app, "/api/v1/diff", "application/json", Vec::new()).await;
    assert_eq!(response.status(), 400);

    // Manifests are bigger than the 1 MB other requests may be.
    let mut big = diff_case("unchanged");
    big.extend(std::iter::repeat_n(b' ', 3 * 1024 * 1024));
    let response = post(&app, "/api/v1/diff", "application/json", big).await;
    assert_eq!(response.status(), 200);
    let response =
        post(&app, "/_sfn/search_nodes", "application/x-www-form-urlencoded", vec![b' '; 2 * 1024 * 1024]).await;
    assert_eq!(response.status(), 413, "other routes keep the 1 MB limit");

    let (status, _) = get(&app, "/review/0000").await;
    assert_eq!(status, 404);
}
