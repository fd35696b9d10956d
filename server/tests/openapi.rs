//! `GET /api/v1/openapi.json`: a valid OpenAPI 3.1 document that lists every JSON route
//! the router serves, and that real answers, errors included, validate against.

#[path = "support/common.rs"]
mod common;

use std::collections::BTreeSet;

use axum::{body::Body, http::Request, Router};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

/// One real request: the route it is (as the document writes it), and the status it gets.
struct Call {
    method: &'static str,
    route: &'static str,
    uri: String,
    content_type: &'static str,
    body: Vec<u8>,
    status: u16,
}

fn get(route: &'static str, uri: impl Into<String>, status: u16) -> Call {
    Call { method: "get", route, uri: uri.into(), content_type: "", body: Vec::new(), status }
}

fn post(route: &'static str, content_type: &'static str, body: Vec<u8>, status: u16) -> Call {
    Call { method: "post", route, uri: route.to_string(), content_type, body, status }
}

async fn send(app: &Router, call: &Call) -> (u16, Value) {
    let mut request = Request::builder().method(call.method.to_uppercase().as_str()).uri(&call.uri);
    if !call.content_type.is_empty() {
        request = request.header("content-type", call.content_type);
    }
    let response = app.clone().oneshot(request.body(Body::from(call.body.clone())).unwrap()).await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{} {}: not JSON: {e}: {}", call.method, call.uri, String::from_utf8_lossy(&bytes)));
    (status, body)
}

