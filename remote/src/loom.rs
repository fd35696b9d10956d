//! A dbt-loom config (`dbt_loom.config.yml`) read as a list of projects to index, so
//! that a mesh already wired for dbt-loom needs no second list. Each `manifests:`
//! entry becomes a [`LoomProject`]: its name and where its manifest is.
//!
//! ```yaml
//! manifests:
//!   - name: platform
//!     type: file            # a local path or an http(s) URL
//!     config: { path: ../platform/target/manifest.json }
//!   - name: finance
//!     type: s3
//!     config: { bucket_name: artifacts, object_name: finance/manifest.json }
//!   - name: marketing
//!     type: gcs
//!     config: { project_id: p, bucket_name: b, object_name: o/manifest.json, credentials: key.json }
//!   - name: sales
//!     type: azure
//!     config: { account_name: acct, container_name: c, object_name: sales/manifest.json }
//!   - name: revenue
//!     type: dbt_cloud
//!     config: { account_id: 1, job_id: 2, api_endpoint: https://cloud.getdbt.com/api/v2 }
//!     optional: true        # a failure is a warning, not an error
//! ```
//!
//! `$VAR` and `${VAR}` are replaced from the environment, as dbt-loom does. dbt Cloud
//! entries use the Admin API v2 with `DBT_CLOUD_API_TOKEN`: the job's latest
//! successful run (`GET accounts/{account}/runs/?job_definition_id=…&status=10
//! &order_by=-finished_at&limit=1`), then that run's artifacts
//! (`accounts/{account}/runs/{run}/artifacts/manifest.json`, and its siblings).

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use serde::Deserialize;

use crate::location::{Location, LocationError, RemoteUrl, StoreKind};

/// dbt-loom's default dbt Cloud API root.
pub const DBT_CLOUD_API: &str = "https://cloud.getdbt.com/api/v2";
pub const DBT_CLOUD_TOKEN_ENV: &str = "DBT_CLOUD_API_TOKEN";

