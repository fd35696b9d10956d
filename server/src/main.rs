//! The `meshlens` binary.

use std::{
    io::{IsTerminal, Write},
    path::{Path, PathBuf},
    process::ExitCode,
    sync::Arc,
    time::Duration,
};

use anyhow::Context;
use clap::{parser::ValueSource, ArgMatches, CommandFactory, FromArgMatches};
use server::{
    check as checks,
    cli::{
        CheckArgs, CheckFormat, Cli, Command, ConfigArgs, DiffArgs, DiffFormat, IndexArgs, McpArgs, RemoveArgs,
        SearchArgs, ServeArgs,
    },
    config, demo, diff,
    engine::Engine,
    fleet::{self, DataLocation, Followed, Publication, PublishedData},
    http, index_run, ingest, mcp,
    options::{CommandLine, Given, Options, Origin, Setting},
    store::DataDir,
};
use tracing_subscriber::EnvFilter;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    // Where each flag's value came from, for the options' origins.
    let flags = matches.subcommand().map(|(_, m)| m.clone()).unwrap_or_default();
    // Only the server narrates; the other commands print their results.
    let default_filter = if matches!(cli.command, Command::Serve(_)) { "info,tantivy=warn" } else { "warn" };
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("MESHLENS_LOG").unwrap_or_else(|_| EnvFilter::new(default_filter)))
        .with_writer(std::io::stderr)
        // Colours on a terminal only: logs sent to a file or a collector stay plain text.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let result = match cli.command {
        Command::Index(args) => index(args, &flags),
        Command::Serve(args) => serve(args, &flags).map(|()| ExitCode::SUCCESS),
        Command::Remove(args) => remove(args),
        Command::Search(args) => search(args, &flags),
        Command::Mcp(args) => mcp(args, &flags).map(|()| ExitCode::SUCCESS),
        Command::Check(args) => check(args, &flags),
        Command::Diff(args) => run_diff(args),
        Command::Config(args) => print_config(args, &flags),
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::FAILURE
    })
}

/// A flag's value, unless it is only clap's default (the config file may set it then).
fn given<T: Clone + Send + Sync + 'static>(
    flags: &ArgMatches,
    id: &str,
    flag: &'static str,
    env: &'static str,
) -> Given<T> {
    let value = flags.try_get_one::<T>(id).ok().flatten()?.clone();
    let origin = match flags.value_source(id)? {
        ValueSource::CommandLine => Origin::Flag(flag),
        ValueSource::EnvVariable => Origin::Env(env),
        _ => return None,
    };
    Some(Setting { value, origin })
}

/// A command's effective options: its flags (and their environment variables), then
/// the config file (`config`, or ./meshlens.toml when `default_file` and present),
/// then the defaults.
fn options(flags: &ArgMatches, config: Option<&Path>, default_file: bool) -> anyhow::Result<Options> {
    let file = match config {
        Some(file) => Some(config::load_settings(file)?),
        None if default_file && Path::new("meshlens.toml").is_file() => {
            Some(config::load_settings(Path::new("meshlens.toml"))?)
        }
        None => None,
    };
    let given = CommandLine {
        data: given(flags, "data", "--data", "MESHLENS_DATA"),
        dbt_loom: given(flags, "dbt_loom", "--dbt-loom", "MESHLENS_DBT_LOOM"),
        addr: given(flags, "addr", "--addr", "MESHLENS_ADDR"),
        uploads_at_once: given(flags, "uploads_at_once", "--uploads-at-once", "MESHLENS_UPLOADS_AT_ONCE"),
        log: std::env::var("MESHLENS_LOG").ok(),
    };
    Ok(Options::resolve(given, file))
}

fn usage_error(message: &str) -> ! {
    Cli::command().error(clap::error::ErrorKind::MissingRequiredArgument, message).exit()
}

