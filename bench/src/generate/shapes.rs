//! The `shapes` project: graph shapes that freeze lineage tools, a node with 1,000
//! children and a chain 200 deep, written like any other generated project.

use super::plan::{ColumnPlan, GroupPlan, Layer, ModelPlan, Parent, ProjectPlan, SourcePlan};

pub const PROJECT: &str = "shapes";
pub const CHILDREN: usize = 1000;
pub const CHAIN: usize = 200;

pub(super) fn model(name: String, parents: Vec<Parent>, layer: Layer) -> ModelPlan {
    let key = ColumnPlan {
        name: "event_id".to_string(),
        data_type: "varchar",
        description: "Primary key of an event: one row per event.".to_string(),
    };
    let loaded = ColumnPlan {
        name: "loaded_at".to_string(),
        data_type: "timestamp",
        description: "When the loader wrote the row to the warehouse.".to_string(),
    };
    ModelPlan {
        description: format!("Generated `{name}` for the large lineage shapes."),
        name,
        version: None,
        latest_version: None,
        deprecation_date: None,
        layer,
        entity: 6,
        key: key.name.clone(),
        columns: vec![key, loaded],
        parents,
        access: "protected",
        group: Some(0),
        owner: Some("lineage.tests@acme.io".to_string()),
        tags: vec![layer.folder()],
        materialized: "view",
        contract: false,
    }
}

/// `hub` with `child_0000` to `child_0999`, and `chain_000` to `chain_199`, each
/// reading the one before.
pub fn plan(index: usize) -> ProjectPlan {
    let mut models = vec![model("hub".to_string(), vec![Parent::Source(0)], Layer::Staging)];
    for i in 0..CHILDREN {
        models.push(model(format!("child_{i:04}"), vec![Parent::Model(0)], Layer::Mart));
    }
    let chain_start = models.len();
    models.push(model("chain_000".to_string(), vec![Parent::Source(0)], Layer::Staging));
    for i in 1..CHAIN {
        models.push(model(format!("chain_{i:03}"), vec![Parent::Model(chain_start + i - 1)], Layer::Intermediate));
    }
    ProjectPlan {
        index,
        name: PROJECT.to_string(),
        groups: vec![GroupPlan {
            name: "shapes_lineage".to_string(),
            owner_name: "Lineage Tests".to_string(),
            owner_emails: vec!["lineage.tests@acme.io".to_string()],
            description: "Large graph shapes for the lineage view.".to_string(),
        }],
        sources: vec![SourcePlan {
            system: "kafka_events".to_string(),
            database: "raw",
            table: "events".to_string(),
            description: "Raw events.".to_string(),
            key: "event_id".to_string(),
            columns: models[0].columns.clone(),
        }],
        seeds: Vec::new(),
        models,
        snapshots: Vec::new(),
        tests: Vec::new(),
        exposures: Vec::new(),
        unit_tests: Vec::new(),
        upstreams: Vec::new(),
    }
}