/// One `manifests:` entry, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoomProject {
    pub name: String,
    pub source: LoomSource,
    /// dbt-loom's `optional: true`: a failure to read it is a warning.
    pub optional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoomSource {
    /// A local manifest file or a URL (object store or HTTP).
    Location(Location),
    /// A dbt Cloud job: its latest successful run is looked up at index time.
    DbtCloud(DbtCloudJob),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbtCloudJob {
    pub api_endpoint: String,
    pub account_id: u64,
    pub job_id: u64,
    pub step: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoomError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: {message}")]
    Invalid { file: PathBuf, message: String },
}

#[derive(Deserialize)]
struct ConfigFile {
    #[serde(default)]
    manifests: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    name: String,
    #[serde(rename = "type", default = "file_type")]
    kind: String,
    #[serde(default)]
    config: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    optional: bool,
}

fn file_type() -> String {
    "file".to_string()
}

/// Reads a dbt-loom config; relative `file` paths are taken from the config's folder.
pub fn read(file: &Path) -> Result<Vec<LoomProject>, LoomError> {
    let text = std::fs::read_to_string(file).map_err(|source| LoomError::Io { file: file.to_path_buf(), source })?;
    let invalid = |message: String| LoomError::Invalid { file: file.to_path_buf(), message };
    let text = substitute_env(&text, |name| std::env::var(name).ok()).map_err(invalid)?;
    parse(&text, file.parent().unwrap_or(Path::new("."))).map_err(invalid)
}

/// The entries of a config's text; `base` is the folder relative paths start from.
pub fn parse(text: &str, base: &Path) -> Result<Vec<LoomProject>, String> {
    let config: ConfigFile = serde_saphyr::from_str(text).map_err(|e| e.to_string())?;
    config
        .manifests
        .into_iter()
        .enumerate()
        .map(|(i, entry)| {
            let at = |field: &str| format!("manifests[{i}] ({}).config.{field}", entry.name);
            let text_field = |field: &str| -> Result<String, String> {
                match entry.config.get(field) {
                    Some(serde_json::Value::String(s)) => Ok(s.clone()),
                    Some(serde_json::Value::Number(n)) => Ok(n.to_string()),
                    Some(_) => Err(format!("{}: must be a string", at(field))),
                    None => Err(format!("{}: missing", at(field))),
                }
            };
            let number_field = |field: &str| -> Result<u64, String> {
                text_field(field)?.parse().map_err(|_| format!("{}: must be a whole number", at(field)))
            };
            let location = |url: String| -> Result<Location, String> {
                Location::parse(&url).map_err(|e: LocationError| format!("manifests[{i}] ({}): {e}", entry.name))
            };
            let remote = |url: String, config: Vec<(String, String)>| -> Result<LoomSource, String> {
                match location(url)? {
                    Location::Remote(remote) => {
                        Ok(LoomSource::Location(Location::Remote(RemoteUrl { config, ..remote })))
                    }
                    local => Ok(LoomSource::Location(local)),
                }
            };
            let object =
                |field: &str| -> Result<String, String> { Ok(text_field(field)?.trim_start_matches('/').to_string()) };
            let source = match entry.kind.as_str() {
                "file" => {
                    let path = text_field("path")?;
                    match location(path.clone())? {
                        Location::Local(p) if p.is_relative() => LoomSource::Location(Location::Local(base.join(p))),
                        other => LoomSource::Location(other),
                    }
                }
                "s3" => remote(format!("s3://{}/{}", text_field("bucket_name")?, object("object_name")?), Vec::new())?,
                "gcs" => {
                    let mut config = Vec::new();
                    if let Ok(credentials) = text_field("credentials") {
                        let path = base.join(credentials);
                        config.push(("google_service_account".to_string(), path.display().to_string()));
                    }
                    remote(format!("gs://{}/{}", text_field("bucket_name")?, object("object_name")?), config)?
                }
                "azure" => remote(
                    format!("az://{}/{}", text_field("container_name")?, object("object_name")?),
                    vec![("azure_storage_account_name".to_string(), text_field("account_name")?)],
                )?,
                "dbt_cloud" => LoomSource::DbtCloud(DbtCloudJob {
                    api_endpoint: text_field("api_endpoint")
                        .unwrap_or_else(|_| DBT_CLOUD_API.to_string())
                        .trim_end_matches('/')
                        .to_string(),
                    account_id: number_field("account_id")?,
                    job_id: number_field("job_id")?,
                    step: entry.config.get("step").map(|_| number_field("step")).transpose()?,
                }),
                other => {
                    return Err(format!(
                    "manifests[{i}] ({}).type: {other:?} is not one meshlens reads (file, s3, gcs, azure, dbt_cloud)",
                    entry.name
                ))
                }
            };
            Ok(LoomProject { name: entry.name.clone(), source, optional: entry.optional })
        })
        .collect()
}

/// Replaces `$NAME` and `${NAME}` with `lookup(NAME)`; an unset variable is an error
/// that names it. `$$` is a literal `$`.
pub fn substitute_env(text: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, consumed) = if let Some(braced) = after.strip_prefix('{') {
            let end = braced
                .find('}')
                .ok_or_else(|| format!("an unclosed ${{ at {:?}", &rest[at..rest.len().min(at + 20)]))?;
            (&braced[..end], end + 2)
        } else if let Some(escaped) = after.strip_prefix('$') {
            let _ = escaped;
            out.push('$');
            rest = &after[1..];
            continue;
        } else {
            let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
            (&after[..end], end)
        };
        if name.is_empty() {
            out.push('$');
            rest = after;
            continue;
        }
        let value = lookup(name).ok_or_else(|| format!("the environment variable {name} is not set"))?;
        out.push_str(&value);
        rest = &after[consumed..];
    }
    out.push_str(rest);
    Ok(out)
}

impl DbtCloudJob {
    /// The runs endpoint that names the job's latest successful run.
    pub fn latest_run_url(&self) -> String {
        format!(
            "{}/accounts/{}/runs/?job_definition_id={}&status=10&order_by=-finished_at&limit=1",
            self.api_endpoint, self.account_id, self.job_id
        )
    }