fn index(args: IndexArgs, flags: &ArgMatches) -> anyhow::Result<ExitCode> {
    // PATH arguments, then the config file's projects (--config, or ./meshlens.toml
    // when no PATH is given), then a dbt-loom config's.
    let options = options(flags, args.config.as_deref(), args.paths.is_empty() && args.dbt_loom.is_none())?;
    let wanted = index_run::wanted(&args.paths, &options.projects, options.dbt_loom.value.as_deref())?;
    if wanted.is_empty() {
        if let Some(file) = &options.config_file {
            anyhow::bail!("{}: lists no [[projects]]", file.display());
        }
        usage_error("give the projects to index as PATH arguments, in a meshlens.toml (--config FILE) or a dbt-loom config (--dbt-loom FILE)");
    }
    let Some(data_dir) = options.data.value.clone() else {
        usage_error("give the data folder with --data DIR, MESHLENS_DATA or `data` in meshlens.toml");
    };
    let location = fleet::data_location(&data_dir, args.cache.as_deref())?;
    let keep = usize::from(args.keep_generations);
    // A round indexes into the data folder, or into the published index's cache and
    // then publishes what it wrote.
    let round = |whole: bool| -> anyhow::Result<ExitCode> {
        match &location {
            DataLocation::Local(data) => index_once(data, &wanted, whole),
            DataLocation::Published(published) => {
                let (code, publication) = published.update(keep, |cache| index_once(cache, &wanted, whole))?;
                print_publication(published, &publication);
                Ok(code)
            }
        }
    };
    let Some(every) = args.every else {
        return round(true);
    };
    // Scheduled: a round never ends the loop; a source that is down is reported and
    // asked again next round.
    loop {
        let started = std::time::Instant::now();
        if let Err(e) = round(false) {
            eprintln!("error: {e:#}");
        }
        std::thread::sleep(every.saturating_sub(started.elapsed()));
    }
}

/// What an index or remove run did to the published index.
fn print_publication(published: &PublishedData, publication: &Publication) {
    let url = published.published.url();
    match publication {
        Publication::Unchanged(Some(generation)) => println!("nothing changed: {url} stays at generation {generation}"),
        Publication::Unchanged(None) => println!("nothing to publish to {url}: no index was written"),
        Publication::Published { generation, moved, collected } => {
            let removed = match collected.len() {
                0 => String::new(),
                1 => "; removed 1 old generation".to_string(),
                n => format!("; removed {n} old generations"),
            };
            println!(
                "published generation {generation} to {url}: {} files ({:.1} MB) uploaded in {:.2} s, CURRENT moved{removed}",
                moved.files,
                moved.bytes as f64 / 1e6,
                moved.seconds
            );
        }
    }
}

