//! `meshlens-bench load`: wrk on loopback against search, node and lineage pages of
//! the generated mesh, once on a quiet server and once while projects are re-indexed.

use std::{
    fs,
    path::PathBuf,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{bail, Context};

use crate::{
    generate, hostile,
    run::{binary, changed_project, MeshArgs},
    server::{self, Server},
    workload,
};

#[derive(clap::Args, Debug, Clone)]
pub struct LoadArgs {
    #[command(flatten)]
    pub mesh: MeshArgs,
    /// Seconds each wrk run lasts.
    #[arg(long, default_value_t = 30)]
    pub duration: u64,
    /// wrk's connections, one run per count (`4,16`).
    #[arg(long, value_delimiter = ',', default_values_t = [4, 16])]
    pub connections: Vec<usize>,
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Concurrent diff uploads, each one generated project's manifest.
    #[arg(long, default_value_t = 8)]
    pub uploads: usize,
    /// Models of the uploaded project (8,400 make a manifest of about 150 MB).
    #[arg(long, default_value_t = 8400)]
    pub upload_models: usize,
}

/// The mixed runs keep to the 4-connection load, where p99 is not queueing.
const MIXED_CONNECTIONS: usize = 4;
/// One request in this many is hostile.
const HOSTILE_EVERY: usize = 10;

/// One wrk run: what it was (quiet, re-indexing), its connections, and its figures.
type Run = (String, usize, WrkResult);

#[derive(Debug, Default)]
struct WrkResult {
    requests: u64,
    requests_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    non_2xx: u64,
    socket_errors: u64,
}

fn duration_ms(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (value, unit) = text.split_at(split);
    let value: f64 = value.parse().ok()?;
    Some(match unit {
        "us" => value / 1000.0,
        "ms" => value,
        "s" => value * 1000.0,
        "m" => value * 60_000.0,
        _ => return None,
    })
}

fn parse_wrk(output: &str) -> WrkResult {
    let mut r = WrkResult::default();
    for line in output.lines().map(str::trim) {
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some("50%"), Some(v)) => r.p50_ms = duration_ms(v).unwrap_or(f64::NAN),
            (Some("99%"), Some(v)) => r.p99_ms = duration_ms(v).unwrap_or(f64::NAN),
            (Some("Latency"), Some(v)) if v != "Distribution" => {
                r.max_ms = line.split_whitespace().nth(3).and_then(duration_ms).unwrap_or(f64::NAN);
            }
            (Some("Requests/sec:"), Some(v)) => r.requests_per_second = v.parse().unwrap_or(f64::NAN),
            (Some("Non-2xx"), _) => r.non_2xx = line.rsplit(' ').next().and_then(|n| n.parse().ok()).unwrap_or(0),
            (Some("Socket"), _) => {
                r.socket_errors = line
                    .split(',')
                    .filter_map(|part| part.split_whitespace().last().and_then(|n| n.parse::<u64>().ok()))
                    .sum();
            }
            (Some(n), Some("requests")) => r.requests = n.parse().unwrap_or(0),
            _ => {}
        }
    }
    r
}

/// A wrk script that cycles through `paths`, asking for compressed responses like a browser.
fn script(paths: &[String]) -> String {
    let list: Vec<String> =
        paths.iter().map(|p| format!("  \"{}\"", p.replace('\\', "\\\\").replace('"', "\\\""))).collect();
    format!(
        "local paths = {{\n{}\n}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % #paths) + 1], {{ [\"Accept-Encoding\"] = \"br, gzip\" }})\nend\n",
        list.join(",\n")
    )
}