/// The schema the document gives for this route, method and status, as a JSON Schema
/// whose `$ref`s resolve within the document's components.
fn response_schema(document: &Value, route: &str, method: &str, status: u16) -> Value {
    let operation = &document["paths"][route][method];
    assert!(operation.is_object(), "the document has no {method} {route}");
    let response = &operation["responses"][status.to_string()];
    assert!(response.is_object(), "{method} {route} does not document status {status}");
    let schema = response["content"]["application/json"]["schema"].clone();
    assert!(schema.is_object(), "{method} {route} {status} has no JSON schema");
    let mut root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": document["components"].clone(),
    });
    root.as_object_mut().unwrap().extend(schema.as_object().unwrap().clone());
    root
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_covers_every_route_and_real_answers_validate_against_it() {
    let (_serial, app) = common::shared_app().await;
    let (status, document) = send(&app, &get("/api/v1/openapi.json", "/api/v1/openapi.json", 200)).await;
    assert_eq!(status, 200);
    assert_eq!(document["openapi"], "3.1.0");
    let parsed = oas3::from_json(document.to_string()).expect("an OpenAPI 3.1 document");
    assert_eq!(parsed.info.title, "meshlens");

    let (_, owners) = send(&app, &get("/api/v1/owners", "/api/v1/owners", 200)).await;
    let owner = owners["owners"][0]["key"].as_str().unwrap().to_string();
    let head = std::fs::read(common::demo_artifacts().join("../diffs/column_removed/manifest.json")).unwrap();

    let calls = [
        get("/healthz", "/healthz", 200),
        get("/api/v1/openapi.json", "/api/v1/openapi.json", 200),
        get("/api/v1/projects", "/api/v1/projects", 200),
        get("/api/v1/projects/{name}", "/api/v1/projects/finance", 200),
        get("/api/v1/projects/{name}", "/api/v1/projects/nope", 404),
        get("/api/v1/nodes/{unique_id}", "/api/v1/nodes/model.platform.fct_orders", 200),
        get("/api/v1/nodes/{unique_id}", "/api/v1/nodes/model.platform.nope", 404),
        get(
            "/api/v1/columns/{unique_id}/{column}/lineage",
            "/api/v1/columns/model.platform.fct_orders/amount_usd/lineage",
            200,
        ),
        get(
            "/api/v1/columns/{unique_id}/{column}/lineage",
            "/api/v1/columns/model.platform.fct_orders/amount_usd/lineage?direction=down&depth=2",
            200,
        ),
        get(
            "/api/v1/columns/{unique_id}/{column}/lineage",
            "/api/v1/columns/model.platform.fct_orders/nope/lineage",
            404,
        ),
        get("/api/v1/columns/{unique_id}/{column}/lineage", "/api/v1/columns/model.platform.nope/id/lineage", 404),
        get(
            "/api/v1/columns/{unique_id}/{column}/lineage",
            "/api/v1/columns/model.platform.fct_orders/amount_usd/lineage?depth=0",
            400,
        ),
        get(
            "/api/v1/columns/{unique_id}/{column}/lineage",
            "/api/v1/columns/model.platform.fct_orders/amount_usd/lineage?direction=sideways",
            400,
        ),
        get("/api/v1/search", "/api/v1/search?q=orders&limit=5", 200),
        get("/api/v1/search", "/api/v1/search?q=orders&limit=0", 400),
        get("/api/v1/search", "/api/v1/search?q=orders&offset=99999999999", 400),
        get("/api/v1/lineage", "/api/v1/lineage?select=%2Bfct_orders%2B", 200),
        get("/api/v1/lineage", "/api/v1/lineage?select=%2Bfct_orders&collapse=false", 200),
        get("/api/v1/lineage", "/api/v1/lineage?select=%2B", 400),
        get("/api/v1/mesh", "/api/v1/mesh", 200),
        get("/api/v1/groups", "/api/v1/groups", 200),
        get("/api/v1/versions", "/api/v1/versions", 200),
        get("/api/v1/governance", "/api/v1/governance", 200),
        get("/api/v1/owners", "/api/v1/owners", 200),
        get("/api/v1/owners/{key}", format!("/api/v1/owners/{}", app::links::encode(&owner)), 200),
        get("/api/v1/owners/{key}", "/api/v1/owners/nobody", 404),
        post("/api/v1/diff", "application/json", head, 200),
        post("/api/v1/diff", "application/json", b"{\"nodes\": 3}".to_vec(), 400),
        post("/api/v1/diff", "text/plain", b"hello".to_vec(), 415),
        post("/api/v1/projects", "", Vec::new(), 405),
    ];

    for call in &calls {
        let (status, body) = send(&app, call).await;
        assert_eq!(status, call.status, "{} {}: {body}", call.method, call.uri);
        // The method-not-allowed answer is documented on the route's own methods.
        let method = if status == 405 { "get" } else { call.method };
        let schema = response_schema(&document, call.route, method, status);
        let validator = jsonschema::validator_for(&schema)
            .unwrap_or_else(|e| panic!("{method} {} {status}: the schema is not valid JSON Schema: {e}", call.route));
        let errors: Vec<String> =
            validator.iter_errors(&body).map(|e| format!("{} at {}", e, e.instance_path)).collect();
        assert!(errors.is_empty(), "{} {} ({status}) does not match its schema: {errors:?}", call.method, call.uri);
    }

    // The validation is live: a wrong answer fails it.
    let projects = response_schema(&document, "/api/v1/projects", "get", 200);
    assert!(!jsonschema::is_valid(&projects, &json!({ "projects": [{ "name": 1 }] })));
    assert!(!jsonschema::is_valid(&response_schema(&document, "/api/v1/search", "get", 400), &json!({ "error": {} })));

    // Both ways: every documented route was called above, and every route called is
    // documented.
    let documented: BTreeSet<(String, String)> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |m| (m.clone(), path.clone())))
        .collect();
    let called: BTreeSet<(String, String)> =
        calls.iter().filter(|c| c.status != 405).map(|c| (c.method.to_string(), c.route.to_string())).collect();
    assert_eq!(documented, called);

    // A route the document does not list is not served.
    let (status, body) = send(&app, &get("/api/v1/nope", "/api/v1/nope", 404)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("route_not_found")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_lists_every_error_code_with_its_status() {
    let (_serial, app) = common::shared_app().await;
    let (_, document) = send(&app, &get("/api/v1/openapi.json", "/api/v1/openapi.json", 200)).await;
    let codes: BTreeSet<&str> = document["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .expect("ErrorCode is an enum of strings")
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let table: BTreeSet<&str> = app::error::ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(codes, table);
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let statuses: Vec<&String> = operation["responses"].as_object().unwrap().keys().collect();
            for status in ["200", "405", "408", "414", "500", "503"] {
                assert!(statuses.iter().any(|s| *s == status), "{method} {path} documents {status}: {statuses:?}");
            }
            assert!(operation["summary"].as_str().is_some_and(|s| s.len() > 20), "{method} {path} says what it does");
        }
    }
}

/// The router takes its JSON routes from the document's annotations (utoipa-axum), so
/// none is added beside them by hand.
#[test]
fn no_json_route_is_added_outside_the_documented_router() {
    let http = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let mut files = vec![http.with_extension("rs")];
    files.extend(std::fs::read_dir(&http).unwrap().map(|e| e.unwrap().path()));
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text.lines().filter(|l| l.contains(".route(\"/api") || l.contains(".route(\"/healthz")) {
            assert!(line.contains("/api/{*rest}"), "{}: a JSON route outside openapi.rs: {line}", file.display());
        }
    }
}
