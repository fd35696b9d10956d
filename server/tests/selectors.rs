//! Selector results equal dbt's own `dbt ls --select` on the demo mesh
//! (tests/demo-mesh/selectors/expected.json, recorded from real dbt by record.sh).
//!
//! dbt runs per project, so the recorded answer is the union of what each project
//! lists of its own nodes. A walk upstream out of a downstream project only sees the
//! copies dbt-loom injected (and no upstream tests or sources), and a walk from a
//! node dbt-loom does not inject (a source) stops at its own project: for selectors
//! that walk the graph the recording is a lower bound, and meshlens must return all
//! of it. Selectors that do not walk must match exactly.

#[path = "support/common.rs"]
mod common;

use std::collections::BTreeSet;

use serde_json::Value;
use server::graph::selector;

fn walks(select: &str) -> bool {
    select.contains(['+', '@'])
}

#[test]
fn selectors_match_dbt_ls() {
    let fixture: Value =
        serde_json::from_slice(&std::fs::read(common::demo_artifacts().join("../selectors/expected.json")).unwrap())
            .unwrap();
    let (_tmp, engine) = common::engine();
    let generation = engine.generation().unwrap();
    // dbt knows nothing of edges inferred from `source()` relations: compare without them.
    let graph = server::graph::MeshGraph::new(
        generation.graph.graph.node_weights().cloned().collect(),
        generation
            .graph
            .graph
            .edge_indices()
            .map(|e| {
                let (p, c) = generation.graph.graph.edge_endpoints(e).unwrap();
                (
                    generation.graph.graph[p].unique_id.clone(),
                    generation.graph.graph[c].unique_id.clone(),
                    generation.graph.graph[e],
                )
            })
            .collect(),
    );
    let mut graph = graph;
    graph.follow_inferred = false;
    let (mut checked, mut failures) = (0, Vec::new());
    for entry in fixture.as_array().unwrap() {
        let select = entry["select"].as_str().unwrap();
        let exclude = entry["exclude"].as_str();
        // dbt refused these (meshlens's `project:` is its own addition) or they name
        // dbt's per-project `this`, which has no meaning across a mesh.
        if !entry["error"].is_null() || select.contains("this") {
            continue;
        }
        let parsed = match selector::parse(select) {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{select}: {e}"));
                continue;
            }
        };
        let excluded = exclude.map(|e| selector::parse(e).unwrap());
        let got: BTreeSet<String> =
            graph.ids(&graph.select_with_tests(&parsed, excluded.as_ref())).into_iter().collect();
        let want: BTreeSet<String> =
            entry["expected"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        checked += 1;
        let missing: Vec<&String> = want.difference(&got).collect();
        let extra: Vec<&String> = got.difference(&want).collect();
        if !missing.is_empty() || (!walks(select) && !extra.is_empty()) {
            failures.push(format!("{select} --exclude {exclude:?}: missing {missing:?}, extra {extra:?}"));
        }
    }
    assert!(checked >= 30, "only {checked} selectors checked");
    assert!(
        failures.is_empty(),
        "{} of {checked} selectors differ from dbt ls:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
