//! run_results.json (v4 to v6): the latest status of each node that ran.

use std::path::Path;

use serde::Deserialize;

use super::{parse_versioned, ArtifactError};

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a run results object")]
pub struct RunResults {
    pub metadata: RunMetadata,
    pub results: Vec<RunResult>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a metadata object")]
pub struct RunMetadata {
    pub dbt_schema_version: String,
    pub generated_at: Option<String>,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default, expecting = "a result object")]
pub struct RunResult {
    pub unique_id: String,
    pub status: String,
    pub execution_time: Option<f64>,
    pub message: Option<String>,
    pub failures: Option<i64>,
}

pub fn parse(file: &Path, bytes: &[u8]) -> Result<RunResults, ArtifactError> {
    parse_versioned(file, bytes, "run-results", 4..=6, "run_results v4 to v6").map(|(_, results)| results)
}
