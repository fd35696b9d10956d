//! `meshlens.toml`: the projects to index, as an alternative to PATH arguments, and
//! the settings a flag or the environment may also give (see `crate::options`).
//!
//! ```toml
//! data = "/srv/meshlens"          # the data folder (--data, MESHLENS_DATA)
//! dbt_loom = "dbt_loom.config.yml" # its manifests are projects too (--dbt-loom)
//!
//! [serve]
//! addr = "127.0.0.1:3000"         # --addr, MESHLENS_ADDR
//! uploads_at_once = 2             # --uploads-at-once, MESHLENS_UPLOADS_AT_ONCE
//!
//! [[projects]]
//! name = "platform"               # optional when the manifest names the project
//! path = "../platform/target"     # relative to this file, or a URL:
//!                                 # s3://, gs://, az://, abfss://, http(s)://
//! ```

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
};

use serde::Deserialize;

/// A project to index: where its artifacts are and, optionally, its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectSource {
    pub path: PathBuf,
    pub name: Option<String>,
}

impl From<PathBuf> for ProjectSource {
    fn from(path: PathBuf) -> Self {
        ProjectSource { path, name: None }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: {message}")]
    Invalid { file: PathBuf, message: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    data: Option<PathBuf>,
    dbt_loom: Option<PathBuf>,
    #[serde(default)]
    serve: ServeSection,
    #[serde(default)]
    projects: Vec<ProjectEntry>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServeSection {
    addr: Option<String>,
    uploads_at_once: Option<usize>,
}

/// What a config file says; relative paths are made relative to its folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub file: PathBuf,
    pub data: Option<PathBuf>,
    /// A dbt-loom config whose manifests are indexed as projects.
    pub dbt_loom: Option<PathBuf>,
    pub addr: Option<SocketAddr>,
    pub uploads_at_once: Option<usize>,
    pub projects: Vec<ProjectSource>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectEntry {
    name: Option<String>,
    path: PathBuf,
}

/// Reads the projects of a config file, which must list some; relative paths are
/// relative to its folder.
pub fn load(file: &Path) -> Result<Vec<ProjectSource>, ConfigError> {
    let text = std::fs::read_to_string(file).map_err(|source| ConfigError::Io { file: file.to_path_buf(), source })?;
    parse(file, &text)
}

/// Reads every setting of a config file (it need not list projects).
pub fn load_settings(file: &Path) -> Result<Settings, ConfigError> {
    let text = std::fs::read_to_string(file).map_err(|source| ConfigError::Io { file: file.to_path_buf(), source })?;
    parse_settings(file, &text)
}

fn parse(file: &Path, text: &str) -> Result<Vec<ProjectSource>, ConfigError> {
    let settings = parse_settings(file, text)?;
    if settings.projects.is_empty() {
        return Err(ConfigError::Invalid { file: file.to_path_buf(), message: "lists no [[projects]]".to_string() });
    }
    Ok(settings.projects)
}

/// `meshlens serve --uploads-at-once`'s range, which the config file's key shares.
pub const UPLOADS_AT_ONCE: std::ops::RangeInclusive<usize> = 1..=64;

fn parse_settings(file: &Path, text: &str) -> Result<Settings, ConfigError> {
    let invalid = |message: String| ConfigError::Invalid { file: file.to_path_buf(), message };
    let config: ConfigFile = toml::from_str(text).map_err(|e| invalid(e.to_string().trim().to_string()))?;
    let base = file.parent().unwrap_or(Path::new("."));
    // A URL (`s3://…`) is kept as written; a relative path starts at the file's folder.
    let relative = |path: PathBuf| {
        if path.is_absolute() || path.to_str().is_some_and(|p| p.contains("://")) {
            path
        } else {
            base.join(path)
        }
    };
    let addr = config
        .serve
        .addr
        .map(|a| a.parse::<SocketAddr>().map_err(|e| invalid(format!("serve.addr: {a:?} is not HOST:PORT ({e})"))))
        .transpose()?;
    if let Some(n) = config.serve.uploads_at_once.filter(|n| !UPLOADS_AT_ONCE.contains(n)) {
        return Err(invalid(format!(
            "serve.uploads_at_once: must be from {} to {}, not {n}",
            UPLOADS_AT_ONCE.start(),
            UPLOADS_AT_ONCE.end()
        )));
    }
    Ok(Settings {
        file: file.to_path_buf(),
        data: config.data.map(relative),
        dbt_loom: config.dbt_loom.map(relative),
        addr,
        uploads_at_once: config.serve.uploads_at_once,
        projects: config
            .projects
            .into_iter()
            .map(|p| ProjectSource { path: relative(p.path), name: p.name.filter(|n| !n.is_empty()) })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projects_resolve_relative_to_the_file() {
        let projects = parse(
            Path::new("/srv/mesh/meshlens.toml"),
            "[[projects]]\nname = \"platform\"\npath = \"platform/target\"\n\n[[projects]]\npath = \"/abs/finance\"\n\n[[projects]]\npath = \"s3://artifacts/sales/\"\n",
        )
        .unwrap();
        assert_eq!(
            projects,
            [
                ProjectSource { path: "/srv/mesh/platform/target".into(), name: Some("platform".into()) },
                ProjectSource { path: "/abs/finance".into(), name: None },
                ProjectSource { path: "s3://artifacts/sales/".into(), name: None },
            ]
        );
    }

    #[test]
    fn mistakes_name_the_file_and_the_key() {
        let err = parse(Path::new("m.toml"), "[[projects]]\nnmae = \"x\"\npath = \"p\"\n").unwrap_err().to_string();
        assert!(err.starts_with("m.toml: "), "{err}");
        assert!(err.contains("nmae"), "{err}");
        let err = parse(Path::new("m.toml"), "").unwrap_err().to_string();
        assert!(err.contains("lists no [[projects]]"), "{err}");
    }

    #[test]
    fn settings_beside_the_projects() {
        let settings = parse_settings(
            Path::new("/srv/mesh/meshlens.toml"),
            "data = \"index\"\n[serve]\naddr = \"127.0.0.1:4000\"\nuploads_at_once = 4\n",
        )
        .unwrap();
        assert_eq!(settings.data.as_deref(), Some(Path::new("/srv/mesh/index")));
        assert_eq!(settings.addr, Some("127.0.0.1:4000".parse().unwrap()));
        assert_eq!(settings.uploads_at_once, Some(4));
        assert!(settings.projects.is_empty());
        let err = parse_settings(Path::new("m.toml"), "[serve]\naddr = \"nowhere\"\n").unwrap_err().to_string();
        assert!(err.starts_with("m.toml: serve.addr: \"nowhere\""), "{err}");
        let err = parse_settings(Path::new("m.toml"), "[serve]\nuploads_at_once = 0\n").unwrap_err().to_string();
        assert_eq!(err, "m.toml: serve.uploads_at_once: must be from 1 to 64, not 0");
    }
}
