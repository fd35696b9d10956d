//! The `meshlens` binary.

use std::{
    io::{IsTerminal, Write},
    path::{Path, PathBuf},
    process::ExitCode,
    sync::Arc,
    time::Duration,
};

use anyhow::Context;
use clap::{CommandFactory, Parser};
use server::{
    check as checks,
    cli::{CheckArgs, CheckFormat, Cli, Command, DiffArgs, DiffFormat, IndexArgs, RemoveArgs, SearchArgs, ServeArgs},
    config::{self, ProjectSource},
    demo, diff,
    engine::Engine,
    http, indexer,
    store::DataDir,
};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Only the server narrates; the other commands print their results.
    let default_filter = if matches!(cli.command, Command::Serve(_)) { "info,tantivy=warn" } else { "warn" };
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("MESHLENS_LOG").unwrap_or_else(|_| EnvFilter::new(default_filter)))
        .with_writer(std::io::stderr)
        .init();
    let result = match cli.command {
        Command::Index(args) => index(args),
        Command::Serve(args) => serve(args).map(|()| ExitCode::SUCCESS),
        Command::Remove(args) => remove(args),
        Command::Search(args) => search(args),
        Command::Check(args) => check(args),
        Command::Diff(args) => run_diff(args),
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::FAILURE
    })
}

/// The projects an index run covers: PATH arguments, then the config file's
/// (`--config`, or ./meshlens.toml when no PATH is given).
fn sources(args: &IndexArgs) -> anyhow::Result<Vec<ProjectSource>> {
    let mut sources: Vec<ProjectSource> = args.paths.iter().cloned().map(ProjectSource::from).collect();
    let config = match &args.config {
        Some(file) => Some(file.clone()),
        None if args.paths.is_empty() && Path::new("meshlens.toml").is_file() => Some(PathBuf::from("meshlens.toml")),
        None => None,
    };
    if let Some(file) = config {
        sources.extend(config::load(&file)?);
    }
    if sources.is_empty() {
        Cli::command()
            .error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "give the projects to index as PATH arguments or in a meshlens.toml (--config FILE)",
            )
            .exit();
    }
    Ok(sources)
}

fn index(args: IndexArgs) -> anyhow::Result<ExitCode> {
    let sources = sources(&args)?;
    let data = DataDir::new(&args.data);
    let bar = ProgressBar::new(std::io::stderr().is_terminal());
    let report = indexer::index_projects(&data, &sources, |p| bar.show(&p))
        .with_context(|| format!("writing the index in {}", args.data.display()))?;
    bar.finish();
    for (path, error) in &report.failed {
        eprintln!("error: {}: {error}", path.display());
    }
    let (nodes, edges, findings) = report.summary.as_ref().map(|s| (s.nodes, s.edges, s.findings)).unwrap_or_default();
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
    println!(
        "indexed {} project{} ({} unchanged, {} failed): {nodes} nodes, {edges} edges, {findings} findings in {:.2} s ({:.1} MB/s)",
        report.indexed.len(),
        if report.indexed.len() == 1 { "" } else { "s" },
        report.unchanged.len(),
        report.failed.len(),
        report.seconds,
        report.megabytes_per_second()
    );
    Ok(if report.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn remove(args: RemoveArgs) -> anyhow::Result<ExitCode> {
    let data = DataDir::new(&args.data);
    match indexer::remove_projects(&data, &args.names) {
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
}

/// A one-line progress bar on a terminal; silent when stderr is not one.
struct ProgressBar {
    enabled: bool,
}

impl ProgressBar {
    fn new(enabled: bool) -> Self {
        ProgressBar { enabled }
    }

    fn show(&self, p: &indexer::Progress) {
        if !self.enabled {
            return;
        }
        const WIDTH: usize = 24;
        let filled = WIDTH * p.done / p.total.max(1);
        let message: String = p.message.chars().take(60).collect();
        eprint!("\r\x1b[K[{}{}] {}/{} {message}", "#".repeat(filled), " ".repeat(WIDTH - filled), p.done, p.total);
        let _ = std::io::stderr().flush();
    }

    fn finish(&self) {
        if self.enabled {
            eprint!("\r\x1b[K");
        }
    }
}

/// The index in `--data`, or the embedded demo mesh without it.
fn open_index(data: Option<&PathBuf>) -> anyhow::Result<Engine> {
    Ok(match data {
        Some(dir) => {
            let data = DataDir::new(dir);
            anyhow::ensure!(
                data.current_name().is_some(),
                "{}: no index here; run `meshlens index --data {}` first",
                dir.display(),
                dir.display()
            );
            Engine::open(data, false, None)?
        }
        None => {
            let (tmp, data) = demo::prepare()?;
            Engine::open(data, true, Some(tmp))?
        }
    })
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    use app::catalog::Catalog;
    let engine = open_index(args.data.as_ref())?;
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

fn search(args: SearchArgs) -> anyhow::Result<ExitCode> {
    use app::catalog::Catalog;
    let engine = open_index(args.data.as_ref())?;
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

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let indexed = args.data.as_ref().map(DataDir::new).filter(|d| d.current_name().is_some());
    let engine = match (indexed, &args.data) {
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
    let limits = server::limits::Limits { uploads_at_once: args.uploads_at_once, ..server::limits::Limits::DEFAULT };
    let engine = Arc::new(engine.with_limits(limits));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let watcher = engine.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(500));
            loop {
                tick.tick().await;
                let engine = watcher.clone();
                if let Ok(Err(e)) = tokio::task::spawn_blocking(move || engine.refresh()).await {
                    tracing::error!(error = %e, "could not open the newly published index; still serving the previous one");
                }
            }
        });
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("listening on {}", args.addr))?;
        tracing::info!("meshlens listening on http://{}", listener.local_addr()?);
        axum::serve(listener, http::app(engine))
            .with_graceful_shutdown(shutdown_signal())
            .await?;
        Ok(())
    })
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
