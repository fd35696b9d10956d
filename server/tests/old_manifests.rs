//! Manifests v1 to v3 (dbt 0.19 to 0.21), from dbt-core's own state fixtures
//! (`tests/dbt-core-state`), read into the same model as v4 to v12.

#[path = "support/common.rs"]
mod common;

use std::path::Path;

use app::catalog::Catalog;
use server::{engine::Engine, ingest::index_paths, store::DataDir};

#[test]
fn manifests_v1_to_v3_index_with_their_nodes() {
    for (version, dbt) in [(1, "0.19.2"), (2, "0.20.2"), (3, "0.21.1")] {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../tests/dbt-core-state/v{version}"));
        let tmp = tempfile::tempdir().unwrap();
        let data = DataDir::new(tmp.path().join("data"));
        let report = index_paths(&data, &[folder], |_| {}).unwrap();
        assert!(report.failed.is_empty(), "v{version}: {:?}", report.failed);
        let engine = Engine::open(data, false, None).unwrap();
        let projects = engine.projects().unwrap();
        assert_eq!(projects.len(), 1);
        // These manifests do not name their project: the folder does.
        let project = &projects[0];
        assert_eq!(
            (project.name.as_str(), project.schema_version, project.dbt_version.as_str()),
            (&*format!("v{version}"), version, dbt)
        );
        assert_eq!(project.counts.models, 1, "v{version}");
        let node = engine.node("model.test.my_model").unwrap().expect("the model is indexed");
        assert_eq!(node.resource_type, "model");
        assert_eq!(node.package, "test");
        assert_eq!(node.raw_code.as_deref(), Some("select 1 as id"), "raw_sql reads as raw_code");
        assert_eq!(node.materialized.as_deref(), Some("view"));
    }
}
