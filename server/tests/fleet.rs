//! A fleet from one published index, against moto's S3 server: `meshlens index --data
//! s3://…` publishes, two `meshlens serve --data s3://…` replicas follow a new
//! generation while a client hammers both, old generations are collected, and two
//! indexers cannot both move `CURRENT`.

#[path = "support/common.rs"]
mod common;
#[path = "support/servers.rs"]
mod servers;

use std::{
    net::TcpStream,
    path::Path,
    process::{Child, Command, Output, Stdio},
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use meshlens_remote::{published::Published, Location};

const POLL: Duration = Duration::from_secs(1);

fn meshlens(moto: &servers::Running) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_meshlens"));
    for (key, _) in std::env::vars() {
        if key.starts_with("AWS_")
            || key.starts_with("AZURE")
            || key.starts_with("GOOGLE_")
            || key.starts_with("MESHLENS_")
        {
            cmd.env_remove(key);
        }
    }
    cmd.env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", moto.url())
        .env("AWS_ALLOW_HTTP", "true");
    cmd
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn create_bucket(moto: &servers::Running, bucket: &str) {
    let (status, _) = servers::request(&format!("127.0.0.1:{}", moto.port), "PUT", &format!("/{bucket}"), b"");
    assert!(status == 200 || status == 409, "creating the bucket: {status}");
}

/// `meshlens index --data URL --cache CACHE PROJECTS…`, which must succeed.
fn publish(moto: &servers::Running, url: &str, cache: &Path, projects: &[&str], extra: &[&str]) -> String {
    let out = meshlens(moto)
        .args(["index", "--data", url, "--cache"])
        .arg(cache)
        .args(extra)
        .args(projects.iter().map(|p| common::demo_artifacts().join(p)))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    text(&out)
}

struct Replica {
    child: Child,
    addr: String,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn replica(moto: &servers::Running, url: &str, cache: &Path) -> Replica {
    let port = servers::free_port();
    let addr = format!("127.0.0.1:{port}");
    let child = meshlens(moto)
        .args(["serve", "--addr", &addr, "--data", url, "--poll-every", "1s", "--cache"])
        .arg(cache)
        .env("MESHLENS_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while TcpStream::connect(&addr).is_err() {
        assert!(started.elapsed() < Duration::from_secs(60), "the replica on {addr} did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Replica { child, addr }
}

fn projects(addr: &str) -> Vec<String> {
    let (status, body) = servers::request(addr, "GET", "/api/v1/projects", b"");
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let mut names: Vec<String> =
        json["projects"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect();
    names.sort();
    names
}

fn store(url: &str, moto: &servers::Running) -> Published {
    // The test process's own environment is the moto endpoint's, for this store only.
    let Location::Remote(mut remote) = Location::parse(url).unwrap() else { panic!("{url} is a URL") };
    remote.config = vec![
        ("aws_access_key_id".into(), "test".into()),
        ("aws_secret_access_key".into(), "test".into()),
        ("aws_region".into(), "us-east-1".into()),
        ("aws_endpoint".into(), moto.url()),
        ("aws_allow_http".into(), "true".into()),
    ];
    Published::open(&remote).unwrap()
}

fn generations_on(moto: &servers::Running, bucket: &str, prefix: &str) -> Vec<String> {
    let (status, body) = servers::request(
        &format!("127.0.0.1:{}", moto.port),
        "GET",
        &format!("/{bucket}?list-type=2&prefix={prefix}/generations/&delimiter=/"),
        b"",
    );
    assert_eq!(status, 200);
    let body = String::from_utf8_lossy(&body);
    let mut names: Vec<String> = body
        .split("<Prefix>")
        .skip(1)
        .filter_map(|s| s.split("</Prefix>").next())
        .filter_map(|p| p.strip_prefix(&format!("{prefix}/generations/")))
        .filter_map(|p| p.strip_suffix('/'))
        .map(str::to_string)
        .collect();
    names.sort();
    names
}

#[test]
fn replicas_follow_a_new_generation_with_no_failed_request() {
    let moto = servers::moto();
    create_bucket(&moto, "fleet");
    let url = "s3://fleet/meshlens/";
    let indexer = tempfile::tempdir().unwrap();
    let out = publish(&moto, url, indexer.path(), &["platform", "finance"], &[]);
    assert!(out.contains("published generation") && out.contains("CURRENT moved"), "{out}");
    // Nothing changed: nothing is uploaded.
    let out = publish(&moto, url, indexer.path(), &["platform", "finance"], &[]);
    assert!(out.contains("nothing changed"), "{out}");
    assert_eq!(generations_on(&moto, "fleet", "meshlens").len(), 1);

    let caches = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let replicas: Vec<Replica> = caches.iter().map(|c| replica(&moto, url, c.path())).collect();
    for r in &replicas {
        assert_eq!(projects(&r.addr), ["finance", "platform"]);
    }

    // A client hammers both replicas with pages and API calls through the swap.
    let stop = Arc::new(AtomicBool::new(false));
    let (sent, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let hammers: Vec<_> = replicas
        .iter()
        .flat_map(|r| [r.addr.clone(), r.addr.clone()])
        .enumerate()
        .map(|(i, addr)| {
            let (stop, sent, failed) = (stop.clone(), sent.clone(), failed.clone());
            std::thread::spawn(move || {
                let paths = ["/api/v1/projects", "/search?q=orders", "/nodes/model.platform.fct_orders", "/mesh"];
                let mut n = i;
                while !stop.load(Ordering::Relaxed) {
                    let (status, _) = servers::request(&addr, "GET", paths[n % paths.len()], b"");
                    sent.fetch_add(1, Ordering::Relaxed);
                    if status != 200 {
                        failed.fetch_add(1, Ordering::Relaxed);
                        eprintln!("{addr}{}: {status}", paths[n % paths.len()]);
                    }
                    n += 1;
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));

    // Another indexer (its own cache) publishes the next generation.
    let other = tempfile::tempdir().unwrap();
    let out = publish(&moto, url, other.path(), &["marketing"], &[]);
    assert!(out.contains("published generation"), "{out}");
    let moved = Instant::now();
    let mut followed = [None, None];
    while followed.iter().any(Option::is_none) && moved.elapsed() < Duration::from_secs(30) {
        for (i, r) in replicas.iter().enumerate() {
            if followed[i].is_none() && projects(&r.addr).len() == 3 {
                followed[i] = Some(moved.elapsed());
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    for h in hammers {
        h.join().unwrap();
    }
    for (i, time) in followed.iter().enumerate() {
        let time = time.unwrap_or_else(|| panic!("replica {i} never served the new generation"));
        eprintln!("replica {i} followed in {:.0} ms", time.as_secs_f64() * 1000.0);
        assert!(time <= 2 * POLL, "replica {i} took {time:?}, more than twice the poll interval");
        assert_eq!(projects(&replicas[i].addr), ["finance", "marketing", "platform"]);
    }
    let sent = sent.load(Ordering::Relaxed);
    assert!(sent > 50, "the client sent only {sent} requests");
    assert_eq!(failed.load(Ordering::Relaxed), 0, "of {sent} requests");
}

#[test]
fn old_generations_are_collected_keeping_the_last_few() {
    let moto = servers::moto();
    create_bucket(&moto, "collect");
    let url = "s3://collect/idx";
    let cache = tempfile::tempdir().unwrap();
    let rounds: [&[&str]; 4] = [&["platform"], &["platform", "finance"], &["marketing"], &["exec_reporting"]];
    for projects in rounds {
        publish(&moto, url, cache.path(), projects, &["--keep-generations", "2"]);
    }
    let kept = generations_on(&moto, "collect", "idx");
    assert_eq!(kept.len(), 2, "{kept:?}");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let current = runtime.block_on(store(url, &moto).current()).unwrap().unwrap();
    assert_eq!(kept.last(), Some(&current.generation));

    // `remove` publishes too, and a fresh machine's `search` follows CURRENT.
    let out = meshlens(&moto)
        .args(["remove", "--data", url, "--cache"])
        .arg(cache.path())
        .arg("exec_reporting")
        .output()
        .unwrap();
    assert!(out.status.success() && text(&out).contains("published generation"), "{}", text(&out));
    let fresh = tempfile::tempdir().unwrap();
    let out = meshlens(&moto)
        .args(["search", "--data", url, "--cache"])
        .arg(fresh.path())
        .args(["--json", "project:exec_reporting"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["total"], 0, "{json}");
}

#[test]
fn of_two_indexers_from_the_same_current_only_one_moves_it() {
    let moto = servers::moto();
    create_bucket(&moto, "race");
    let url = "s3://race/idx/";
    let cache = tempfile::tempdir().unwrap();
    publish(&moto, url, cache.path(), &["platform"], &[]);
    let published = store(url, &moto);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let both_read = runtime.block_on(published.current()).unwrap().unwrap();
    // Each uploads its generation (the same files will do), then moves CURRENT from
    // what both read.
    let folder = cache.path().join("generations").join(&both_read.generation);
    for name in ["g900000000000000000000001-1", "g900000000000000000000002-2"] {
        runtime.block_on(published.upload(name, &folder)).unwrap();
    }
    runtime.block_on(published.move_current("g900000000000000000000001-1", Some(&both_read))).unwrap();
    let lost = runtime.block_on(published.move_current("g900000000000000000000002-2", Some(&both_read))).unwrap_err();
    let message = lost.to_string();
    assert!(
        message.contains("CURRENT moved to g900000000000000000000001-1") && message.contains("nothing was published"),
        "{message}"
    );
    assert_eq!(runtime.block_on(published.current()).unwrap().unwrap().generation, "g900000000000000000000001-1");
    // Publishing where nothing was published yet is a create: a second create loses.
    let fresh = store("s3://race/empty/", &moto);
    runtime.block_on(fresh.move_current("g900000000000000000000001-1", None)).unwrap();
    assert!(runtime.block_on(fresh.move_current("g900000000000000000000002-2", None)).is_err());

    // A replica of a URL where nothing is published says so.
    let empty = tempfile::tempdir().unwrap();
    let out = meshlens(&moto)
        .args(["search", "--data", "s3://race/nothing/", "--cache"])
        .arg(empty.path())
        .arg("orders")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out).contains("s3://race/nothing/: nothing is published here yet"), "{}", text(&out));
}
