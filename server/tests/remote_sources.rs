//! `meshlens index` from where teams keep their artifacts, against real protocol
//! servers the tests start: S3 (moto), Azure Blob (Azurite), a static HTTP server, and
//! a scripted HTTP server for 403s and dbt Cloud's Admin API. Each index run is the
//! binary as a user runs it; requests are counted from the servers' own logs.

#[path = "support/common.rs"]
mod common;
#[path = "support/servers.rs"]
mod servers;

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Output},
    time::{Duration, Instant},
};

use servers::{azure_upload, s3_upload, Scripted};

fn meshlens() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_meshlens"));
    // Nothing from the machine's own cloud settings.
    for (key, _) in std::env::vars() {
        if key.starts_with("AWS_") || key.starts_with("AZURE") || key.starts_with("GOOGLE_") {
            cmd.env_remove(key);
        }
    }
    cmd.env_remove("MESHLENS_CONFIG").env_remove("MESHLENS_DATA").env_remove("DBT_CLOUD_API_TOKEN");
    cmd
}

fn s3_env<'a>(cmd: &'a mut Command, moto: &servers::Running) -> &'a mut Command {
    cmd.env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", moto.url())
        .env("AWS_ALLOW_HTTP", "true")
}

fn azure_env<'a>(cmd: &'a mut Command, azurite: &servers::Running) -> &'a mut Command {
    cmd.env("AZURE_STORAGE_USE_EMULATOR", "true").env("AZURITE_BLOB_STORAGE_URL", azurite.url())
}

fn text(out: &Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The projects the published index holds, by name.
fn indexed_projects(data: &Path) -> Vec<String> {
    let engine = server::engine::Engine::open(server::store::DataDir::new(data), false, None).unwrap();
    let generation = engine.generation().unwrap();
    let mut names: Vec<String> = generation.reader.project_records().unwrap().into_iter().map(|p| p.name).collect();
    names.sort();
    names
}

/// GET lines moto logged since `from`, with their status.
fn s3_gets(log: &str, from: usize) -> Vec<(String, u16)> {
    log.lines()
        .skip(from)
        .filter(|l| l.contains("\"GET ") || l.contains("GET /"))
        .filter_map(|l| {
            let path = l.split("GET ").nth(1)?.split_whitespace().next()?.to_string();
            let status = l.rsplit('"').next()?.split_whitespace().next()?.parse().ok()?;
            Some((path, status))
        })
        .collect()
}

#[test]
fn s3_index_reindex_unchanged_changed_and_down() {
    let mut moto = servers::moto();
    let folders: Vec<PathBuf> = ["platform", "finance"].iter().map(|p| common::demo_artifacts().join(p)).collect();
    s3_upload(&moto, "artifacts", "mesh", &folders);
    let data = tempfile::tempdir().unwrap();
    let urls = ["s3://artifacts/mesh/platform/", "s3://artifacts/mesh/finance"];
    let index = |extra: &[&str], moto: &servers::Running| {
        let out = s3_env(&mut meshlens(), moto)
            .args(["index", "--data"])
            .arg(data.path())
            .args(urls)
            .args(extra)
            .output()
            .unwrap();
        (out.status.code(), text(&out))
    };

    // First run: every file downloaded, both projects indexed.
    let (code, (stdout, stderr)) = index(&[], &moto);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("fetched 2 remote projects"), "{stdout}");
    assert!(stdout.contains("indexed 2 projects"), "{stdout}");
    assert_eq!(indexed_projects(data.path()), ["finance", "platform"]);

    // Unchanged: only conditional requests, each answered 304, one a file the
    // projects have (manifest, catalog, run_results; platform's sources.json too);
    // nothing downloaded or parsed.
    let before = moto.log_text().lines().count();
    let (code, (stdout, stderr)) = index(&[], &moto);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let gets = s3_gets(&moto.log_text(), before);
    assert_eq!(gets.len(), 7, "{gets:?}");
    assert!(gets.iter().all(|(_, status)| *status == 304), "{gets:?}");
    assert!(stdout.contains("7 requests (7 not modified), 0 files downloaded"), "{stdout}");
    assert!(stdout.contains("indexed 0 projects (2 unchanged, 0 failed)"), "{stdout}");

    // One project's manifest changes: that file alone is downloaded and re-indexed.
    let manifest = fs::read_to_string(folders[1].join("manifest.json")).unwrap();
    let changed = manifest.replacen("\"generated_at\"", "\"generated_at_was\": \"x\", \"generated_at\"", 1);
    servers::s3_put(&moto, "artifacts", "mesh/finance/manifest.json", changed.into_bytes());
    let (code, (stdout, _)) = index(&[], &moto);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("1 file downloaded"), "{stdout}");
    assert!(stdout.contains("indexed 1 project (1 unchanged"), "{stdout}");

    // A missing project, a missing bucket and a 403 are reported with their URL; the
    // others still index.
    let forbidden = Scripted::start(|_| (403, vec![], b"<Error><Code>AccessDenied</Code></Error>".to_vec()));
    let forbidden_url = format!("{}/team/", forbidden.url());
    let (code, (stdout, stderr)) =
        index(&["s3://artifacts/mesh/nope/", "s3://no-such-bucket/x/", &forbidden_url], &moto);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("error: s3://artifacts/mesh/nope/: no manifest.json there"), "{stderr}");
    assert!(stderr.contains("error: s3://no-such-bucket/x/:"), "{stderr}");
    assert!(stderr.contains(&format!("error: {forbidden_url}: manifest.json:")) && stderr.contains("403"), "{stderr}");
    assert!(stdout.contains("(2 unchanged, 3 failed)"), "{stdout}");

    // The store down: both fail, and the index keeps what it had.
    moto.stop();
    let started = Instant::now();
    let (code, (_, stderr)) = index(&[], &moto);
    assert_eq!(code, Some(1));
    assert!(started.elapsed() < Duration::from_secs(60), "retries end: {:?}", started.elapsed());
    for url in urls {
        assert!(stderr.contains(&format!("error: {url}")), "{stderr}");
    }
    assert_eq!(indexed_projects(data.path()), ["finance", "platform"]);
}

