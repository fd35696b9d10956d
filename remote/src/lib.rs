//! dbt artifacts from where teams keep them. A project's artifacts may live in a local
//! folder (the engine reads those itself) or behind a URL: an object store (`s3://`,
//! `gs://`, `az://`, `abfss://`), an HTTP(S) folder, or a dbt Cloud job. This crate
//! fetches the remote ones into local folders under the data folder, with conditional
//! requests, so that the engine indexes every project the same way and an unchanged
//! remote project costs a conditional request a file and no download.
//!
//! Flow: [`Location::parse`] sorts a PATH-or-URL; [`fetch::Fetcher`] brings remote
//! projects into their cache folders; [`loom`] turns a dbt-loom config into locations;
//! [`published`] uploads an index for a fleet of servers and follows one.

pub mod dbt_cloud;
pub mod fetch;
pub mod location;
pub mod loom;
pub mod published;
mod store;

pub use fetch::{FetchError, FetchReport, Fetched, Fetcher, Transfer};
pub use location::{Location, LocationError, RemoteUrl};