/// One index run with its report on the terminal; `whole` prints every detail
/// (a scheduled round prints what changed).
fn index_once(data: &DataDir, wanted: &[index_run::Wanted], whole: bool) -> anyhow::Result<ExitCode> {
    let bar = ProgressBar::new(std::io::stderr().is_terminal());
    let outcome = index_run::run(data, wanted, |p| bar.show(&p))
        .with_context(|| format!("writing the index in {}", data.root().display()))?;
    bar.finish();
    let report = &outcome.report;
    for (label, error) in &outcome.failed {
        eprintln!("error: {label}: {error}");
    }
    for warning in &outcome.warnings {
        eprintln!("warning: {warning}");
    }
    if whole {
        for cycle in report.summary.iter().flat_map(|s| &s.project_cycles) {
            eprintln!("note: these projects depend on each other in a cycle: {}", cycle.join(", "));
        }
        for d in report.summary.iter().flat_map(|s| &s.duplicates) {
            eprintln!(
                "note: {} is defined with its files by {} and {}; {}'s copy is kept (the newest manifest, then by name)",
                d.unique_id,
                d.kept,
                d.dropped.join(", "),
                d.kept
            );
        }
    }
    if outcome.remote > 0 {
        let t = &outcome.transfer;
        println!(
            "fetched {} remote project{}: {} request{} ({} not modified), {} file{} downloaded ({:.1} MB)",
            outcome.remote,
            if outcome.remote == 1 { "" } else { "s" },
            t.requests,
            if t.requests == 1 { "" } else { "s" },
            t.not_modified,
            t.downloaded,
            if t.downloaded == 1 { "" } else { "s" },
            t.bytes as f64 / 1e6
        );
    }
    let (nodes, edges, findings) = report.summary.as_ref().map(|s| (s.nodes, s.edges, s.findings)).unwrap_or_default();
    if !whole {
        // A scheduled round says what changed, and when.
        let changed = if report.indexed.is_empty() { "nothing".to_string() } else { report.indexed.join(", ") };
        println!("round at {}: changed: {changed}", humantime::format_rfc3339_seconds(std::time::SystemTime::now()));
    }
    println!(
        "indexed {} project{} ({} unchanged, {} failed): {nodes} nodes, {edges} edges, {findings} findings in {:.2} s ({:.1} MB/s)",
        report.indexed.len(),
        if report.indexed.len() == 1 { "" } else { "s" },
        report.unchanged.len(),
        outcome.failed.len(),
        report.seconds,
        report.megabytes_per_second()
    );
    // After the summary line, which scripts read first.
    if whole {
        for (project, c) in report.summary.iter().flat_map(|s| &s.column_lineage) {
            let total = c.parsed + c.unavailable;
            if total == 0 {
                println!("column lineage: {project}: no compiled SQL in its manifest ({} models; run dbt compile, run or build)", c.no_sql);
                continue;
            }
            println!(
                "column lineage: {project}: {} of {total} models with compiled SQL parsed ({:.1}%), {} unavailable, {} without compiled SQL",
                c.parsed,
                c.parsed as f64 * 100.0 / total as f64,
                c.unavailable,
                c.no_sql
            );
        }
    }
    Ok(if outcome.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn remove(args: RemoveArgs) -> anyhow::Result<ExitCode> {
    let remove_from = |data: &DataDir| -> anyhow::Result<ExitCode> {
        match ingest::remove_projects(data, &args.names) {
            Ok(summary) => {
                println!(
                    "removed {}: {} projects, {} nodes, {} edges, {} findings remain",
                    args.names.join(", "),
                    summary.projects,
                    summary.nodes,
                    summary.edges,
                    summary.findings
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("error: {e}");
                Ok(ExitCode::FAILURE)
            }
        }
    };
    match fleet::data_location(&args.data, args.cache.as_deref())? {
        DataLocation::Local(data) => remove_from(&data),
        DataLocation::Published(published) => {
            let (code, publication) = published.update(usize::from(fleet::KEEP_GENERATIONS), remove_from)?;
            print_publication(&published, &publication);
            Ok(code)
        }
    }
}

/// A one-line progress bar on a terminal; silent when stderr is not one.
struct ProgressBar {
    enabled: bool,
}

impl ProgressBar {
    fn new(enabled: bool) -> Self {
        ProgressBar { enabled }
    }

    fn show(&self, p: &index_run::RunProgress) {
        if !self.enabled {
            return;
        }
        const WIDTH: usize = 24;
        let (done, total, message) = match p {
            index_run::RunProgress::Fetch(f) => {
                (f.done, f.total, format!("fetching projects: {:.1} MB", f.bytes as f64 / 1e6))
            }
            index_run::RunProgress::Index(p) => (p.done, p.total, p.message.chars().take(60).collect()),
        };
        let filled = WIDTH * done / total.max(1);
        eprint!("\r\x1b[K[{}{}] {done}/{total} {message}", "#".repeat(filled), " ".repeat(WIDTH - filled));
        let _ = std::io::stderr().flush();
    }

    fn finish(&self) {
        if self.enabled {
            eprint!("\r\x1b[K");
        }
    }
}

/// The local folder a published index's current generation is in, brought up to date.
/// When the store cannot be reached, a cached generation is used, with a warning.
fn follow_published(published: &PublishedData) -> anyhow::Result<DataDir> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let url = published.published.url();
    let cached = || published.cache.current_name();
    match runtime.block_on(published.follow(None)) {
        Ok(Followed::Empty) if cached().is_none() => {
            anyhow::bail!("{url}: nothing is published here yet; run `meshlens index --data {url}` first")
        }
        Ok(Followed::Empty) => tracing::warn!(%url, "nothing is published any more; using the cached generation"),
        Ok(Followed::Swapped { pointer, moved }) => tracing::info!(
            %url,
            generation = %pointer.generation,
            files = moved.files,
            bytes = moved.bytes,
            seconds = moved.seconds,
            "downloaded the published generation"
        ),
        Ok(_) => {}
        Err(e) if cached().is_some() => {
            tracing::warn!(error = %e, cache = %published.cache.root().display(), "cannot reach the published index; using the cached generation")
        }
        Err(e) => return Err(e.into()),
    }
    Ok(published.cache.clone())
}

/// The index in `--data` (a folder, or a published index followed into `cache`), or
/// the embedded demo mesh without it.
fn open_index(data: Option<&PathBuf>, cache: Option<&Path>) -> anyhow::Result<Engine> {
    Ok(match data {
        Some(given) => {
            let data = match fleet::data_location(given, cache)? {
                DataLocation::Local(data) => data,
                DataLocation::Published(published) => follow_published(&published)?,
            };
            anyhow::ensure!(
                data.current_name().is_some(),
                "{}: no index here; run `meshlens index --data {}` first",
                given.display(),
                given.display()
            );
            Engine::open(data, false, None)?
        }
        None => {
            let (tmp, data) = demo::prepare()?;
            Engine::open(data, true, Some(tmp))?
        }
    })
}

fn check(args: CheckArgs, flags: &ArgMatches) -> anyhow::Result<ExitCode> {
    use app::catalog::Catalog;
    let options = options(flags, args.config.as_deref(), true)?;
    let engine = open_index(options.data.value.as_ref(), args.cache.as_deref())?;
    let findings = if args.head.is_empty() {
        engine.governance()?.findings
    } else {
        // The mesh as it would be once the head projects are indexed.
        let head = diff::load_head(&args.head)?;
        let generation = engine.generation()?;
        let mut projects = generation.reader.project_records()?;
        projects.retain(|p| !head.iter().any(|h| h.name == p.name));
        projects.extend(head);
        server::mesh::resolve(&projects).findings
    };
    let output = match args.format {
        CheckFormat::Text => checks::text(&findings, &args.fail_on),
        CheckFormat::Json => checks::json(&findings, &args.fail_on),
        CheckFormat::Junit => checks::junit(&findings, &args.fail_on),
        CheckFormat::Github => checks::github(&findings, &args.fail_on),
    };
    print_out(&output)?;
    Ok(if checks::failing(&findings, &args.fail_on).is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Exit codes: 0 nothing breaks, 1 a change breaks, 2 the comparison could not be made.
fn run_diff(args: DiffArgs) -> anyhow::Result<ExitCode> {
    let compared = diff::load_base(&args.base).and_then(|base| Ok((diff::load_head(&args.head)?, base)));
    let (head, base) = match compared {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let report = diff::diff(&base, &head);
    let output = match args.format {
        DiffFormat::Text => diff::text(&report),
        DiffFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        DiffFormat::Markdown => diff::markdown(&report),
    };
    print_out(&output)?;
    Ok(if report.breaking > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Opens each generation a `meshlens index` publishes, checking every `every`; when one
/// cannot be opened, the one before keeps answering.
async fn pick_up_new_generations(engine: Arc<Engine>, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        let engine = engine.clone();
        if let Ok(Err(e)) = tokio::task::spawn_blocking(move || engine.refresh()).await {
            tracing::error!(error = %e, "could not open the newly published index; still answering from the previous one");
        }
    }
}

/// `meshlens mcp`: the MCP tools over stdio, on the index a newer `meshlens index`
/// may replace meanwhile (the next call sees it).
fn mcp(args: McpArgs, flags: &ArgMatches) -> anyhow::Result<()> {
    let options = options(flags, args.config.as_deref(), true)?;
    let engine = open_index(options.data.value.as_ref(), args.cache.as_deref())?;
    let engine = Arc::new(engine.with_limits(options.limits.clone()));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        tokio::spawn(pick_up_new_generations(engine.clone(), Duration::from_secs(1)));
        mcp::serve_stdio(engine, mcp::McpOptions { max_items: args.max_items }).await
    })?;
    // The stdin reader may still be parked on a read the client will never finish.
    runtime.shutdown_background();
    Ok(())
}

fn search(args: SearchArgs, flags: &ArgMatches) -> anyhow::Result<ExitCode> {
    use app::catalog::Catalog;
    let options = options(flags, args.config.as_deref(), true)?;
    let engine = open_index(options.data.value.as_ref(), args.cache.as_deref())?;
    let query = args.query.join(" ");
    let results = engine.search(&query, usize::from(args.limit), 0)?;
    if args.json {
        print_out(&(serde_json::to_string_pretty(&results)? + "\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    for note in &results.ignored {
        eprintln!("note: searched as plain words: {note}");
    }
    let mut out = String::new();
    for hit in &results.hits {
        let snippet: String = hit.snippet.iter().map(|p| p.text.as_str()).collect::<String>().replace('\n', " ");
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            hit.name,
            hit.resource_type,
            hit.project,
            hit.unique_id,
            snippet.trim()
        ));
    }
    print_out(&out)?;
    eprintln!(
        "{} of {} result{} in {:.1} ms",
        results.hits.len(),
        results.total,
        if results.total == 1 { "" } else { "s" },
        results.took_ms
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
fn print_out(text: &str) -> anyhow::Result<()> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

fn print_config(args: ConfigArgs, flags: &ArgMatches) -> anyhow::Result<ExitCode> {
    let options = options(flags, args.serve.config.as_deref(), true)?;
    let out = if args.json { serde_json::to_string_pretty(&options.json())? + "\n" } else { options.text() };
    print_out(&out)?;
    Ok(ExitCode::SUCCESS)
}

fn serve(args: ServeArgs, flags: &ArgMatches) -> anyhow::Result<()> {
    let options = options(flags, args.config.as_deref(), true)?;
    let location = options.data.value.as_ref().map(|d| fleet::data_location(d, args.cache.as_deref())).transpose()?;
    // A published index is followed into its cache; the server then serves the cache.
    let published = match location {
        Some(DataLocation::Published(published)) => {
            if args.index_every.is_some() {
                usage_error("--index-every writes the data folder; a published index (--data URL) is written by `meshlens index --data URL --every DURATION`");
            }
            follow_published(&published)?;
            Some(Arc::new(published))
        }
        _ => None,
    };
    if let Some(every) = args.index_every {
        scheduled_index(&options, every)?;
    }
    let local = match &published {
        Some(published) => Some(published.cache.clone()),
        None => options.data.value.as_ref().map(DataDir::new),
    };
    let indexed = local.filter(|d| d.current_name().is_some());
    let engine = match (indexed, &options.data.value) {
        (Some(data), _) => {
            tracing::info!(data = %data.root().display(), "serving the index");
            Engine::open(data, false, None)?
        }
        (None, data) => {
            match data {
                Some(dir) => {
                    tracing::warn!(data = %dir.display(), "no index in this folder: serving the embedded demo mesh")
                }
                None => tracing::info!("no --data given: serving the embedded demo mesh"),
            }
            let (tmp, data) = demo::prepare()?;
            Engine::open(data, true, Some(tmp))?
        }
    };
    let engine = Arc::new(engine.with_limits(options.limits.clone()));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let poll_every = args.poll_every.unwrap_or(fleet::POLL_EVERY);
    runtime.block_on(async move {
        if let Some(published) = published {
            tokio::spawn(follow_forever(published, poll_every, engine.clone()));
        }
        tokio::spawn(pick_up_new_generations(engine.clone(), Duration::from_millis(500)));
        let addr = options.addr.value;
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("listening on {addr}"))?;
        tracing::info!("meshlens listening on http://{}", listener.local_addr()?);
        let mcp = mcp::McpOptions { max_items: args.mcp_max_items };
        axum::serve(listener, http::app_with(engine, mcp)).with_graceful_shutdown(shutdown_signal()).await?;
        Ok(())
    })
}

/// `serve --data URL`: asks for `CURRENT` at each interval (a 304 when unchanged),
/// downloads a new generation into the cache and serves it. A store
/// that cannot be reached is logged and asked again; the served generation stays.
async fn follow_forever(published: Arc<PublishedData>, every: Duration, engine: Arc<Engine>) {
    let mut known: Option<String> = None;
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tick.tick().await;
        match published.follow(known.as_deref()).await {
            Ok(followed) => {
                if let Followed::Swapped { pointer, moved } = &followed {
                    tracing::info!(
                        url = %published.published.url(),
                        generation = %pointer.generation,
                        files = moved.files,
                        bytes = moved.bytes,
                        seconds = moved.seconds,
                        "downloaded a newly published generation"
                    );
                    // Served now rather than at the watcher's next look.
                    let engine = engine.clone();
                    if let Ok(Err(e)) = tokio::task::spawn_blocking(move || engine.refresh()).await {
                        tracing::error!(error = %e, "could not open the downloaded generation; still serving the previous one");
                    }
                }
                if let Some(pointer) = followed.pointer() {
                    known = pointer.e_tag().map(str::to_string);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "could not follow the published index; still serving the cached generation")
            }
        }
    }
}

/// `serve --index-every`: the config's projects indexed into the data folder now (so
/// there is an index to serve), then again on a thread at each interval; the server
/// picks each new generation up as it does one `meshlens index` publishes.
fn scheduled_index(options: &Options, every: Duration) -> anyhow::Result<()> {
    let Some(data_dir) = options.data.value.clone() else {
        usage_error("--index-every needs the data folder: --data DIR, MESHLENS_DATA or `data` in meshlens.toml");
    };
    let wanted = index_run::wanted(&[], &options.projects, options.dbt_loom.value.as_deref())?;
    if wanted.is_empty() {
        usage_error(
            "--index-every needs projects: `[[projects]]` or `dbt_loom` in the meshlens.toml given with --config",
        );
    }
    let data = DataDir::new(data_dir);
    let round = move |data: &DataDir| match index_run::run(data, &wanted, |_| {}) {
        Ok(outcome) => {
            for (label, error) in &outcome.failed {
                tracing::error!(project = %label, %error, "could not index; the indexed copy stays, asked again next round");
            }
            for warning in &outcome.warnings {
                tracing::warn!("{warning}");
            }
            let r = &outcome.report;
            tracing::info!(
                indexed = ?r.indexed,
                unchanged = r.unchanged.len(),
                failed = outcome.failed.len(),
                requests = outcome.transfer.requests,
                not_modified = outcome.transfer.not_modified,
                downloaded_bytes = outcome.transfer.bytes,
                seconds = r.seconds,
                "scheduled index run"
            );
        }
        Err(e) => tracing::error!(error = %format!("{e:#}"), "scheduled index run failed; the served index stays"),
    };
    round(&data);
    std::thread::Builder::new().name("scheduled-index".into()).spawn(move || loop {
        std::thread::sleep(every);
        round(&data);
    })?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