    /// The folder of a run's artifacts, fetched like any HTTP folder with the token.
    pub fn artifacts(&self, run_id: u64, token: &str) -> Result<RemoteUrl, String> {
        let url = format!("{}/accounts/{}/runs/{run_id}/artifacts/", self.api_endpoint, self.account_id);
        let url = url::Url::parse(&url).map_err(|e| format!("{url}: {e}"))?;
        Ok(RemoteUrl { url, kind: StoreKind::Http, bearer: Some(token.to_string()), config: Vec::new() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_entry() {
        let text = r#"
manifests:
  - name: platform
    type: file
    config:
      path: ../platform/target/manifest.json
  - name: web
    type: file
    config:
      path: https://example.com/web/manifest.json
  - name: finance
    type: s3
    config:
      bucket_name: artifacts
      object_name: /finance/manifest.json
  - name: marketing
    type: gcs
    config:
      project_id: p
      bucket_name: b
      object_name: marketing/manifest.json
  - name: sales
    type: azure
    config:
      account_name: acct
      container_name: c
      object_name: sales/manifest.json
  - name: revenue
    type: dbt_cloud
    optional: true
    config:
      account_id: 11
      job_id: "22"
"#;
        let projects = parse(text, Path::new("/mesh")).unwrap();
        let names: Vec<&str> = projects.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["platform", "web", "finance", "marketing", "sales", "revenue"]);
        let url = |i: usize| match &projects[i].source {
            LoomSource::Location(Location::Remote(r)) => r.url.to_string(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            projects[0].source,
            LoomSource::Location(Location::Local(PathBuf::from("/mesh/../platform/target/manifest.json")))
        );
        assert_eq!(url(1), "https://example.com/web/manifest.json");
        assert_eq!(url(2), "s3://artifacts/finance/manifest.json");
        assert_eq!(url(3), "gs://b/marketing/manifest.json");
        assert_eq!(url(4), "az://c/sales/manifest.json");
        match &projects[4].source {
            LoomSource::Location(Location::Remote(r)) => {
                assert_eq!(r.config, [("azure_storage_account_name".to_string(), "acct".to_string())])
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            projects[5].source,
            LoomSource::DbtCloud(DbtCloudJob {
                api_endpoint: DBT_CLOUD_API.into(),
                account_id: 11,
                job_id: 22,
                step: None
            })
        );
        assert!(projects[5].optional && !projects[0].optional);
    }

    #[test]
    fn errors_name_the_entry_and_field() {
        let e =
            parse("manifests:\n  - name: a\n    type: s3\n    config: {bucket_name: b}\n", Path::new(".")).unwrap_err();
        assert_eq!(e, "manifests[0] (a).config.object_name: missing");
        let e = parse("manifests:\n  - name: a\n    type: paradime\n", Path::new(".")).unwrap_err();
        assert!(e.contains("manifests[0] (a).type") && e.contains("dbt_cloud"), "{e}");
        let e = parse(
            "manifests:\n  - name: a\n    type: dbt_cloud\n    config: {account_id: x, job_id: 1}\n",
            Path::new("."),
        )
        .unwrap_err();
        assert_eq!(e, "manifests[0] (a).config.account_id: must be a whole number");
    }

    #[test]
    fn environment_variables() {
        let env = |name: &str| (name == "BUCKET").then(|| "prod".to_string());
        assert_eq!(substitute_env("s3://$BUCKET/x ${BUCKET}y $$ a$", env).unwrap(), "s3://prod/x prody $ a$");
        assert_eq!(substitute_env("$NOPE", env).unwrap_err(), "the environment variable NOPE is not set");
    }

    #[test]
    fn dbt_cloud_urls() {
        let job =
            DbtCloudJob { api_endpoint: "http://127.0.0.1:9/api/v2".into(), account_id: 1, job_id: 2, step: None };
        assert_eq!(
            job.latest_run_url(),
            "http://127.0.0.1:9/api/v2/accounts/1/runs/?job_definition_id=2&status=10&order_by=-finished_at&limit=1"
        );
        assert_eq!(
            job.artifacts(7, "t").unwrap().url.as_str(),
            "http://127.0.0.1:9/api/v2/accounts/1/runs/7/artifacts/"
        );
    }
}
