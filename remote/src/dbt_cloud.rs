//! dbt Cloud's Admin API v2, as dbt-loom uses it: a job's latest successful run, whose
//! artifacts are then fetched like any HTTP folder (with the token). A run's
//! artifacts never change, so an unchanged job costs this one lookup and no download:
//! its run's folder is already in the cache.

use std::time::Duration;

use crate::{
    location::RemoteUrl,
    loom::{DbtCloudJob, DBT_CLOUD_TOKEN_ENV},
};

/// The lookup of each job's latest successful run; one result a job, in order.
pub fn latest_runs(jobs: &[DbtCloudJob]) -> Vec<Result<RemoteUrl, String>> {
    if jobs.is_empty() {
        return Vec::new();
    }
    let Some(token) = std::env::var(DBT_CLOUD_TOKEN_ENV).ok().filter(|t| !t.is_empty()) else {
        return jobs
            .iter()
            .map(|_| Err(format!("set {DBT_CLOUD_TOKEN_ENV} to read artifacts from dbt Cloud")))
            .collect();
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return jobs.iter().map(|_| Err(format!("cannot start the HTTP client: {e}"))).collect(),
    };
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .connect_timeout(Duration::from_secs(5))
        .build()
    {
        Ok(client) => client,
        Err(e) => return jobs.iter().map(|_| Err(format!("cannot start the HTTP client: {e}"))).collect(),
    };
    runtime.block_on(async {
        let mut out = Vec::with_capacity(jobs.len());
        for job in jobs {
            out.push(latest_run(&client, job, &token).await);
        }
        out
    })
}

async fn latest_run(client: &reqwest::Client, job: &DbtCloudJob, token: &str) -> Result<RemoteUrl, String> {
    if let Some(step) = job.step {
        // A step's artifacts are asked for with `?step=`, which the artifact fetch
        // (an object store over HTTP) cannot send: say so rather than read the wrong ones.
        return Err(format!(
            "job {}: config.step ({step}) is not supported; meshlens reads the run's final artifacts",
            job.job_id
        ));
    }
    let url = job.latest_run_url();
    let mut attempt = 0;
    let response = loop {
        attempt += 1;
        match client.get(&url).bearer_auth(token).header("accept", "application/json").send().await {
            Ok(r) if r.status().is_server_error() && attempt < 3 => {}
            Ok(r) => break r,
            Err(e) if attempt >= 3 => return Err(format!("{url}: {e}")),
            Err(_) => {}
        }
        tokio::time::sleep(Duration::from_millis(200 * attempt)).await;
    };
    let status = response.status();
    let body = response.bytes().await.map_err(|e| format!("{url}: {e}"))?;
    if !status.is_success() {
        let text = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
        return Err(format!("{url}: HTTP {status}: {text}"));
    }
    let runs: serde_json::Value = serde_json::from_slice(&body).map_err(|e| format!("{url}: not JSON: {e}"))?;
    let run_id = runs["data"][0]["id"]
        .as_u64()
        .ok_or_else(|| format!("{url}: no successful run of job {} (data[0].id)", job.job_id))?;
    job.artifacts(run_id, token)
}
