//! Shared by the integration tests: the demo mesh's real artifacts and helpers.
#![allow(dead_code)]

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use server::{engine::Engine, ingest::index_paths, store::DataDir};

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

/// Indexes each mesh of `dir/expected-counts.json` (written by
/// `tests/demo-mesh/expected_counts.py --json`) from `dir/artifacts` and asserts meshlens'
/// counts equal the independent script's; returns how many projects were compared.
pub fn assert_counts_match_the_independent_count(dir: &Path) -> usize {
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected-counts.json")).unwrap()).unwrap();
    let mut checked = 0;
    for mesh in expected.as_array().unwrap() {
        let folders: Vec<PathBuf> =
            mesh["folders"].as_array().unwrap().iter().map(|f| dir.join(f.as_str().unwrap())).collect();
        let tmp = tempfile::tempdir().unwrap();
        let data = DataDir::new(tmp.path().join("data"));
        let report = index_paths(&data, &folders, |_| {}).unwrap();
        assert!(report.failed.is_empty(), "{:?}", report.failed);
        let engine = Engine::open(data, false, None).unwrap();
        let actual: std::collections::BTreeMap<String, app::dto::ProjectCounts> =
            app::catalog::Catalog::projects(&engine).unwrap().into_iter().map(|p| (p.name, p.counts)).collect();
        for (project, want) in mesh["counts"].as_object().unwrap() {
            let mut got = serde_json::to_value(&actual[project]).unwrap();
            got.as_object_mut().unwrap().remove("findings");
            assert_eq!(&got, want, "{folders:?}: {project}");
            checked += 1;
        }
    }
    checked
}
