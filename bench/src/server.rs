//! Starting `meshlens serve` and `meshlens index` for a benchmark, and the work
//! folder that keeps a generated mesh between runs.

use std::{
    fs,
    net::SocketAddr,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{bail, Context};

use crate::{
    generate::{self, MeshPlan, MeshSpec},
    http_client::Client,
    process::{self, Guard, Measured},
};

/// A generated mesh on disk, with its plan.
pub struct Mesh {
    pub plan: MeshPlan,
    pub dirs: Vec<PathBuf>,
    pub manifest_bytes: u64,
    pub run_results_bytes: u64,
    pub nodes: usize,
}

/// Bumped whenever the generator's output changes, so a cached mesh is rewritten.
const GENERATOR_VERSION: u32 = 1;

/// The mesh of `spec` under `work`, generated unless an identical one is there.
pub fn prepare_mesh(work: &Path, spec: &MeshSpec) -> anyhow::Result<Mesh> {
    let dir = work.join(format!(
        "mesh-p{}-m{}-s{}{}{}",
        spec.projects,
        spec.models,
        spec.seed,
        if spec.shapes { "-shapes" } else { "" },
        if spec.real_scale { "-real" } else { "" }
    ));
    let marker = dir.join("GENERATED");
    let wanted = format!("generator {GENERATOR_VERSION}\n");
    let plan = generate::plan(spec);
    if fs::read_to_string(&marker).ok().as_deref() != Some(wanted.as_str()) {
        let _ = fs::remove_dir_all(&dir);
        eprintln!("generating {} projects of {} models into {}", spec.projects, spec.models, dir.display());
        let started = Instant::now();
        generate::generate(spec, &dir)?;
        fs::write(&marker, &wanted)?;
        eprintln!("generated in {:.1} s", started.elapsed().as_secs_f64());
    }
    let mut mesh = Mesh { dirs: Vec::new(), manifest_bytes: 0, run_results_bytes: 0, nodes: 0, plan };
    for p in &mesh.plan.projects {
        let project_dir = dir.join(&p.name);
        mesh.manifest_bytes += fs::metadata(project_dir.join("manifest.json"))?.len();
        mesh.run_results_bytes += fs::metadata(project_dir.join("run_results.json"))?.len();
        mesh.nodes += generate::own_nodes(p);
        mesh.dirs.push(project_dir);
    }
    Ok(mesh)
}

impl Mesh {
    /// Rewrites project `index` as release `revision` (0 is the original).
    pub fn rewrite(&self, index: usize, revision: u32) -> anyhow::Result<()> {
        let out = self.dirs[index].parent().context("project folder has a parent")?;
        generate::write_project(&self.plan, index, revision, out)?;
        Ok(())
    }
}

/// `meshlens index --data DATA PATH...`, measured.
pub fn index(bin: &Path, data: &Path, dirs: &[PathBuf]) -> anyhow::Result<Measured> {
    // The write steps' times (column lineage among them) go to stderr; nothing else logs.
    let measured = process::run_measured(
        Command::new(bin)
            .arg("index")
            .arg("--data")
            .arg(data)
            .args(dirs)
            .env("MESHLENS_LOG", "warn,meshlens_engine::ingest::generation=debug"),
    )?;
    if !measured.success {
        bail!("meshlens index failed:\n{}{}", measured.stdout, measured.stderr);
    }
    Ok(measured)
}

/// What the server logs once its bundle is compressed for first loads.
const BUNDLE_COMPRESSED: &str = "bundle compressed for first loads";

pub struct Server {
    pub child: Guard,
    pub addr: SocketAddr,
}

impl Server {
    /// Starts `meshlens serve` on `data` and returns once it answers and has compressed
    /// its bundle: until then (2 to 3 s after start-up) a thread of the server is busy
    /// with brotli and first loads are compressed on the fly, larger and slower. The
    /// benchmark measures the server as visitors meet it, not while it starts.
    pub fn start(bin: &Path, data: &Path) -> anyhow::Result<Server> {
        let port = process::free_port()?;
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse()?;
        let mut child = Command::new(bin)
            .arg("serve")
            .arg("--data")
            .arg(data)
            .arg("--addr")
            .arg(addr.to_string())
            .env("MESHLENS_LOG", "warn,server::http::assets=info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {} serve", bin.display()))?;
        let (compressed_tx, compressed) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().context("the server's stderr")?;
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains(BUNDLE_COMPRESSED) {
                    let _ = compressed_tx.send(());
                } else {
                    eprintln!("{line}");
                }
            }
        });
        let server = Server { child: Guard(child), addr };
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut client = Client::new(addr);
        while !client.get("/healthz", None).is_ok_and(|r| r.status == 200) {
            if Instant::now() > deadline {
                bail!("meshlens serve did not answer /healthz within two minutes");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        compressed
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .context("meshlens serve did not log that its bundle was compressed within two minutes")?;
        Ok(server)
    }

    pub fn pid(&self) -> u32 {
        self.child.0.id()
    }

    pub fn rss_mb(&self) -> f64 {
        process::status_kib(self.pid(), "VmRSS").unwrap_or(0) as f64 * 1024.0 / 1e6
    }

    /// The generation /healthz reports.
    pub fn generation(&self) -> Option<String> {
        let response = Client::new(self.addr).get("/healthz", None).ok()?;
        let health: serde_json::Value = serde_json::from_slice(&response.body).ok()?;
        health["generation"].as_str().map(str::to_string)
    }
}

/// Percent-encodes a query value or path segment.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
