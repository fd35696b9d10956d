//! Unique ids and relation names of generated nodes, as dbt spells them.

use super::plan::{ModelPlan, SourcePlan};

pub const DATABASE: &str = "analytics";

pub fn model_id(project: &str, m: &ModelPlan) -> String {
    match m.version {
        Some(v) => format!("model.{project}.{}.v{v}", m.name),
        None => format!("model.{project}.{}", m.name),
    }
}

pub fn model_relation(project: &str, m: &ModelPlan) -> String {
    format!("\"{DATABASE}\".\"{project}\".\"{}\"", m.file_name())
}

pub fn source_id(project: &str, s: &SourcePlan) -> String {
    format!("source.{project}.{}.{}", s.system, s.table)
}

pub fn source_relation(s: &SourcePlan) -> String {
    format!("\"{}\".\"{}\".\"{}\"", s.database, s.system, s.table)
}

pub fn seed_id(project: &str, name: &str) -> String {
    format!("seed.{project}.{name}")
}

pub fn seed_relation(project: &str, name: &str) -> String {
    format!("\"{DATABASE}\".\"{project}_seeds\".\"{name}\"")
}

pub fn snapshot_id(project: &str, name: &str) -> String {
    format!("snapshot.{project}.{name}")
}

pub fn exposure_id(project: &str, name: &str) -> String {
    format!("exposure.{project}.{name}")
}

pub fn unit_test_id(project: &str, model: &str, name: &str) -> String {
    format!("unit_test.{project}.{model}.{name}")
}

/// A stable 10-digit hash dbt appends to test ids.
pub fn test_suffix(name: &str) -> String {
    let h = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("{h:016x}")[..10].to_string()
}
