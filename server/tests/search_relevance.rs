//! The relevance table (tests/demo-mesh/search-relevance.json): queries users type on
//! the demo mesh and the hits they expect.

#[path = "support/common.rs"]
mod common;

use app::{catalog::Catalog, dto::SearchHit};
use serde_json::Value;

fn field<'a>(hit: &'a SearchHit, name: &str) -> Option<&'a str> {
    match name {
        "project" => Some(&hit.project),
        "resource_type" => Some(&hit.resource_type),
        "access" => hit.access.as_deref(),
        "owner" => hit.owner.as_deref(),
        "name" => Some(&hit.name),
        _ => None,
    }
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect()
}

#[test]
fn the_relevance_table_holds() {
    let table: Value =
        serde_json::from_slice(&std::fs::read(common::demo_artifacts().join("../search-relevance.json")).unwrap())
            .unwrap();
    let (_tmp, engine) = common::engine();
    let mut failures = Vec::new();
    let entries = table.as_array().unwrap();
    assert!(entries.len() >= 40, "the table has {} queries", entries.len());
    for entry in entries {
        let query = entry["query"].as_str().unwrap();
        let expect = &entry["expect"];
        let results = engine.search(query, 200, 0).unwrap();
        let hits: Vec<&str> = results.hits.iter().map(|h| h.unique_id.as_str()).collect();
        let mut fail = |what: String| failures.push(format!("{query:?}: {what}; got {:?}", &hits[..hits.len().min(6)]));
        if let Some(top) = expect.get("top").and_then(Value::as_str) {
            if hits.first() != Some(&top) {
                fail(format!("top should be {top}"));
            }
        }
        if let Some(any) = expect.get("top_any") {
            if !hits.first().is_some_and(|h| ids(any).contains(h)) {
                fail(format!("top should be one of {:?}", ids(any)));
            }
        }
        if let Some(contains) = expect.get("contains") {
            let within = expect.get("within").and_then(Value::as_u64).unwrap_or(200) as usize;
            let shown = &hits[..hits.len().min(within)];
            let missing: Vec<&str> = ids(contains).into_iter().filter(|id| !shown.contains(id)).collect();
            if !missing.is_empty() {
                fail(format!("missing from the first {within}: {missing:?}"));
            }
        }
        if let Some(all) = expect.get("all_match").and_then(Value::as_object) {
            for (name, want) in all {
                let off: Vec<&str> = results
                    .hits
                    .iter()
                    .filter(|h| field(h, name) != want.as_str())
                    .map(|h| h.unique_id.as_str())
                    .collect();
                if !off.is_empty() {
                    fail(format!("hits whose {name} is not {want}: {off:?}"));
                }
            }
        }
        if let Some(min) = expect.get("min_total").and_then(Value::as_u64) {
            if results.total < min {
                fail(format!("total {} < {min}", results.total));
            }
        }
        if let Some(total) = expect.get("total").and_then(Value::as_u64) {
            if results.total != total {
                fail(format!("total {} != {total}", results.total));
            }
        }
        if let Some(excludes) = expect.get("excludes") {
            let present: Vec<&str> = ids(excludes).into_iter().filter(|id| hits.contains(id)).collect();
            if !present.is_empty() {
                fail(format!("should not hit {present:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} queries failed:\n{}", failures.len(), entries.len(), failures.join("\n"));
}
