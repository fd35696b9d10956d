//! `meshlens-bench scale`: how meshlens grows with the mesh. For each size, projects
//! of 250 models (1,000 nodes each) are generated, indexed and served; the table
//! gives ingest time and peak memory, the index on disk, the server's memory and the
//! node pages' server time.

use std::{fs, path::Path};

use anyhow::Context;

use crate::{
    generate::MeshSpec,
    pages,
    process::machine,
    report,
    run::{binary, time_node_api},
    server::{self, Server},
    workload,
};

#[derive(clap::Args, Debug, Clone)]
pub struct ScaleArgs {
    /// The meshlens binary; without it, `cargo build --release -p server` builds one.
    #[arg(long)]
    pub bin: Option<std::path::PathBuf>,
    #[arg(long, default_value = "/var/tmp/meshlens-bench")]
    pub work: std::path::PathBuf,
    /// Mesh sizes in nodes, each a multiple of 1,000 (one project of 250 models).
    #[arg(long, value_delimiter = ',', default_values_t = [10_000, 50_000, 200_000])]
    pub nodes: Vec<usize>,
    /// Requests per page kind.
    #[arg(long, default_value_t = 60)]
    pub samples: usize,
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
}

const INGEST_RUNS: usize = 3;

struct Point {
    nodes: usize,
    projects: usize,
    manifest_mb: f64,
    ingest_s: f64,
    ingest_peak_mb: f64,
    index_mb: f64,
    rss_mb: f64,
    node_page: pages::PageTimes,
    node_api: pages::PageTimes,
}

/// Bytes under `dir`, files only.
fn disk_bytes(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => disk_bytes(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}

fn point(bin: &Path, work: &Path, nodes: usize, samples: usize) -> anyhow::Result<Point> {
    let projects = (nodes / 1000).max(1);
    let spec = MeshSpec { projects, models: 250, seed: 42, shapes: false, real_scale: false };
    let mesh = server::prepare_mesh(work, &spec)?;
    for dir in &mesh.dirs {
        let _ = fs::read(dir.join("manifest.json"));
    }
    let data = work.join(format!("data-scale-{projects}"));
    // Ingest times on this machine vary by a third from one run to the next (the disk
    // syncs of earlier runs): the median of three, each into an empty folder.
    let mut ingests = Vec::new();
    for run in 1..=INGEST_RUNS {
        let _ = fs::remove_dir_all(&data);
        eprintln!("indexing {projects} projects ({} nodes), run {run} of {INGEST_RUNS}", mesh.nodes);
        ingests.push(server::index(bin, &data, &mesh.dirs)?);
    }
    ingests.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    let ingest = ingests.swap_remove(INGEST_RUNS / 2);
    let index_mb = disk_bytes(&data) as f64 / 1e6;
    let server = Server::start(bin, &data)?;
    let load = workload::workload(&mesh.plan, samples);
    pages::time_urls(server.addr, "warm-up", &["/".to_string(), load.node_pages[0].clone()], f64::INFINITY)?;
    let node_page = pages::time_urls(server.addr, "node `/nodes/…`", &load.node_pages, report::NODE_PAGE_P95_MS)?;
    let node_api = time_node_api(server.addr, &load)?;
    let rss_mb = server.rss_mb();
    Ok(Point {
        nodes: mesh.nodes,
        projects,
        manifest_mb: mesh.manifest_bytes as f64 / 1e6,
        ingest_s: ingest.seconds,
        ingest_peak_mb: ingest.peak_rss_mib * 1.048_576,
        index_mb,
        rss_mb,
        node_page,
        node_api,
    })
}

pub fn scale(args: ScaleArgs) -> anyhow::Result<()> {
    let bin = binary(args.bin.as_deref())?;
    fs::create_dir_all(&args.work)?;
    let mut points = Vec::new();
    for &nodes in &args.nodes {
        points.push(point(&bin, &args.work, nodes, args.samples).with_context(|| format!("the {nodes}-node mesh"))?);
    }
    let mut table = format!(
        "{}, release build; ingest is the median of {INGEST_RUNS} runs into an empty folder, {} node pages per size.\n\n",
        machine(),
        args.samples
    );
    table.push_str("| nodes | projects | manifests | ingest | ingest peak memory | index on disk | server RSS after the pages | node page p50 / p95 | node API p50 / p95 |\n");
    table.push_str("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for p in &points {
        table.push_str(&format!(
            "| {} | {} | {:.0} MB | {:.2} s ({:.0} MB/s) | {:.0} MB | {:.0} MB | {:.0} MB | {:.1} / {:.1} ms | {:.1} / {:.1} ms |\n",
            p.nodes,
            p.projects,
            p.manifest_mb,
            p.ingest_s,
            p.manifest_mb / p.ingest_s,
            p.ingest_peak_mb,
            p.index_mb,
            p.rss_mb,
            p.node_page.p(50.0),
            p.node_page.p(95.0),
            p.node_api.p(50.0),
            p.node_api.p(95.0),
        ));
    }
    println!("{table}");
    if let Some(out) = &args.out {
        fs::write(out, &table)?;
    }
    Ok(())
}
