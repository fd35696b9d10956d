//! `meshlens-bench run`: the whole benchmark on a generated mesh, printed as the
//! README's markdown table.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use anyhow::{bail, Context};

use crate::{
    generate::{MeshSpec, Split},
    http_client::Client,
    pages::{self, FirstLoad, PageTimes},
    process::{machine, percentile},
    report::{self, RealShaped, Results, SearchTimes},
    server::{self, encode, Server},
    workload,
};

/// The binary and the generated mesh `run` and `load` work on.
#[derive(clap::Args, Debug, Clone)]
pub struct MeshArgs {
    /// The meshlens binary; without it, `cargo build --release -p server` builds one.
    #[arg(long)]
    pub bin: Option<PathBuf>,
    /// Where generated meshes and index folders go (kept between runs).
    #[arg(long, default_value = "/var/tmp/meshlens-bench")]
    pub work: PathBuf,
    #[arg(long, default_value_t = 50)]
    pub projects: usize,
    /// Models per project; a project has 4 nodes per model (see `generate`).
    #[arg(long, default_value_t = 250)]
    pub models: usize,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

impl MeshArgs {
    pub fn spec(&self) -> MeshSpec {
        MeshSpec { projects: self.projects, models: self.models, seed: self.seed, shapes: false, real_scale: false }
    }
}

#[derive(clap::Args, Debug, Clone)]
pub struct RunArgs {
    #[command(flatten)]
    pub mesh: MeshArgs,
    /// Requests per page kind.
    #[arg(long, default_value_t = 60)]
    pub samples: usize,
    /// Rounds over the search query set.
    #[arg(long, default_value_t = 10)]
    pub search_rounds: usize,
    /// Also write the table to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// The release binary: given, or built (the site bundle must already be in target/site).
pub fn binary(bin: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(bin) = bin {
        return Ok(bin.to_path_buf());
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().context("bench lives in the workspace")?;
    eprintln!("building the release binary: cargo build --release -p server");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "-p", "server", "--bin", "meshlens"])
        .current_dir(root)
        .status()?;
    if !status.success() {
        bail!("cargo build --release -p server failed");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    Ok(target.join("release/meshlens"))
}

/// The project re-indexed after a change: one in the middle, upstream of some and
/// downstream of others.
pub fn changed_project(projects: usize) -> usize {
    projects / 2
}

pub fn run(args: RunArgs) -> anyhow::Result<()> {
    let bin = binary(args.mesh.bin.as_deref())?;
    fs::create_dir_all(&args.mesh.work)?;
    let spec = args.mesh.spec();
    let mesh = server::prepare_mesh(&args.mesh.work, &spec)?;
    let changed = changed_project(args.mesh.projects);
    mesh.rewrite(changed, 0)?;

    let data = args.mesh.work.join("data-run");
    let _ = fs::remove_dir_all(&data);
    // Read once before the measured run, so it measures meshlens and not the disk.
    for dir in &mesh.dirs {
        for file in ["manifest.json", "run_results.json"] {
            let _ = fs::read(dir.join(file));
        }
    }
    eprintln!("indexing {} projects ({:.0} MB of manifests)", mesh.dirs.len(), mesh.manifest_bytes as f64 / 1e6);
    let ingest = server::index(&bin, &data, &mesh.dirs)?;
    eprint!("{}", ingest.stdout);

    let server = Server::start(&bin, &data)?;
    let rss_started_mb = server.rss_mb();
    let load = workload::workload(&mesh.plan, args.samples);

    // Warm-up: every page kind once, and the search query set once.
    warm_up(server.addr, &load)?;
    search_times(server.addr, &load.queries, 1)?;

    eprintln!("timing pages ({} requests each)", args.samples);
    let page_times = time_pages(server.addr, &load, args.samples)?;
    let node_api = time_node_api(server.addr, &load)?;
    let lineage_500_selected = selected_count(server.addr, &load.lineage_500[0])?;

    eprintln!("timing the search API ({} queries x {} rounds)", load.queries.len(), args.search_rounds);
    let search = search_times(server.addr, &load.queries, args.search_rounds)?;

    let first_loads: Vec<FirstLoad> = vec![
        pages::first_load(server.addr, "home", "/")?,
        pages::first_load(server.addr, "node", &load.node_pages[0])?,
        pages::first_load(server.addr, "lineage", &load.lineage_500[0])?,
        pages::first_load(server.addr, "search", &load.search_pages[0])?,
        pages::first_load(server.addr, "mesh", "/mesh")?,
    ];
    let rss_warm_mb = server.rss_mb();

    eprintln!("re-indexing after a change to {}", mesh.plan.projects[changed].name);
    let before = server.generation();
    mesh.rewrite(changed, 1)?;
    let reindex = server::index(&bin, &data, &mesh.dirs)?;
    eprint!("{}", reindex.stdout);
    let published = Instant::now();
    let served_after = loop {
        if server.generation() != before {
            break Some(published.elapsed().as_secs_f64());
        }
        if published.elapsed() > Duration::from_secs(30) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let rss_after_swap_mb = server.rss_mb();
    mesh.rewrite(changed, 0)?;
    drop(server);

    let real_shaped = real_shaped(&bin, &args.mesh.work, args.mesh.seed, args.samples)?;

    let results = Results {
        machine: machine(),
        projects: args.mesh.projects,
        models: args.mesh.models,
        split: Split::of(args.mesh.models),
        nodes: mesh.nodes,
        manifest_bytes: mesh.manifest_bytes,
        run_results_bytes: mesh.run_results_bytes,
        ingest,
        page_times,
        node_api,
        lineage_500_selected,
        search,
        first_loads,
        rss_started_mb,
        rss_warm_mb,
        rss_after_swap_mb,
        reindex,
        reindexed_project: mesh.plan.projects[changed].name.clone(),
        served_after,
        real_shaped,
    };
    let table = report::markdown(&results);
    println!("{table}");
    if let Some(out) = &args.out {
        fs::write(out, &table).with_context(|| format!("writing {}", out.display()))?;
    }
    Ok(())
}

/// The same pages on a mesh shaped like the largest public one (`--real-scale`: five
/// projects of over 10,000 nodes each, sharing 10,000 sources, linked both ways).
fn real_shaped(bin: &Path, work: &Path, seed: u64, samples: usize) -> anyhow::Result<RealShaped> {
    let spec = MeshSpec::real_shaped(seed);
    let mesh = server::prepare_mesh(work, &spec)?;
    let data = work.join("data-real-shaped");
    let _ = fs::remove_dir_all(&data);
    eprintln!("indexing the real-shaped mesh ({} projects, {} nodes)", mesh.dirs.len(), mesh.nodes);
    let ingest = server::index(bin, &data, &mesh.dirs)?;
    let server = Server::start(bin, &data)?;
    let load = workload::workload(&mesh.plan, samples);
    warm_up(server.addr, &load)?;
    eprintln!("timing the real-shaped mesh's pages ({samples} requests each)");
    Ok(RealShaped {
        projects: mesh.dirs.len(),
        nodes: mesh.nodes,
        manifest_bytes: mesh.manifest_bytes,
        ingest,
        page_times: time_pages(server.addr, &load, samples)?,
        node_api: time_node_api(server.addr, &load)?,
    })
}

/// Every page kind once, untimed, so the timed requests meet warm caches.
fn warm_up(addr: std::net::SocketAddr, load: &workload::Workload) -> anyhow::Result<()> {
    let urls = ["/".to_string(), "/mesh".to_string(), load.node_pages[0].clone(), load.search_pages[0].clone()];
    pages::time_urls(addr, "warm-up", &urls, f64::INFINITY)?;
    Ok(())
}

/// Server time of every page kind, each against its target.
pub fn time_pages(
    addr: std::net::SocketAddr,
    load: &workload::Workload,
    samples: usize,
) -> anyhow::Result<Vec<PageTimes>> {
    let repeat = |url: &str| vec![url.to_string(); samples];
    Ok(vec![
        pages::time_urls(addr, "home `/`", &repeat("/"), report::PAGE_P95_MS)?,
        pages::time_urls(addr, "node `/nodes/…`", &load.node_pages, report::NODE_PAGE_P95_MS)?,
        pages::time_urls(addr, "lineage, depth 2 `2+model+2`", &load.lineage_depth2, report::LINEAGE_DEPTH2_P95_MS)?,
        pages::time_urls(addr, "lineage, 500-node selection", &load.lineage_500, report::PAGE_P95_MS)?,
        pages::time_urls(addr, "search `/search?q=…`", &load.search_pages, report::SEARCH_PAGE_P95_MS)?,
        pages::time_urls(addr, "mesh `/mesh`", &repeat("/mesh"), report::MESH_P95_MS)?,
        pages::time_urls(
            addr,
            "column lineage API `/api/v1/columns/…/lineage`",
            &load.column_lineage,
            report::COLUMN_LINEAGE_P95_MS,
        )?,
    ])
}

/// The node pages' JSON, `/api/v1/nodes/{id}` for the same nodes.
pub fn time_node_api(addr: std::net::SocketAddr, load: &workload::Workload) -> anyhow::Result<PageTimes> {
    let urls: Vec<String> = load.node_pages.iter().map(|u| u.replacen("/nodes/", "/api/v1/nodes/", 1)).collect();
    pages::time_urls(addr, "node API `/api/v1/nodes/…`", &urls, report::NODE_API_P95_MS)
}

/// How many nodes a lineage view selected (before it cut the drawing).
fn selected_count(addr: std::net::SocketAddr, page_url: &str) -> anyhow::Result<u64> {
    let api = page_url.replacen("/lineage", "/api/v1/lineage", 1);
    let response = Client::new(addr).get(&api, None)?;
    let view: serde_json::Value = serde_json::from_slice(&response.body).context("lineage JSON")?;
    Ok(view["selected"].as_u64().unwrap_or(0))
}

pub fn search_times(addr: std::net::SocketAddr, queries: &[String], rounds: usize) -> anyhow::Result<SearchTimes> {
    let mut client = Client::new(addr);
    let mut times = SearchTimes { queries: queries.len(), ..SearchTimes::default() };
    for _ in 0..rounds {
        for q in queries {
            let url = format!("/api/v1/search?q={}", encode(q));
            let started = Instant::now();
            let response = client.get(&url, None)?;
            times.client_ms.push(started.elapsed().as_secs_f64() * 1000.0);
            if response.status != 200 {
                bail!("{url}: status {}: {}", response.status, response.text());
            }
            let body: serde_json::Value = serde_json::from_slice(&response.body).context("search JSON")?;
            times.took_ms.push(body["took_ms"].as_f64().unwrap_or(f64::NAN));
            if body["total"].as_u64() == Some(0) {
                times.empty.push(q.clone());
            }
        }
    }
    times.empty.sort();
    times.empty.dedup();
    Ok(times)
}

impl SearchTimes {
    pub fn client(&self, p: f64) -> f64 {
        percentile(&self.client_ms, p)
    }

    pub fn took(&self, p: f64) -> f64 {
        percentile(&self.took_ms, p)
    }
}