fn wrk(args: &LoadArgs, connections: usize, script: &std::path::Path, addr: std::net::SocketAddr) -> Command {
    let mut cmd = Command::new("wrk");
    cmd.arg(format!("-t{}", args.threads.min(connections)))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", args.duration))
        .args(["--timeout", "10s", "--latency", "-s"])
        .arg(script)
        .arg(format!("http://{addr}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Search, node and depth-2 lineage pages of 100 nodes of the plan, in turn.
fn mixed_paths(plan: &crate::generate::MeshPlan) -> Vec<String> {
    let w = workload::workload(plan, 100);
    let mut paths = Vec::new();
    for i in 0..100 {
        paths.push(w.search_pages[i].clone());
        paths.push(w.node_pages[i].clone());
        paths.push(w.lineage_depth2[i].clone());
    }
    paths
}

/// wrk on the mesh shaped like the largest public one (`--real-scale`), quiet: its
/// name and one run per connection count.
fn real_shaped_runs(args: &LoadArgs, bin: &std::path::Path) -> anyhow::Result<(String, Vec<Run>)> {
    let spec = generate::MeshSpec::real_shaped(args.mesh.seed);
    let mesh = server::prepare_mesh(&args.mesh.work, &spec)?;
    let data = args.mesh.work.join("data-load-real-shaped");
    let _ = fs::remove_dir_all(&data);
    server::index(bin, &data, &mesh.dirs)?;
    let server = Server::start(bin, &data)?;
    let script_path = args.mesh.work.join("wrk-paths-real-shaped.lua");
    fs::write(&script_path, script(&mixed_paths(&mesh.plan)))?;
    let mut runs = Vec::new();
    for &connections in &args.connections {
        eprintln!("wrk, {connections} connections, {} s, the real-shaped mesh", args.duration);
        let out = wrk(args, connections, &script_path, server.addr).output().context("running wrk")?;
        runs.push(("quiet server".to_string(), connections, parse_wrk(&String::from_utf8_lossy(&out.stdout))));
    }
    let name = format!("real-shaped: {} projects sharing 10,000 sources, {} nodes", mesh.dirs.len(), mesh.nodes);
    Ok((name, runs))
}

pub fn load(args: LoadArgs) -> anyhow::Result<()> {
    if Command::new("wrk").arg("--version").output().is_err() {
        bail!("wrk is not installed: apt-get install -y wrk");
    }
    let bin = binary(args.mesh.bin.as_deref())?;
    fs::create_dir_all(&args.mesh.work)?;
    let spec = args.mesh.spec();
    let mesh = server::prepare_mesh(&args.mesh.work, &spec)?;
    let changed = changed_project(args.mesh.projects);
    mesh.rewrite(changed, 0)?;
    let data = args.mesh.work.join("data-load");
    let _ = fs::remove_dir_all(&data);
    server::index(&bin, &data, &mesh.dirs)?;
    let server = Server::start(&bin, &data)?;

    let paths = mixed_paths(&mesh.plan);
    let script_path = args.mesh.work.join("wrk-paths.lua");
    fs::write(&script_path, script(&paths))?;

    let mut runs: Vec<Run> = Vec::new();
    for &connections in &args.connections {
        eprintln!("wrk, {connections} connections, {} s, no re-index", args.duration);
        let quiet = wrk(&args, connections, &script_path, server.addr).output().context("running wrk")?;
        runs.push(("quiet server".into(), connections, parse_wrk(&String::from_utf8_lossy(&quiet.stdout))));

        eprintln!(
            "wrk, {connections} connections, {} s, while {} is re-indexed again and again",
            args.duration, mesh.plan.projects[changed].name
        );
        let mut child = wrk(&args, connections, &script_path, server.addr).spawn().context("running wrk")?;
        let started = Instant::now();
        let mut reindexes: Vec<f64> = Vec::new();
        let mut revision = 1;
        std::thread::sleep(Duration::from_secs(2));
        while child.try_wait()?.is_none() && started.elapsed() < Duration::from_secs(args.duration.saturating_sub(3)) {
            mesh.rewrite(changed, revision)?;
            reindexes.push(server::index(&bin, &data, &mesh.dirs)?.seconds);
            revision += 1;
            std::thread::sleep(Duration::from_millis(500));
        }
        let output = child.wait_with_output()?;
        let mean = if reindexes.is_empty() { 0.0 } else { reindexes.iter().sum::<f64>() / reindexes.len() as f64 };
        let name = format!("while re-indexing ({} re-index runs of {mean:.1} s on average)", reindexes.len());
        runs.push((name, connections, parse_wrk(&String::from_utf8_lossy(&output.stdout))));
        mesh.rewrite(changed, 0)?;
    }
    let real_runs = real_shaped_runs(&args, &bin)?;

    let hostile_paths = hostile::hostile_paths();
    let seconds = Duration::from_secs(args.duration);
    eprintln!("bench client, {MIXED_CONNECTIONS} connections, {} s, legitimate requests only", args.duration);
    let calm = hostile::mixed_load(server.addr, &paths, &hostile_paths, MIXED_CONNECTIONS, seconds, 0);
    eprintln!(
        "bench client, {MIXED_CONNECTIONS} connections, {} s, one request in {HOSTILE_EVERY} hostile",
        args.duration
    );
    let mixed = hostile::mixed_load(server.addr, &paths, &hostile_paths, MIXED_CONNECTIONS, seconds, HOSTILE_EVERY);
    let upload_spec = generate::MeshSpec {
        projects: 1,
        models: args.upload_models,
        seed: args.mesh.seed,
        shapes: false,
        real_scale: false,
    };
    let upload_mesh = server::prepare_mesh(&args.mesh.work, &upload_spec)?;
    let upload_file = upload_mesh.dirs[0].join("manifest.json");
    eprintln!("{} concurrent uploads of {}", args.uploads, upload_file.display());
    let uploads = hostile::concurrent_uploads(server.addr, server.pid(), &upload_file, args.uploads)?;
    let alive = crate::http_client::Client::new(server.addr).get("/healthz", None).is_ok_and(|r| r.status == 200);
    drop(server);

    let mut table = String::new();
    table.push_str(&format!(
        "wrk -t{} -d{}s on loopback, cycling through {} URLs (search, node and depth-2 lineage pages, compressed), {}.\n\n",
        args.threads,
        args.duration,
        paths.len(),
        crate::process::machine()
    ));
    table.push_str(
        "| mesh | connections | run | requests | requests/s | p50 | p99 | max | failed (non-2xx + socket errors) |\n",
    );
    table.push_str("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    let fifty = format!("{} projects, {} nodes", args.mesh.projects, mesh.nodes);
    let rows = runs.iter().map(|r| (fifty.as_str(), r)).chain(real_runs.1.iter().map(|r| (real_runs.0.as_str(), r)));
    for (mesh_name, (name, connections, r)) in rows {
        table.push_str(&format!(
            "| {mesh_name} | {connections} | {name} | {} | {:.0} | {:.0} ms | {:.0} ms | {:.0} ms | {} |\n",
            r.requests,
            r.requests_per_second,
            r.p50_ms,
            r.p99_ms,
            r.max_ms,
            r.non_2xx + r.socket_errors
        ));
    }
    table.push_str(&format!(
        "\nThe bench's own client, {MIXED_CONNECTIONS} connections, {} s each, the same URLs; hostile requests are {} GETs of the families that once failed (huge, negative and non-numeric offsets and limits, repeated parameters, bad selectors and depths, invalid percent-escapes, 20 KB values, long expand lists).\n\n",
        args.duration,
        hostile_paths.len()
    ));
    table.push_str(
        "| run | legitimate requests | per second | failed | p50 | p99 | hostile requests | hostile answered 5xx or not at all |\n",
    );
    table.push_str("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (name, r) in [("legitimate only", &calm), (&*format!("1 in {HOSTILE_EVERY} hostile"), &mixed)] {
        table.push_str(&format!(
            "| {name} | {} | {:.0} | {} | {:.0} ms | {:.0} ms | {} | {} |\n",
            r.legitimate,
            r.legitimate as f64 / r.seconds,
            r.legitimate_failed,
            r.legitimate_p50_ms,
            r.legitimate_p99_ms,
            r.hostile,
            r.hostile_failed
        ));
    }
    table.push_str(&format!(
        "\n{} concurrent `POST /api/v1/diff` of one {:.0} MB manifest ({} models): {} reports, {} answered 503 (busy), other: {:?}; server RSS {:.0} MB before, peak {:.0} MB; {:.1} s; /healthz afterwards: {}.\n",
        uploads.uploads,
        uploads.bytes as f64 / 1e6,
        args.upload_models,
        uploads.reports,
        uploads.busy,
        uploads.other,
        uploads.rss_before_mb,
        uploads.peak_rss_mb,
        uploads.seconds,
        if alive { "200" } else { "no answer" }
    ));
    println!("{table}");
    if let Some(out) = &args.out {
        fs::write(out, &table)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_output_is_read() {
        let out = "Running 10s test @ http://127.0.0.1:3000
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.50ms    3.10ms   1.20s    90.00%
    Req/Sec   600.00     50.00   700.00     80.00%
  Latency Distribution
     50%   11.00ms
     75%   13.00ms
     90%   15.00ms
     99%  250.00us
  12000 requests in 10.00s, 120.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   1200.00
Transfer/sec:     12.00MB
";
        let r = parse_wrk(out);
        assert_eq!(r.requests, 12000);
        assert_eq!(r.requests_per_second, 1200.0);
        assert_eq!(r.p50_ms, 11.0);
        assert_eq!(r.p99_ms, 0.25);
        assert_eq!(r.max_ms, 1200.0);
        assert_eq!(r.non_2xx, 4);
        assert_eq!(r.socket_errors, 3);
    }
}
