//! The benchmark's results as the README's markdown table, each measure beside its target.

use std::fmt::Write;

use crate::{
    generate::Split,
    pages::{FirstLoad, PageTimes},
    process::Measured,
};

#[derive(Default)]
pub struct SearchTimes {
    pub queries: usize,
    pub client_ms: Vec<f64>,
    pub took_ms: Vec<f64>,
    /// Queries that found nothing (reported so the query set stays meaningful).
    pub empty: Vec<String>,
}

pub struct Results {
    pub machine: String,
    pub projects: usize,
    pub models: usize,
    pub split: Split,
    pub nodes: usize,
    pub manifest_bytes: u64,
    pub run_results_bytes: u64,
    pub ingest: Measured,
    pub page_times: Vec<PageTimes>,
    /// The node pages' JSON, `/api/v1/nodes/{id}` for the same nodes.
    pub node_api: PageTimes,
    pub lineage_500_selected: u64,
    pub search: SearchTimes,
    pub first_loads: Vec<FirstLoad>,
    pub rss_started_mb: f64,
    pub rss_warm_mb: f64,
    pub rss_after_swap_mb: f64,
    pub reindex: Measured,
    pub reindexed_project: String,
    pub served_after: Option<f64>,
    pub real_shaped: RealShaped,
}

/// The pages again, on the mesh shaped like the largest public one.
pub struct RealShaped {
    pub projects: usize,
    pub nodes: usize,
    pub manifest_bytes: u64,
    pub ingest: Measured,
    pub page_times: Vec<PageTimes>,
    pub node_api: PageTimes,
}