#[test]
fn azure_blob_index_and_unchanged_reindex() {
    let (azurite, _store) = servers::azurite();
    let folders: Vec<PathBuf> = ["platform", "marketing"].iter().map(|p| common::demo_artifacts().join(p)).collect();
    azure_upload(&azurite, "artifacts", "mesh", &folders);
    let data = tempfile::tempdir().unwrap();
    let run = || {
        let out = azure_env(&mut meshlens(), &azurite)
            .args(["index", "--data"])
            .arg(data.path())
            .args(["az://artifacts/mesh/platform/", "az://artifacts/mesh/marketing/"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{:?}", text(&out));
        text(&out).0
    };
    let first = run();
    assert!(first.contains("indexed 2 projects"), "{first}");
    assert_eq!(indexed_projects(data.path()), ["marketing", "platform"]);
    let second = run();
    assert!(second.contains("7 requests (7 not modified), 0 files downloaded"), "{second}");
    assert!(second.contains("(2 unchanged, 0 failed)"), "{second}");
}

#[test]
fn static_http_folders_and_if_modified_since() {
    let http = servers::static_http(&common::demo_artifacts());
    let data = tempfile::tempdir().unwrap();
    let urls = [format!("{}/platform/", http.url()), format!("{}/exec_reporting", http.url())];
    let run = || {
        let out = meshlens().args(["index", "--data"]).arg(data.path()).args(&urls).output().unwrap();
        assert!(out.status.success(), "{:?}", text(&out));
        text(&out).0
    };
    assert!(run().contains("indexed 2 projects"));
    let before = http.log_text().lines().count();
    let second = run();
    // Python's server sends no ETag: the requests carry If-Modified-Since.
    let lines: Vec<String> = http.log_text().lines().skip(before).map(str::to_string).collect();
    assert_eq!(lines.len(), 7, "{lines:?}");
    assert!(lines.iter().all(|l| l.contains("\" 304 ")), "{lines:?}");
    assert!(second.contains("(2 unchanged, 0 failed)"), "{second}");
}

/// A dbt-loom config with file, s3 and dbt_cloud entries (the dbt Cloud API answered
/// by a scripted server at the documented paths), and an optional entry that fails.
#[test]
fn dbt_loom_config_with_file_s3_and_dbt_cloud() {
    let moto = servers::moto();
    s3_upload(&moto, "loom", "teams", &[common::demo_artifacts().join("finance")]);
    let marketing = common::demo_artifacts().join("marketing");
    let cloud = Scripted::start(move |seen| {
        if seen.header("authorization") != Some("Bearer cloud-token") {
            return (401, vec![], b"{\"status\": {\"code\": 401}}".to_vec());
        }
        let path = seen.path.as_str();
        if path == "/api/v2/accounts/11/runs/?job_definition_id=22&status=10&order_by=-finished_at&limit=1" {
            return (200, vec![], br#"{"data": [{"id": 333, "status": 10}]}"#.to_vec());
        }
        match path.strip_prefix("/api/v2/accounts/11/runs/333/artifacts/") {
            Some(file) => match fs::read(marketing.join(file)) {
                Ok(body) => (200, vec![("ETag".into(), "\"run-333\"".into())], body),
                Err(_) => (404, vec![], b"{}".to_vec()),
            },
            None => (404, vec![], b"{}".to_vec()),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let platform = common::demo_artifacts().join("platform/manifest.json");
    let config = dir.path().join("dbt_loom.config.yml");
    fs::write(
        &config,
        format!(
            "manifests:
  - name: platform
    type: file
    config:
      path: {}
  - name: finance
    type: s3
    config:
      bucket_name: $LOOM_BUCKET
      object_name: teams/finance/manifest.json
  - name: marketing
    type: dbt_cloud
    config:
      account_id: 11
      job_id: 22
      api_endpoint: {}/api/v2
  - name: sales
    type: s3
    optional: true
    config:
      bucket_name: loom
      object_name: teams/sales/manifest.json
",
            platform.display(),
            cloud.url()
        ),
    )
    .unwrap();
    let data = dir.path().join("data");
    let index = |token: Option<&str>| {
        let mut cmd = meshlens();
        s3_env(&mut cmd, &moto).env("LOOM_BUCKET", "loom");
        if let Some(token) = token {
            cmd.env("DBT_CLOUD_API_TOKEN", token);
        }
        cmd.args(["index", "--data"]).arg(&data).arg("--dbt-loom").arg(&config).output().unwrap()
    };
    let out = index(Some("cloud-token"));
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stderr.contains("warning: sales (dbt-loom") && stderr.contains("optional: skipped"), "{stderr}");
    assert_eq!(indexed_projects(&data), ["finance", "marketing", "platform"]);
    assert!(cloud.requests().iter().all(|r| r.header("authorization") == Some("Bearer cloud-token")));

    // Without the token, the dbt Cloud entry says what to set; the rest are unchanged.
    let out = index(None);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("marketing (dbt-loom") && stderr.contains("set DBT_CLOUD_API_TOKEN"), "{stderr}");
    assert!(stdout.contains("(2 unchanged, 1 failed)"), "{stdout}");

    // A bad entry names the file and the field.
    fs::write(&config, "manifests:\n  - name: x\n    type: s3\n    config: {bucket_name: b}\n").unwrap();
    let out = meshlens().args(["index", "--data"]).arg(&data).arg("--dbt-loom").arg(&config).output().unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains(&format!("{}: manifests[0] (x).config.object_name: missing", config.display())),
        "{stderr}"
    );
}

/// `meshlens.toml` projects may be URLs, and `index --every` keeps indexing.
#[test]
fn config_urls_and_scheduled_index() {
    let http = servers::static_http(&common::demo_artifacts());
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("meshlens.toml");
    fs::write(
        &config,
        format!(
            "data = \"data\"\n\n[[projects]]\npath = \"{}/platform/\"\n\n[[projects]]\npath = \"{}\"\n",
            http.url(),
            common::demo_artifacts().join("finance").display()
        ),
    )
    .unwrap();
    let log = dir.path().join("every.log");
    let mut child = meshlens()
        .args(["index", "--every", "1s", "--config"])
        .arg(&config)
        .stdout(fs::File::create(&log).unwrap())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let rounds = loop {
        let text = fs::read_to_string(&log).unwrap_or_default();
        let rounds = text.lines().filter(|l| l.starts_with("indexed ")).count();
        if rounds >= 3 || started.elapsed() > Duration::from_secs(30) {
            break text;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = child.kill();
    let _ = child.wait();
    let lines: Vec<&str> = rounds.lines().filter(|l| l.starts_with("indexed ")).collect();
    assert!(lines.len() >= 3, "{rounds}");
    assert!(lines[0].contains("indexed 2 projects"), "{rounds}");
    assert!(lines[1].contains("indexed 0 projects (2 unchanged"), "{rounds}");
    let changes: Vec<&str> = rounds.lines().filter(|l| l.starts_with("round at ")).collect();
    assert!(
        changes[0].contains("changed: ") && changes[0].contains("platform") && changes[0].contains("finance"),
        "{rounds}"
    );
    assert!(changes[1].ends_with("changed: nothing"), "{rounds}");
    assert_eq!(indexed_projects(&dir.path().join("data")), ["finance", "platform"]);
}

#[test]
fn unknown_schemes_are_refused_with_the_allowed_ones() {
    let data = tempfile::tempdir().unwrap();
    let out = meshlens().args(["index", "--data"]).arg(data.path()).arg("ftp://host/x/").output().unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("ftp://host/x/") && stderr.contains("s3://, gs://"), "{stderr}");
}

/// `serve --index-every`: the server indexes its config's projects at start and on
/// schedule; a source that is down at first is logged, and indexed once it is up.
#[test]
fn serve_indexes_on_a_schedule_and_survives_a_source_down() {
    let root = tempfile::tempdir().unwrap();
    let copy = |name: &str| {
        let to = root.path().join(name);
        fs::create_dir_all(&to).unwrap();
        for entry in fs::read_dir(common::demo_artifacts().join(name)).unwrap().flatten() {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    };
    copy("platform");
    let http = servers::static_http(root.path());
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("meshlens.toml");
    fs::write(
        &config,
        format!(
            "data = \"data\"\n\n[[projects]]\npath = \"{0}/platform/\"\n\n[[projects]]\npath = \"{0}/finance/\"\n",
            http.url()
        ),
    )
    .unwrap();
    let port = servers::free_port();
    let log = dir.path().join("serve.log");
    let mut child = meshlens()
        .args(["serve", "--index-every", "1s", "--addr", &format!("127.0.0.1:{port}"), "--config"])
        .arg(&config)
        .stdout(std::process::Stdio::null())
        .stderr(fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let projects = || -> Option<Vec<String>> {
        let (status, body) = servers::request(&format!("127.0.0.1:{port}"), "GET", "/api/v1/projects", b"");
        if status != 200 {
            return None;
        }
        let json: serde_json::Value = serde_json::from_slice(&body).ok()?;
        let mut names: Vec<String> =
            json["projects"].as_array()?.iter().filter_map(|p| p["name"].as_str().map(String::from)).collect();
        names.sort();
        Some(names)
    };
    let wait_for = |want: &[&str]| {
        let started = Instant::now();
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
                && projects().as_deref() == Some(&want.iter().map(|s| s.to_string()).collect::<Vec<_>>()[..])
            {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "waiting for {want:?}: {:?}\n{}",
                projects(),
                fs::read_to_string(&log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    wait_for(&["platform"]);
    let text = fs::read_to_string(&log).unwrap();
    assert!(text.contains("could not index") && text.contains("/finance/"), "{text}");
    copy("finance");
    wait_for(&["finance", "platform"]);
    let _ = child.kill();
    let _ = child.wait();
}
