//! dbt artifacts: typed, tolerant parsing of manifest.json, catalog.json,
//! run_results.json and sources.json, with errors that name the file and the field.

pub mod catalog;
mod lenient;
pub mod manifest;
pub mod run_results;
pub mod sources;

use std::{
    ops::RangeInclusive,
    path::{Path, PathBuf},
};

use serde::{de::DeserializeOwned, Deserialize};
use serde_json::error::Category;

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
    #[error("{file}: the file is empty")]
    Empty { file: PathBuf },
}

/// A UTF-8 byte order mark, which some editors and Windows tools put before JSON.
const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Parses one JSON artifact (an object) into `T`, reporting the JSON path of the first error.
pub fn parse_json<T: DeserializeOwned>(file: &Path, bytes: &[u8]) -> Result<T, ArtifactError> {
    parse_json_classified(file, bytes).map_err(|(error, _)| error)
}

/// [`parse_json`], also saying whether a JSON error was one of syntax (or of a cut-short
/// file) rather than of data: a probe that skips most of a document names only the
/// section around a syntax mistake, where a full parse names the field.
fn parse_json_classified<T: DeserializeOwned>(file: &Path, bytes: &[u8]) -> Result<T, (ArtifactError, bool)> {
    let bytes = bytes.strip_prefix(BYTE_ORDER_MARK).unwrap_or(bytes);
    let Some(start) = bytes.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Err((ArtifactError::Empty { file: file.to_path_buf() }, false));
    };
    // serde reads a struct from an array too, by position; no dbt artifact is an array.
    if bytes[start] == b'[' {
        let line = bytes[..start].iter().filter(|&&b| b == b'\n').count() + 1;
        let column = start - bytes[..start].iter().rposition(|&b| b == b'\n').map_or(0, |newline| newline + 1) + 1;
        let message = "the document is a JSON array; a dbt artifact is a JSON object".to_string();
        return Err((
            ArtifactError::Json { file: file.to_path_buf(), field: DOCUMENT.to_string(), line, column, message },
            false,
        ));
    }
    // Well-formed artifacts, nearly all of them, are read at full speed; only one that
    // fails is read again, slower, to name the path of its first error.
    if let Ok(value) = serde_json::from_slice(bytes) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let json_error = |field: &str, inner: serde_json::Error| {
        let syntax = matches!(inner.classify(), Category::Syntax | Category::Eof);
        let error = ArtifactError::Json {
            file: file.to_path_buf(),
            field: readable_path(field),
            line: inner.line(),
            column: inner.column(),
            message: strip_position(&inner.to_string()),
        };
        (error, syntax)
    };
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let field = err.path().to_string();
        json_error(&field, err.into_inner())
    })?;
    // Trailing bytes after the document mean the file is not one JSON value.
    deserializer.end().map_err(|e| json_error("", e))?;
    Ok(value)
}

/// How errors name the whole document rather than a field in it.
const DOCUMENT: &str = "(document)";

