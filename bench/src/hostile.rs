//! Hostile traffic under load, and concurrent diff uploads: what `cargo xtask bench
//! load` adds to the wrk runs. The load here uses the bench's own client so that the
//! legitimate and the hostile requests are timed and counted apart.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{SocketAddr, TcpStream},
    path::Path,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use anyhow::Context;

use crate::{http_client::Client, process::percentile};

/// GET requests a hostile client sends: the families that once took the server
/// down or answered plain text, and others of their kind.
pub fn hostile_paths() -> Vec<String> {
    let long = "a".repeat(20_000);
    let mut paths: Vec<String> = [
        "/search?q=a&offset=100000000000",
        "/search?q=a&offset=18446744073709551616",
        "/search?q=a&offset=-5",
        "/search?q=a&offset=abc",
        "/api/v1/search?q=a&offset=100000000000",
        "/api/v1/search?q=a&limit=nan",
        "/api/v1/search?q=a&offset=1e300",
        "/api/v1/search?q=a&q=b",
        "/api/v1/search?q=%ff%fe",
        "/api/v1/lineage?select=99999999999999999999%2Bfct",
        "/api/v1/lineage?select=%2B%2B%2B",
        "/api/v1/lineage?select=a&collapse=maybe",
        "/lineage?select=%40%40%40",
        "/lineage?select=a%2B20000",
        "/api/v1/nodes/%c3%28",
        "/api/v1/nope",
        "/nodes/..%2F..%2Fetc%2Fpasswd",
        "/owners/%00%0a",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    paths.push(format!("/api/v1/search?q={long}"));
    paths.push(format!("/search?q={long}"));
    paths.push(format!("/api/v1/lineage?select=fct&expand={}", vec!["x"; 300].join(",")));
    paths
}

#[derive(Debug, Default, Clone)]
pub struct MixedRun {
    pub legitimate: u64,
    pub legitimate_failed: u64,
    pub legitimate_p50_ms: f64,
    pub legitimate_p99_ms: f64,
    pub hostile: u64,
    /// Hostile requests answered 5xx or not at all.
    pub hostile_failed: u64,
    pub seconds: f64,
}

/// `connections` closed loops for `duration`; every `hostile_every`-th request of a
/// loop is hostile (0: none).
pub fn mixed_load(
    addr: SocketAddr,
    legitimate: &[String],
    hostile: &[String],
    connections: usize,
    duration: Duration,
    hostile_every: usize,
) -> MixedRun {
    let started = Instant::now();
    let results: Vec<(Vec<f64>, u64, u64, u64)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..connections)
            .map(|c| {
                scope.spawn(move || {
                    let mut client = Client::new(addr);
                    let (mut times, mut failed, mut hostile_sent, mut hostile_failed) = (Vec::new(), 0, 0, 0);
                    let mut i = c * 7;
                    while started.elapsed() < duration {
                        i += 1;
                        if hostile_every > 0 && i % hostile_every == 0 {
                            hostile_sent += 1;
                            let path = &hostile[i / hostile_every % hostile.len()];
                            if client.get(path, Some("br, gzip")).map_or(true, |r| r.status >= 500) {
                                hostile_failed += 1;
                            }
                            continue;
                        }
                        let path = &legitimate[i % legitimate.len()];
                        let sent = Instant::now();
                        let ok = client.get(path, Some("br, gzip")).is_ok_and(|r| r.status < 400);
                        times.push(sent.elapsed().as_secs_f64() * 1000.0);
                        if !ok {
                            failed += 1;
                        }
                    }
                    (times, failed, hostile_sent, hostile_failed)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
    });
    let mut run = MixedRun { seconds: started.elapsed().as_secs_f64(), ..MixedRun::default() };
    let mut times = Vec::new();
    for (t, failed, hostile_sent, hostile_failed) in results {
        run.legitimate += t.len() as u64;
        times.extend(t);
        run.legitimate_failed += failed;
        run.hostile += hostile_sent;
        run.hostile_failed += hostile_failed;
    }
    run.legitimate_p50_ms = percentile(&times, 50.0);
    run.legitimate_p99_ms = percentile(&times, 99.0);
    run
}

#[derive(Debug, Default)]
pub struct UploadRun {
    pub uploads: usize,
    pub bytes: u64,
    pub reports: usize,
    pub busy: usize,
    /// Any other answer, or none.
    pub other: Vec<String>,
    pub peak_rss_mb: f64,
    pub rss_before_mb: f64,
    pub seconds: f64,
}

/// POSTs `file` as a manifest to `/api/v1/diff`, streamed from disk; the status.
fn post_manifest(addr: SocketAddr, file: &Path) -> anyhow::Result<u16> {
    let bytes = std::fs::metadata(file)?.len();
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(600)))?;
    write!(
        stream,
        "POST /api/v1/diff HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {bytes}\r\nConnection: close\r\n\r\n"
    )?;
    // A refused upload is answered before its body is read; the server may then close.
    let _ = std::io::copy(&mut std::fs::File::open(file)?, &mut stream);
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let status = line.split_whitespace().nth(1).context("no status line")?.parse()?;
    let mut rest = Vec::new();
    let _ = reader.read_to_end(&mut rest);
    Ok(status)
}

/// `uploads` concurrent POSTs of `file`, with the server's RSS sampled throughout.
pub fn concurrent_uploads(addr: SocketAddr, pid: u32, file: &Path, uploads: usize) -> anyhow::Result<UploadRun> {
    let rss = || crate::process::status_kib(pid, "VmRSS").unwrap_or(0) as f64 * 1024.0 / 1e6;
    let mut run =
        UploadRun { uploads, bytes: std::fs::metadata(file)?.len(), rss_before_mb: rss(), ..UploadRun::default() };
    let done = Arc::new(AtomicBool::new(false));
    let peak_kib = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (done, peak_kib) = (done.clone(), peak_kib.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                let now = crate::process::status_kib(pid, "VmRSS").unwrap_or(0);
                peak_kib.fetch_max(now, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let started = Instant::now();
    let statuses: Vec<anyhow::Result<u16>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..uploads).map(|_| scope.spawn(|| post_manifest(addr, file))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(anyhow::anyhow!("client thread panicked"))))
            .collect()
    });
    run.seconds = started.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    run.peak_rss_mb = peak_kib.load(Ordering::Relaxed) as f64 * 1024.0 / 1e6;
    for status in statuses {
        match status {
            Ok(200) => run.reports += 1,
            Ok(503) => run.busy += 1,
            Ok(s) => run.other.push(s.to_string()),
            Err(e) => run.other.push(e.to_string()),
        }
    }
    Ok(run)
}
