//! A project's artifacts: a local folder or a URL, told apart once, when read.

use std::{fmt, path::PathBuf};

use url::Url;

/// Where one project's artifacts are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A dbt project folder or its target/ folder on this machine.
    Local(PathBuf),
    /// A folder (or one manifest) behind a URL.
    Remote(RemoteUrl),
}

/// The URL schemes meshlens fetches from, for messages.
pub const SCHEMES: &str = "s3://, gs://, az://, abfs://, abfss://, http://, https://";

/// A URL meshlens can fetch from, with the kind of store that serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteUrl {
    pub url: Url,
    pub kind: StoreKind,
    /// A dbt Cloud job's artifacts need a token sent with every request.
    pub bearer: Option<String>,
    /// Store settings beyond the environment's (object_store config keys, such as
    /// `azure_storage_account_name` from a dbt-loom config).
    pub config: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    S3,
    Gcs,
    Azure,
    Http,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LocationError {
    #[error("{given}: not a URL meshlens can fetch from ({reason}); use a local folder or one of {SCHEMES}")]
    Unsupported { given: String, reason: String },
}

impl Location {
    /// A local path unless `given` starts with a scheme (`name://`). Windows drive
    /// letters (`C:\`) have no `//` and stay paths.
    pub fn parse(given: &str) -> Result<Location, LocationError> {
        let Some((scheme, _)) = given.split_once("://") else {
            return Ok(Location::Local(PathBuf::from(given)));
        };
        if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.') {
            return Ok(Location::Local(PathBuf::from(given)));
        }
        let unsupported =
            |reason: &str| LocationError::Unsupported { given: given.to_string(), reason: reason.to_string() };
        let url = Url::parse(given).map_err(|e| unsupported(&e.to_string()))?;
        let kind = match url.scheme() {
            "s3" | "s3a" => StoreKind::S3,
            "gs" => StoreKind::Gcs,
            "az" | "abfs" | "abfss" | "adl" | "azure" => StoreKind::Azure,
            "http" | "https" => StoreKind::Http,
            "file" => {
                return url
                    .to_file_path()
                    .map(Location::Local)
                    .map_err(|()| unsupported("a file:// URL must name an absolute path"));
            }
            other => return Err(unsupported(&format!("unknown scheme {other:?}"))),
        };
        if kind != StoreKind::Http && url.host_str().is_none_or(str::is_empty) {
            return Err(unsupported("the URL names no bucket or container"));
        }
        Ok(Location::Remote(RemoteUrl { url, kind, bearer: None, config: Vec::new() }))
    }
}

impl RemoteUrl {
    /// The URL of the folder that holds the artifacts: the URL itself when it ends in
    /// `/` or names no `.json` file, else its parent (a URL may name the manifest).
    pub fn folder(&self) -> Url {
        let mut url = self.url.clone();
        url.set_query(None);
        url.set_fragment(None);
        let path = url.path().to_string();
        if path.ends_with(".json") {
            let parent = &path[..path.rfind('/').map(|i| i + 1).unwrap_or(0)];
            url.set_path(parent);
        } else if !path.ends_with('/') {
            url.set_path(&format!("{path}/"));
        }
        url
    }

    /// The manifest's file name: the one the URL names, or `manifest.json`.
    pub fn manifest_name(&self) -> String {
        let path = self.url.path();
        match path.rsplit('/').next() {
            Some(last) if last.ends_with(".json") => last.to_string(),
            _ => "manifest.json".to_string(),
        }
    }
}

impl fmt::Display for RemoteUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.url.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(given: &str) -> RemoteUrl {
        match Location::parse(given).unwrap() {
            Location::Remote(r) => r,
            other => panic!("{given}: {other:?}"),
        }
    }

    #[test]
    fn paths_and_urls() {
        for (given, local) in [
            ("../platform/target", true),
            ("/srv/a b/target", true),
            ("C:\\dbt\\target", true),
            ("s3://bucket/prefix/", false),
            ("gs://bucket/p", false),
            ("az://container/p", false),
            ("abfss://fs@account.dfs.core.windows.net/p/", false),
            ("https://example.com/artifacts/", false),
        ] {
            assert_eq!(matches!(Location::parse(given), Ok(Location::Local(_))), local, "{given}");
        }
        assert_eq!(Location::parse("file:///srv/x").unwrap(), Location::Local(PathBuf::from("/srv/x")));
    }

    #[test]
    fn kinds() {
        assert_eq!(remote("s3://b/p/").kind, StoreKind::S3);
        assert_eq!(remote("gs://b/p/").kind, StoreKind::Gcs);
        assert_eq!(remote("abfss://fs@acct.dfs.core.windows.net/p").kind, StoreKind::Azure);
        assert_eq!(remote("http://127.0.0.1:9/x/").kind, StoreKind::Http);
    }

    #[test]
    fn unsupported_schemes_name_the_allowed_ones() {
        let e = Location::parse("ftp://host/x").unwrap_err().to_string();
        assert!(e.contains("ftp://host/x") && e.contains("unknown scheme") && e.contains("s3://"), "{e}");
        let e = Location::parse("s3:///prefix").unwrap_err().to_string();
        assert!(e.contains("no bucket"), "{e}");
    }

    #[test]
    fn folder_and_manifest_name() {
        let r = remote("s3://b/team/target");
        assert_eq!(r.folder().as_str(), "s3://b/team/target/");
        assert_eq!(r.manifest_name(), "manifest.json");
        let r = remote("s3://b/team/prod-manifest.json");
        assert_eq!(r.folder().as_str(), "s3://b/team/");
        assert_eq!(r.manifest_name(), "prod-manifest.json");
    }
}
