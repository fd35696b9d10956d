//! sources.json (v1 to v3): source freshness.

use std::path::Path;

use serde::Deserialize;

use super::{parse_json, schema_version_number, ArtifactError};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SourceFreshness {
    pub metadata: FreshnessMetadata,
    pub results: Vec<FreshnessResult>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FreshnessMetadata {
    pub dbt_schema_version: String,
    pub generated_at: Option<String>,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct FreshnessResult {
    pub unique_id: String,
    /// pass, warn, error or runtime error.
    pub status: String,
    pub max_loaded_at: Option<String>,
    pub snapshotted_at: Option<String>,
    pub max_loaded_at_time_ago_in_s: Option<f64>,
}

pub fn parse(file: &Path, bytes: &[u8]) -> Result<SourceFreshness, ArtifactError> {
    let freshness: SourceFreshness = parse_json(file, bytes)?;
    match schema_version_number(&freshness.metadata.dbt_schema_version) {
        Some(1..=3) => Ok(freshness),
        _ => Err(ArtifactError::UnsupportedVersion {
            file: file.to_path_buf(),
            found: freshness.metadata.dbt_schema_version,
            expected: "sources v1 to v3",
        }),
    }
}
