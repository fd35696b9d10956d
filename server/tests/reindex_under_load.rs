//! Re-indexing while the server answers: every request succeeds and the server
//! moves to each newly published generation.

#[path = "support/common.rs"]
mod common;

use std::{
    fs,
    io::Write,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
};

use axum::{body::Body, http::Request};
use server::{engine::Engine, ingest::index_paths, store::DataDir};
use tower::ServiceExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindexing_under_load_loses_no_request() {
    let tmp = tempfile::tempdir().unwrap();
    let paths: Vec<_> = ["platform", "finance"].iter().map(|p| common::copy_project(p, tmp.path())).collect();
    let data = DataDir::new(tmp.path().join("data"));
    index_paths(&data, &paths, |_| {}).unwrap();
    let engine = Arc::new(Engine::open(data.clone(), false, None).unwrap());
    let app = server::http::app(engine.clone());

    let done = Arc::new(AtomicBool::new(false));
    let writer = {
        let (done, engine, finance) = (done.clone(), engine.clone(), paths[1].clone());
        std::thread::spawn(move || {
            let mut generations = vec![data.current_name().unwrap()];
            for _ in 0..5 {
                // A changed byte is a changed checksum: the project is indexed again.
                fs::OpenOptions::new()
                    .append(true)
                    .open(finance.join("manifest.json"))
                    .unwrap()
                    .write_all(b"\n")
                    .unwrap();
                let report = index_paths(&data, std::slice::from_ref(&finance), |_| {}).unwrap();
                assert_eq!(report.indexed, ["finance"]);
                assert!(engine.refresh().unwrap(), "the server swaps to the new generation");
                generations.push(data.current_name().unwrap());
            }
            done.store(true, Ordering::SeqCst);
            generations
        })
    };

    let uris = [
        "/api/v1/projects",
        "/api/v1/nodes/model.platform.fct_orders",
        "/nodes/model.finance.fin_orders",
        "/api/v1/search?q=orders",
        "/",
    ];
    let (mut requests, mut failures) = (0, Vec::new());
    while !done.load(Ordering::SeqCst) {
        for uri in uris {
            let response = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
            requests += 1;
            if response.status() != 200 {
                failures.push(format!("{uri}: {}", response.status()));
            }
        }
    }
    let generations = writer.join().unwrap();
    assert_eq!(generations.len(), 6);
    assert!(requests >= uris.len(), "requests: {requests}");
    assert!(failures.is_empty(), "{} of {requests} requests failed: {failures:?}", failures.len());
    assert_eq!(engine.generation().unwrap().name, *generations.last().unwrap());
}
