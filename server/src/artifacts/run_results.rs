//! run_results.json (v4 to v6): the latest status of each node that ran.

use std::path::Path;

use serde::Deserialize;

use super::{parse_json, schema_version_number, ArtifactError};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RunResults {
    pub metadata: RunMetadata,
    pub results: Vec<RunResult>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RunMetadata {
    pub dbt_schema_version: String,
    pub generated_at: Option<String>,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct RunResult {
    pub unique_id: String,
    pub status: String,
    pub execution_time: Option<f64>,
    pub message: Option<String>,
    pub failures: Option<i64>,
}

pub fn parse(file: &Path, bytes: &[u8]) -> Result<RunResults, ArtifactError> {
    let results: RunResults = parse_json(file, bytes)?;
    match schema_version_number(&results.metadata.dbt_schema_version) {
        Some(4..=6) => Ok(results),
        _ => Err(ArtifactError::UnsupportedVersion {
            file: file.to_path_buf(),
            found: results.metadata.dbt_schema_version,
            expected: "run_results v4 to v6",
        }),
    }
}