pub const INGEST_MB_S: f64 = 100.0;
pub const SEARCH_P95_MS: f64 = 5.0;
pub const PAGE_P95_MS: f64 = 150.0;
/// Issue 19's targets: one node's JSON, its page, a depth-2 lineage, a search
/// page and the mesh.
pub const NODE_API_P95_MS: f64 = 5.0;
pub const NODE_PAGE_P95_MS: f64 = 10.0;
pub const LINEAGE_DEPTH2_P95_MS: f64 = 10.0;
pub const SEARCH_PAGE_P95_MS: f64 = 5.0;
pub const MESH_P95_MS: f64 = 10.0;
/// Issue 16: one column's lineage, up and down, 10 steps.
pub const COLUMN_LINEAGE_P95_MS: f64 = 50.0;
pub const FIRST_LOAD_KB: f64 = 500.0;
pub const SERVER_MB: f64 = 500.0;
pub const REINDEX_S: f64 = 2.0;

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "**missed**"
    }
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn markdown(r: &Results) -> String {
    let s = &r.split;
    let mut out = String::new();
    let mb = |b: u64| b as f64 / 1e6;
    let _ = writeln!(out, "Machine: {}.", r.machine);
    let _ = writeln!(
        out,
        "Mesh: {} projects of {} nodes, {} in all: per project {} models (35% staging, 25% intermediate, 40% marts), \
         {} sources, {} seeds, {} snapshots, {} exposures, {} unit tests and {} data tests. Manifests {:.0} MB \
         ({:.1} KB per model), run_results {:.0} MB.",
        r.projects,
        thousands(s.total()),
        thousands(r.nodes),
        s.models,
        s.sources,
        s.seeds,
        s.snapshots,
        s.exposures,
        s.unit_tests,
        s.tests,
        mb(r.manifest_bytes),
        r.manifest_bytes as f64 / 1e3 / (r.projects * r.models) as f64,
        mb(r.run_results_bytes),
    );
    out.push('\n');
    let _ = writeln!(out, "| measure | result | target | |");
    let _ = writeln!(out, "| --- | --- | --- | --- |");
    let ingest_mb_s = mb(r.manifest_bytes) / r.ingest.seconds;
    let _ = writeln!(
        out,
        "| ingest, manifest JSON end to end (`meshlens index` of all projects: parse, SQLite, Tantivy) | {ingest_mb_s:.0} MB/s ({:.2} s) | ≥ {INGEST_MB_S:.0} MB/s | {} |",
        r.ingest.seconds,
        verdict(ingest_mb_s >= INGEST_MB_S)
    );
    let _ = writeln!(out, "| ingest peak memory (VmHWM) | {:.0} MB | | |", r.ingest.peak_rss_mib * 1.048_576);
    if let Some(ms) = column_lineage_ms(&r.ingest.stderr) {
        let _ = writeln!(
            out,
            "| column lineage extraction (its own thread, beside the search index) | {:.2} s, {:.0}% of the ingest's time | | |",
            ms / 1000.0,
            ms / 10.0 / r.ingest.seconds
        );
    }
    let _ = writeln!(
        out,
        "| search API, client time p50 / p95 / p99 ({} queries × {} requests) | {:.1} / {:.1} / {:.1} ms | p95 ≤ {SEARCH_P95_MS:.0} ms | {} |",
        r.search.queries,
        r.search.client_ms.len(),
        r.search.client(50.0),
        r.search.client(95.0),
        r.search.client(99.0),
        verdict(r.search.client(95.0) <= SEARCH_P95_MS)
    );
    let _ = writeln!(
        out,
        "| search `took_ms` as the server reports it, p50 / p95 / p99 | {:.1} / {:.1} / {:.1} ms | | |",
        r.search.took(50.0),
        r.search.took(95.0),
        r.search.took(99.0)
    );
    for t in r.page_times.iter().chain([&r.node_api]) {
        let note =
            if t.page.contains("500") { format!(" ({} selected)", r.lineage_500_selected) } else { String::new() };
        page_row(&mut out, "", t, &note);
    }
    for f in &r.first_loads {
        let kb = |b: u64| b as f64 / 1e3;
        let _ = writeln!(
            out,
            "| first load, {} page: HTML {:.1} + js {:.1} + wasm {:.1} + css {:.1} KB, compressed as served | {:.0} KB | ≤ {FIRST_LOAD_KB:.0} KB | {} |",
            f.page,
            kb(f.html),
            kb(f.js),
            kb(f.wasm),
            kb(f.css),
            kb(f.total()),
            verdict(kb(f.total()) <= FIRST_LOAD_KB)
        );
    }
    let _ = writeln!(
        out,
        "| server memory (RSS) after warm-up (at start {:.0} MB; after serving a re-indexed generation {:.0} MB) | {:.0} MB | ≤ {SERVER_MB:.0} MB | {} |",
        r.rss_started_mb,
        r.rss_after_swap_mb,
        r.rss_warm_mb,
        verdict(r.rss_warm_mb.max(r.rss_after_swap_mb) <= SERVER_MB)
    );
    let served = r.served_after.map(|s| format!("; served {s:.2} s after it was published")).unwrap_or_default();
    let _ = writeln!(
        out,
        "| re-index one changed project of {} (`{}`), end to end{served}; peak memory {:.0} MB | {:.2} s | < {REINDEX_S:.0} s | {} |",
        r.projects,
        r.reindexed_project,
        r.reindex.peak_rss_mib * 1.048_576,
        r.reindex.seconds,
        verdict(r.reindex.seconds < REINDEX_S)
    );
    let real = &r.real_shaped;
    let _ = writeln!(
        out,
        "| real-shaped mesh ({} projects sharing 10,000 sources, {} nodes, {:.0} MB): ingest | {:.0} MB/s ({:.2} s) | ≥ {INGEST_MB_S:.0} MB/s | {} |",
        real.projects,
        thousands(real.nodes),
        mb(real.manifest_bytes),
        mb(real.manifest_bytes) / real.ingest.seconds,
        real.ingest.seconds,
        verdict(mb(real.manifest_bytes) / real.ingest.seconds >= INGEST_MB_S)
    );
    for t in real.page_times.iter().chain([&real.node_api]) {
        page_row(&mut out, "real-shaped mesh: ", t, "");
    }
    if !r.search.empty.is_empty() {
        let _ = writeln!(out, "\nQueries that found nothing: {}.", r.search.empty.join(", "));
    }
    out
}

fn page_row(out: &mut String, mesh: &str, t: &PageTimes, note: &str) {
    let _ = writeln!(
        out,
        "| {mesh}server time {}{note}, p50 / p95 ({} requests) | {:.1} / {:.1} ms | p95 ≤ {:.0} ms | {} |",
        t.page,
        t.ms.len(),
        t.p(50.0),
        t.p(95.0),
        t.target_ms,
        verdict(t.p(95.0) <= t.target_ms)
    );
}

/// The column lineage step's time in an index run's debug log
/// (`step="column lineage" ms=…`), when it logged one.
pub fn column_lineage_ms(stderr: &str) -> Option<f64> {
    let line = stderr.lines().find(|l| l.contains("step=\"column lineage\""))?;
    let ms = line.split("ms=").nth(1)?;
    ms.split(|c: char| !(c.is_ascii_digit() || c == '.')).next()?.parse().ok()
}

#[cfg(test)]
mod column_log_tests {
    #[test]
    fn the_column_lineage_step_is_read_from_the_index_log() {
        let log = "2026-12-04T21:00:00Z DEBUG meshlens_engine::ingest::generation: index write step step=\"column lineage\" ms=1861.57\n";
        assert_eq!(super::column_lineage_ms(log), Some(1861.57));
        assert_eq!(super::column_lineage_ms("nothing"), None);
    }
}
