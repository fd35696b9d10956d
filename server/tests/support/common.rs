//! Shared by the integration tests: the demo mesh's real artifacts and helpers.
#![allow(dead_code)]

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use server::{engine::Engine, indexer::index_paths, store::DataDir};

pub const PROJECTS: [&str; 4] = ["platform", "finance", "marketing", "exec_reporting"];

pub fn demo_artifacts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/demo-mesh/artifacts")
}

pub fn demo_paths() -> Vec<PathBuf> {
    PROJECTS.iter().map(|p| demo_artifacts().join(p)).collect()
}

/// Copies a demo project's artifacts into `dir`, so a test can change them.
pub fn copy_project(project: &str, dir: &Path) -> PathBuf {
    let to = dir.join(project);
    std::fs::create_dir_all(&to).unwrap();
    for entry in std::fs::read_dir(demo_artifacts().join(project)).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
    to
}

/// The demo mesh indexed into a temporary data folder.
pub fn indexed_demo() -> (tempfile::TempDir, DataDir) {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let report = index_paths(&data, &demo_paths(), |_| {}).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    (tmp, data)
}

pub fn engine() -> (tempfile::TempDir, Arc<Engine>) {
    let (tmp, data) = indexed_demo();
    (tmp, Arc::new(Engine::open(data, false, None).unwrap()))
}

/// One router over the indexed demo mesh for a whole test file, and one test at a time:
/// `meshlens serve` builds its router once, and Leptos rendering pages for several
/// routers at once in one process has hung under load.
static SHARED: std::sync::LazyLock<(tempfile::TempDir, axum::Router)> = std::sync::LazyLock::new(|| {
    let (tmp, engine) = engine();
    (tmp, server::http::app(engine))
});
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The file's shared router, held by this test until the guard drops.
pub async fn shared_app() -> (tokio::sync::MutexGuard<'static, ()>, axum::Router) {
    let serial = SERIAL.lock().await;
    (serial, SHARED.1.clone())
}
