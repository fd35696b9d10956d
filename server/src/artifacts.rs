//! dbt artifacts: typed, tolerant parsing of manifest.json, catalog.json,
//! run_results.json and sources.json, with errors that name the file and the field.

pub mod catalog;
mod lenient;
pub mod manifest;
pub mod run_results;
pub mod sources;

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

/// Why an artifact could not be read. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum ArtifactError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: at `{field}` (line {line}, column {column}): {message}")]
    Json { file: PathBuf, field: String, line: usize, column: usize, message: String },
    #[error("{file}: `metadata.dbt_schema_version` is {found:?}; meshlens reads {expected}")]
    UnsupportedVersion { file: PathBuf, found: String, expected: &'static str },
}

/// Parses one JSON artifact into `T`, reporting the JSON path of the first error.
pub fn parse_json<T: DeserializeOwned>(file: &Path, bytes: &[u8]) -> Result<T, ArtifactError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let json_error = |field: String, inner: serde_json::Error| ArtifactError::Json {
        file: file.to_path_buf(),
        field: if field == "." || field.is_empty() { "(document)".to_string() } else { field },
        line: inner.line(),
        column: inner.column(),
        message: strip_position(&inner.to_string()),
    };
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let field = err.path().to_string();
        json_error(field, err.into_inner())
    })?;
    // Trailing bytes after the document mean the file is not one JSON value.
    deserializer.end().map_err(|e| json_error(String::new(), e))?;
    Ok(value)
}

/// serde_json appends " at line L column C"; the error prints those itself.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// Reads a file, naming it in the error.
pub fn read_file(file: &Path) -> Result<Vec<u8>, ArtifactError> {
    std::fs::read(file).map_err(|source| ArtifactError::Io { file: file.to_path_buf(), source })
}

/// The number at the end of a dbt schema URL: `https://schemas.getdbt.com/dbt/manifest/v12.json` is 12.
pub fn schema_version_number(url: &str) -> Option<u32> {
    let tail = url.rsplit('/').next()?;
    let digits = tail.strip_prefix('v')?.strip_suffix(".json")?;
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_versions_are_read_from_urls() {
        assert_eq!(schema_version_number("https://schemas.getdbt.com/dbt/manifest/v12.json"), Some(12));
        assert_eq!(schema_version_number("https://schemas.getdbt.com/dbt/catalog/v1.json"), Some(1));
        assert_eq!(schema_version_number("v12"), None);
        assert_eq!(schema_version_number(""), None);
    }

    #[test]
    fn json_errors_name_file_field_and_line() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Doc {
            metadata: Meta,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Meta {
            dbt_version: String,
        }
        let err = parse_json::<Doc>(Path::new("x/manifest.json"), b"{\n\"metadata\": {\"dbt_version\": 5}}")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("x/manifest.json: at `metadata.dbt_version` (line 2"), "{err}");
        assert!(err.contains("invalid type: integer `5`"), "{err}");
    }

    #[test]
    fn truncated_json_is_reported_with_its_position() {
        let err = parse_json::<serde_json::Value>(Path::new("m.json"), b"{\"nodes\": {").unwrap_err().to_string();
        assert!(err.contains("m.json"), "{err}");
        assert!(err.contains("EOF"), "{err}");
    }
}
