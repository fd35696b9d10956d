//! `meshlens.toml`: the projects to index, as an alternative to PATH arguments.
//!
//! ```toml
//! [[projects]]
//! name = "platform"            # optional when the manifest names the project
//! path = "../platform/target"  # relative to this file
//! ```

use std::path::{Path, PathBuf};

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
    #[serde(default)]
    projects: Vec<ProjectEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectEntry {
    name: Option<String>,
    path: PathBuf,
}

/// Reads the projects of a config file; relative paths are relative to its folder.
pub fn load(file: &Path) -> Result<Vec<ProjectSource>, ConfigError> {
    let text = std::fs::read_to_string(file).map_err(|source| ConfigError::Io { file: file.to_path_buf(), source })?;
    parse(file, &text)
}

fn parse(file: &Path, text: &str) -> Result<Vec<ProjectSource>, ConfigError> {
    let config: ConfigFile = toml::from_str(text)
        .map_err(|e| ConfigError::Invalid { file: file.to_path_buf(), message: e.to_string().trim().to_string() })?;
    if config.projects.is_empty() {
        return Err(ConfigError::Invalid { file: file.to_path_buf(), message: "lists no [[projects]]".to_string() });
    }
    let base = file.parent().unwrap_or(Path::new("."));
    Ok(config
        .projects
        .into_iter()
        .map(|p| ProjectSource {
            path: if p.path.is_absolute() { p.path } else { base.join(p.path) },
            name: p.name.filter(|n| !n.is_empty()),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projects_resolve_relative_to_the_file() {
        let projects = parse(
            Path::new("/srv/mesh/meshlens.toml"),
            "[[projects]]\nname = \"platform\"\npath = \"platform/target\"\n\n[[projects]]\npath = \"/abs/finance\"\n",
        )
        .unwrap();
        assert_eq!(
            projects,
            [
                ProjectSource { path: "/srv/mesh/platform/target".into(), name: Some("platform".into()) },
                ProjectSource { path: "/abs/finance".into(), name: None },
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
}
