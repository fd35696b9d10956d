//! sources.json (v1 to v3): source freshness.

use std::path::Path;

use serde::Deserialize;

use super::{parse_versioned, ArtifactError};

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a source freshness object")]
pub struct SourceFreshness {
    pub metadata: FreshnessMetadata,
    pub results: Vec<FreshnessResult>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a metadata object")]
pub struct FreshnessMetadata {
    pub dbt_schema_version: String,
    pub generated_at: Option<String>,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default, expecting = "a result object")]
pub struct FreshnessResult {
    pub unique_id: String,
    /// pass, warn, error or runtime error.
    pub status: String,
    pub max_loaded_at: Option<String>,
    pub snapshotted_at: Option<String>,
    pub max_loaded_at_time_ago_in_s: Option<f64>,
}

pub fn parse(file: &Path, bytes: &[u8]) -> Result<SourceFreshness, ArtifactError> {
    parse_versioned(file, bytes, "sources", 1..=3, "sources v1 to v3").map(|(_, freshness)| freshness)
}
