//! One index run, as `meshlens index`, `index --every` and `serve --index-every` do
//! it: the projects wanted (PATHs, meshlens.toml's `[[projects]]`, a dbt-loom
//! config), the remote ones fetched into `<data>/remote/` (dbt Cloud jobs looked up
//! first), then the engine's ingest over local folders only. A project that cannot be
//! fetched is reported with its URL and left as it was indexed; the others index.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
};

use meshlens_remote::{
    dbt_cloud,
    fetch::FetchProgress,
    loom::{self, DbtCloudJob, LoomSource},
    Fetcher, Location, RemoteUrl, Transfer,
};

use crate::{
    config::ProjectSource,
    ingest::{self, IndexReport, Progress},
    store::DataDir,
};

/// The folder under the data folder that remote projects are fetched into.
pub const REMOTE_CACHE: &str = "remote";

/// A project to index, as the user named it.
#[derive(Debug, Clone)]
pub struct Wanted {
    /// What the user wrote (a path or URL), or the dbt-loom entry, for messages.
    pub label: String,
    pub name: Option<String>,
    pub source: WantedSource,
    /// dbt-loom's `optional: true`: a failure is a warning.
    pub optional: bool,
}

#[derive(Debug, Clone)]
pub enum WantedSource {
    Local(PathBuf),
    Remote(RemoteUrl),
    DbtCloud(DbtCloudJob),
}

/// The projects `paths` (PATH arguments), a config file's and a dbt-loom config's
/// name, in that order.
pub fn wanted(
    paths: &[PathBuf],
    config_projects: &[ProjectSource],
    dbt_loom: Option<&Path>,
) -> anyhow::Result<Vec<Wanted>> {
    let mut out = Vec::new();
    let given = paths.iter().map(|p| (p, None)).chain(config_projects.iter().map(|p| (&p.path, p.name.clone())));
    for (path, name) in given {
        let label = path.display().to_string();
        // A path that is not UTF-8 is no URL, and its display form would lose bytes.
        let source = match path.to_str().map(Location::parse).transpose()? {
            None => WantedSource::Local(path.clone()),
            Some(Location::Local(path)) => WantedSource::Local(path),
            Some(Location::Remote(remote)) => WantedSource::Remote(remote),
        };
        out.push(Wanted { label, name, source, optional: false });
    }
    if let Some(file) = dbt_loom {
        for project in loom::read(file)? {
            let (label, source) = match project.source {
                LoomSource::Location(Location::Local(path)) => {
                    // dbt-loom names the manifest file; the engine reads its folder.
                    let folder = if path.extension().is_some_and(|e| e == "json") {
                        path.parent().map(Path::to_path_buf).unwrap_or_default()
                    } else {
                        path
                    };
                    (folder.display().to_string(), WantedSource::Local(folder))
                }
                LoomSource::Location(Location::Remote(remote)) => (remote.to_string(), WantedSource::Remote(remote)),
                LoomSource::DbtCloud(job) => (
                    format!("dbt Cloud account {} job {} ({})", job.account_id, job.job_id, job.api_endpoint),
                    WantedSource::DbtCloud(job),
                ),
            };
            out.push(Wanted {
                label: format!("{} (dbt-loom {}: {label})", project.name, file.display()),
                name: Some(project.name),
                source,
                optional: project.optional,
            });
        }
    }
    Ok(out)
}

/// What one run did.
#[derive(Debug, Default)]
pub struct RunOutcome {
    pub report: IndexReport,
    /// Projects that could not be fetched or indexed: what the user named, and why.
    pub failed: Vec<(String, String)>,
    /// Optional dbt-loom projects that could not be read.
    pub warnings: Vec<String>,
    /// Remote projects fetched, and what their requests cost.
    pub remote: usize,
    pub transfer: Transfer,
}

/// What a run reports as it goes, for a terminal.
pub enum RunProgress<'a> {
    Fetch(FetchProgress),
    Index(&'a Progress<'a>),
}

/// Fetches what is remote, then indexes everything that could be read.
pub fn run(data: &DataDir, wanted: &[Wanted], mut progress: impl FnMut(RunProgress)) -> anyhow::Result<RunOutcome> {
    let mut outcome = RunOutcome::default();
    let fail = |outcome: &mut RunOutcome, w: &Wanted, message: String| {
        if w.optional {
            outcome.warnings.push(format!("{}: {message} (optional: skipped)", w.label));
        } else {
            outcome.failed.push((w.label.clone(), message));
        }
    };

    // dbt Cloud jobs: their latest successful run's artifact folder.
    let jobs: Vec<(usize, DbtCloudJob)> = wanted
        .iter()
        .enumerate()
        .filter_map(|(i, w)| match &w.source {
            WantedSource::DbtCloud(job) => Some((i, job.clone())),
            _ => None,
        })
        .collect();
    let runs = dbt_cloud::latest_runs(&jobs.iter().map(|(_, j)| j.clone()).collect::<Vec<_>>());
    let mut remotes: Vec<(usize, RemoteUrl)> = Vec::new();
    for ((i, _), run) in jobs.iter().zip(runs) {
        match run {
            Ok(url) => remotes.push((*i, url)),
            Err(message) => fail(&mut outcome, &wanted[*i], message),
        }
    }
    remotes.extend(wanted.iter().enumerate().filter_map(|(i, w)| match &w.source {
        WantedSource::Remote(r) => Some((i, r.clone())),
        _ => None,
    }));
    remotes.sort_by_key(|(i, _)| *i);

    let fetcher = Fetcher::new(data.root().join(REMOTE_CACHE));
    let urls: Vec<RemoteUrl> = remotes.iter().map(|(_, r)| r.clone()).collect();
    let fetched = fetcher.fetch_all(&urls, |p| progress(RunProgress::Fetch(p)));
    outcome.remote = urls.len();
    outcome.transfer = fetched.total;
    let mut folders: HashMap<usize, PathBuf> = HashMap::new();
    for ((i, _), result) in remotes.iter().zip(fetched.outcomes) {
        match result {
            Ok(f) => {
                folders.insert(*i, f.dir);
            }
            Err(e) => fail(&mut outcome, &wanted[*i], e.message),
        }
    }

    let mut sources = Vec::new();
    let mut labels: HashMap<PathBuf, usize> = HashMap::new();
    for (i, w) in wanted.iter().enumerate() {
        let path = match &w.source {
            WantedSource::Local(path) => path.clone(),
            _ => match folders.get(&i) {
                Some(dir) => dir.clone(),
                None => continue,
            },
        };
        labels.insert(path.clone(), i);
        sources.push(ProjectSource { path, name: w.name.clone() });
    }
    if sources.is_empty() {
        return Ok(outcome);
    }
    let mut report = ingest::index_projects(data, &sources, |p| progress(RunProgress::Index(&p)))?;
    for (path, error) in std::mem::take(&mut report.failed) {
        match labels.get(&path).map(|&i| &wanted[i]) {
            // A fetched folder's messages name the cache; the user knows the URL.
            Some(w) if !matches!(w.source, WantedSource::Local(_)) => {
                let error = error.replace(&path.display().to_string(), &w.label);
                fail(&mut outcome, w, error)
            }
            Some(w) => fail(&mut outcome, w, error),
            None => outcome.failed.push((path.display().to_string(), error)),
        }
    }
    outcome.report = report;
    Ok(outcome)
}
