//! `/api/v1/lineage` with group nodes, through the router `meshlens serve` runs. The demo
//! mesh is small, so the engine here draws at most 8 nodes before it groups: the same
//! code path a 7,000-model mesh takes at the default budget of 200.

#[path = "support/common.rs"]
mod common;

use std::sync::Arc;

use axum::{body::Body, http::Request, Router};
use http_body_util::BodyExt;
use serde_json::Value;
use server::{engine::Engine, http as web, limits::Limits};
use tower::ServiceExt;

const BUDGET: usize = 8;

async fn get_json(app: &Router, uri: &str) -> (u16, Value) {
    let response = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{uri}: {e}")))
}

fn small_budget_app() -> (tempfile::TempDir, Router) {
    let (tmp, data) = common::indexed_demo();
    let limits = Limits { view_nodes: BUDGET, ..Limits::DEFAULT };
    let engine = Arc::new(Engine::open(data, false, None).unwrap().with_limits(limits));
    (tmp, web::app(engine))
}

fn nodes(view: &Value) -> &Vec<Value> {
    view["nodes"].as_array().unwrap()
}

fn groups(view: &Value) -> Vec<&Value> {
    nodes(view).iter().filter(|n| n["type"] == "group").collect()
}

/// `selected` = the drawn nodes + the nodes inside groups + what the hard cap cut.
fn assert_accounted_for(view: &Value) {
    let plain = nodes(view).iter().filter(|n| n["type"] != "group").count() as u64;
    let grouped: u64 = groups(view).iter().map(|g| g["count"].as_u64().unwrap()).sum();
    assert_eq!(view["grouped"].as_u64().unwrap(), grouped, "grouped");
    assert_eq!(plain + grouped + view["cut"].as_u64().unwrap(), view["selected"].as_u64().unwrap(), "{view}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_groups_what_does_not_fit_and_every_node_is_accounted_for() {
    let (_tmp, app) = small_budget_app();
    let (status, view) = get_json(&app, "/api/v1/lineage?select=%2Bfct_orders%2B").await;
    assert_eq!(status, 200, "{view}");
    // Every field that existed before groups is still there.
    for key in
        ["select", "exclude", "nodes", "edges", "selected", "collapsed", "cut", "cut_reason", "grouping", "grouped"]
    {
        assert!(view.get(key).is_some(), "{key}");
    }
    assert_eq!(view["grouping"], "auto");
    assert_eq!(view["cut"], 0);
    assert!(view["selected"].as_u64().unwrap() > BUDGET as u64);
    assert!(nodes(&view).len() <= BUDGET, "{} drawn", nodes(&view).len());
    assert_accounted_for(&view);
    let focus = nodes(&view).iter().find(|n| n["focus"] == true).unwrap();
    assert_eq!(focus["id"], "model.platform.fct_orders", "the focus is never grouped");
    let group = groups(&view)[0];
    for key in ["id", "count", "group_kind", "label", "breakdown", "x", "y"] {
        assert!(!group[key].is_null(), "group {key}: {group}");
    }
    let breakdown: u64 = group["breakdown"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(breakdown, group["count"].as_u64().unwrap(), "the breakdown by type adds up");
    assert!(group["label"].as_str().unwrap().contains(&group["count"].to_string()), "{group}");
    // Edges to and from groups are bundles, with their count.
    let drawn: Vec<&str> = nodes(&view).iter().map(|n| n["id"].as_str().unwrap()).collect();
    for edge in view["edges"].as_array().unwrap() {
        assert!(
            drawn.contains(&edge["source"].as_str().unwrap()) && drawn.contains(&edge["target"].as_str().unwrap()),
            "{edge}"
        );
        assert!(edge["count"].as_u64().unwrap_or(1) >= 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_chooses_the_grouping_and_a_bad_value_names_the_allowed_ones() {
    let (_tmp, app) = small_budget_app();
    for kind in ["project", "folder", "source", "schema", "type"] {
        let (status, view) = get_json(&app, &format!("/api/v1/lineage?select=%2Bfct_orders%2B&group={kind}")).await;
        assert_eq!(status, 200, "{kind}: {view}");
        assert_eq!(view["grouping"], kind);
        assert_accounted_for(&view);
        let kinds: Vec<&str> = groups(&view).iter().map(|g| g["group_kind"].as_str().unwrap()).collect();
        assert!(kinds.iter().all(|k| [kind, "children", "parents"].contains(k)), "{kind}: {kinds:?}");
    }
    let (_, by_type) = get_json(&app, "/api/v1/lineage?select=%2Bfct_orders%2B&group=type").await;
    assert!(!groups(&by_type).is_empty(), "group=type groups even what would fit");

    let (_, none) = get_json(&app, "/api/v1/lineage?select=%2Bfct_orders%2B&group=none").await;
    assert!(groups(&none).is_empty());
    assert_eq!(nodes(&none).len() as u64, none["selected"].as_u64().unwrap(), "group=none draws every node");

    let (status, bad) = get_json(&app, "/api/v1/lineage?select=fct_orders&group=colour").await;
    assert_eq!(status, 400);
    assert_eq!(bad["error"]["parameter"], "group");
    assert_eq!(
        bad["error"]["message"],
        "group: must be one of auto, project, folder, source, schema, type, none, not \"colour\""
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expand_opens_a_group_in_place_and_collapse_false_stays_whole() {
    let (_tmp, app) = small_budget_app();
    let (_, view) = get_json(&app, "/api/v1/lineage?select=%2Bfct_orders%2B&group=type").await;
    let group = groups(&view).into_iter().max_by_key(|g| g["count"].as_u64()).unwrap().clone();
    let id = group["id"].as_str().unwrap();
    let (status, opened) =
        get_json(&app, &format!("/api/v1/lineage?select=%2Bfct_orders%2B&group=type&expand={}", urlencode(id))).await;
    assert_eq!(status, 200, "{opened}");
    assert!(nodes(&opened).iter().all(|n| n["id"] != id), "the opened group is drawn node by node");
    let kind = group["breakdown"].as_object().unwrap().keys().next().unwrap().clone();
    let members = nodes(&opened).iter().filter(|n| n["type"] == kind.as_str() && n["focus"] != true).count() as u64;
    assert_eq!(members, group["count"].as_u64().unwrap());
    assert_accounted_for(&opened);

    let (_, raw) = get_json(&app, "/api/v1/lineage?select=%2Bfct_orders%2B&collapse=false").await;
    assert!(groups(&raw).is_empty(), "scripts get the whole selection");
    assert_eq!(nodes(&raw).len() as u64, raw["selected"].as_u64().unwrap());
    assert!(nodes(&raw)[0]["x"].is_null(), "and no layout");
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
