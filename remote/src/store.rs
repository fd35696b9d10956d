//! One object store client per remote folder, configured from each cloud's own
//! environment chain (object_store's `from_env`), with our timeouts and retries.

use std::{sync::Arc, time::Duration};

use object_store::{
    aws::{AmazonS3Builder, AmazonS3ConfigKey},
    azure::{AzureConfigKey, MicrosoftAzureBuilder},
    gcp::{GoogleCloudStorageBuilder, GoogleConfigKey},
    http::HttpBuilder,
    path::Path as StorePath,
    BackoffConfig, ClientConfigKey, ClientOptions, HeaderMap, ObjectStore, RetryConfig,
};

use crate::location::{RemoteUrl, StoreKind};

/// A request that has not finished in this time is retried, then reported.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Retries of a failed request (5xx, timeouts, resets), with exponential backoff from
/// 100 ms, all within this time.
pub const RETRIES: usize = 3;
pub const RETRY_WINDOW: Duration = Duration::from_secs(30);

fn retry() -> RetryConfig {
    RetryConfig {
        backoff: BackoffConfig { init_backoff: Duration::from_millis(100), ..BackoffConfig::default() },
        max_retries: RETRIES,
        retry_timeout: RETRY_WINDOW,
    }
}

/// The client settings meshlens sets, as config pairs (so the cloud's environment
/// keeps the others, such as `AWS_ALLOW_HTTP`).
fn timeouts() -> [(ClientConfigKey, String); 2] {
    [
        (ClientConfigKey::Timeout, format!("{}s", REQUEST_TIMEOUT.as_secs())),
        (ClientConfigKey::ConnectTimeout, format!("{}s", CONNECT_TIMEOUT.as_secs())),
    ]
}

/// A client for the folder `remote` names, and the folder's path inside the store.
pub fn open(remote: &RemoteUrl) -> object_store::Result<(Arc<dyn ObjectStore>, StorePath)> {
    let folder = remote.folder();
    let store: Arc<dyn ObjectStore> = match remote.kind {
        StoreKind::S3 => {
            let mut builder = AmazonS3Builder::from_env().with_url(folder.as_str()).with_retry(retry());
            for (key, value) in &remote.config {
                builder = builder.with_config(key.parse()?, value);
            }
            for (key, value) in timeouts() {
                builder = builder.with_config(AmazonS3ConfigKey::Client(key), value);
            }
            Arc::new(builder.build()?)
        }
        StoreKind::Gcs => {
            let mut builder = GoogleCloudStorageBuilder::from_env().with_url(folder.as_str()).with_retry(retry());
            for (key, value) in &remote.config {
                builder = builder.with_config(key.parse()?, value);
            }
            for (key, value) in timeouts() {
                builder = builder.with_config(GoogleConfigKey::Client(key), value);
            }
            Arc::new(builder.build()?)
        }
        StoreKind::Azure => {
            let mut builder = MicrosoftAzureBuilder::from_env().with_url(folder.as_str()).with_retry(retry());
            for (key, value) in &remote.config {
                builder = builder.with_config(key.parse()?, value);
            }
            for (key, value) in timeouts() {
                builder = builder.with_config(AzureConfigKey::Client(key), value);
            }
            Arc::new(builder.build()?)
        }
        StoreKind::Http => {
            let mut options = ClientOptions::new()
                .with_timeout(REQUEST_TIMEOUT)
                .with_connect_timeout(CONNECT_TIMEOUT)
                .with_allow_http(folder.scheme() == "http");
            if let Some(token) = &remote.bearer {
                let mut headers = HeaderMap::new();
                let value = format!("Bearer {token}").parse().map_err(|e| object_store::Error::Generic {
                    store: "HTTP",
                    source: format!("the API token is not a valid header value: {e}").into(),
                })?;
                headers.insert("authorization", value);
                options = options.with_default_headers(headers);
            }
            // The HTTP store appends object paths to its URL segment by segment, so the
            // folder is given without its trailing slash.
            let base = if folder.path() == "/" { folder.as_str() } else { folder.as_str().trim_end_matches('/') };
            let store = HttpBuilder::new().with_url(base).with_retry(retry()).with_client_options(options).build()?;
            return Ok((Arc::new(store), StorePath::default()));
        }
    };
    // s3://bucket/path, gs://bucket/path, az://container/path and
    // abfss://fs@account.host/path all keep the folder in the URL's path.
    let prefix = StorePath::from_url_path(folder.path()).map_err(object_store::Error::from)?;
    Ok((store, prefix))
}