/// serde_path_to_error's path, less the `?` it writes for a map key it could not read:
/// a mistake in a key of `nodes` is reported at `nodes`.
fn readable_path(path: &str) -> String {
    let mut path = path;
    while let Some(parent) = path.strip_suffix(".?") {
        path = parent;
    }
    match path {
        "" | "." | "?" => DOCUMENT.to_string(),
        field => field.to_string(),
    }
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

/// Parses an artifact after reading `metadata.dbt_schema_version` alone, refusing another
/// kind of artifact or a version outside `accepted` before anything else is read: an
/// unknown layout is never half-read (nor its first unexpected field reported in place of
/// its version), and a run_results.json copied over a manifest is not read as an empty
/// manifest v6. `kind` is the schema URL's folder: `manifest`, `catalog`, `run-results`,
/// `sources`.
pub fn parse_versioned<T: DeserializeOwned>(
    file: &Path,
    bytes: &[u8],
    kind: &str,
    accepted: RangeInclusive<u32>,
    expected: &'static str,
) -> Result<(u32, T), ArtifactError> {
    #[derive(Deserialize)]
    #[serde(expecting = "a dbt artifact: an object with `metadata`")]
    struct Probe {
        metadata: ProbeMetadata,
    }
    #[derive(Deserialize)]
    #[serde(expecting = "an object with `dbt_schema_version`")]
    struct ProbeMetadata {
        dbt_schema_version: String,
    }
    let url = match parse_json_classified::<Probe>(file, bytes) {
        Ok(probe) => probe.metadata.dbt_schema_version,
        // The full parse meets the same mistake and names the field it is in.
        Err((probe_error, true)) => return Err(parse_json::<T>(file, bytes).err().unwrap_or(probe_error)),
        Err((probe_error, false)) => return Err(probe_error),
    };
    let version = schema_version(&url)
        .filter(|(found_kind, version)| *found_kind == kind && accepted.contains(version))
        .map(|(_, version)| version)
        .ok_or_else(|| ArtifactError::UnsupportedVersion { file: file.to_path_buf(), found: url, expected })?;
    Ok((version, parse_json(file, bytes)?))
}

/// The artifact kind and version number of a dbt schema URL:
/// `https://schemas.getdbt.com/dbt/manifest/v12.json` is (`manifest`, 12).
pub fn schema_version(url: &str) -> Option<(&str, u32)> {
    let mut segments = url.rsplit('/');
    let digits = segments.next()?.strip_prefix('v')?.strip_suffix(".json")?;
    let kind = segments.next()?;
    Some((kind, digits.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_versions_are_read_from_urls() {
        assert_eq!(schema_version("https://schemas.getdbt.com/dbt/manifest/v12.json"), Some(("manifest", 12)));
        assert_eq!(schema_version("https://schemas.getdbt.com/dbt/run-results/v6.json"), Some(("run-results", 6)));
        assert_eq!(schema_version("v12.json"), None);
        assert_eq!(schema_version("v12"), None);
        assert_eq!(schema_version("https://schemas.getdbt.com/dbt/manifest/v99999999999.json"), None);
        assert_eq!(schema_version(""), None);
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
    fn empty_files_arrays_and_byte_order_marks() {
        for empty in [&b""[..], b"  \n\t", b"\xEF\xBB\xBF"] {
            let err = parse_json::<serde_json::Value>(Path::new("m.json"), empty).unwrap_err().to_string();
            assert_eq!(err, "m.json: the file is empty");
        }
        let err = parse_json::<serde_json::Value>(Path::new("m.json"), b"\n  [1]").unwrap_err().to_string();
        assert_eq!(
            err,
            "m.json: at `(document)` (line 2, column 3): the document is a JSON array; a dbt artifact is a JSON object"
        );
        let value: serde_json::Value = parse_json(Path::new("m.json"), b"\xEF\xBB\xBF{\"a\": 1}").unwrap();
        assert_eq!(value["a"], 1);
    }

    #[test]
    fn schema_versions_are_checked_before_the_layout() {
        let doc =
            br#"{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/v2.json"}, "nodes": 5}"#;
        let check =
            |doc: &[u8]| parse_versioned::<serde_json::Value>(Path::new("c.json"), doc, "catalog", 1..=1, "catalog v1");
        let err = check(doc).unwrap_err().to_string();
        assert_eq!(err, "c.json: `metadata.dbt_schema_version` is \"https://schemas.getdbt.com/dbt/catalog/v2.json\"; meshlens reads catalog v1");
        let err = check(b"{}").unwrap_err().to_string();
        assert!(err.contains("missing field `metadata`"), "{err}");
        let sources = br#"{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/sources/v1.json"}}"#;
        assert!(check(sources).unwrap_err().to_string().contains("sources/v1.json\"; meshlens reads catalog v1"));
    }

    #[test]
    fn truncated_json_is_reported_with_its_position() {
        let err = parse_json::<serde_json::Value>(Path::new("m.json"), b"{\"nodes\": {").unwrap_err().to_string();
        assert!(err.contains("m.json"), "{err}");
        assert!(err.contains("EOF"), "{err}");
    }
}
