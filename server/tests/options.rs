//! One options struct: a flag, else its environment variable, else meshlens.toml, else
//! the default; `meshlens config` shows the effective values, and the commands use them.

#[path = "support/common.rs"]
mod common;

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    path::Path,
    process::{Command, Stdio},
};

fn meshlens(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_meshlens"));
    cmd.current_dir(dir);
    for var in ["MESHLENS_DATA", "MESHLENS_ADDR", "MESHLENS_UPLOADS_AT_ONCE", "MESHLENS_CONFIG", "MESHLENS_LOG"] {
        cmd.env_remove(var);
    }
    cmd
}

fn json_of(cmd: &mut Command) -> serde_json::Value {
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn config_shows_each_setting_with_where_it_came_from() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("meshlens.toml"),
        "data = \"index\"\ndbt_loom = \"dbt_loom.config.yml\"\n[serve]\naddr = \"127.0.0.1:4100\"\nuploads_at_once = 3\n\n[[projects]]\nname = \"platform\"\npath = \"artifacts/platform\"\n",
    )
    .unwrap();
    let file = tmp.path().join("meshlens.toml");

    // Everything from ./meshlens.toml, the rest by default.
    let config = json_of(meshlens(tmp.path()).args(["config", "--json"]));
    let s = &config["settings"];
    // Relative to the file, which is ./meshlens.toml here.
    assert_eq!(s["data"]["value"], "index");
    assert_eq!(s["data"]["origin"], "meshlens.toml");
    assert_eq!(
        (&s["dbt_loom"]["value"], &s["dbt_loom"]["origin"]),
        (&"dbt_loom.config.yml".into(), &"meshlens.toml".into())
    );
    assert_eq!((&s["addr"]["value"], &s["addr"]["origin"]), (&"127.0.0.1:4100".into(), &"meshlens.toml".into()));
    assert_eq!(s["uploads_at_once"]["value"], 3);
    assert_eq!(s["search_limit"], serde_json::json!({"value": "1..=1000", "origin": "built in"}));
    assert_eq!(s["log"]["origin"], "default");
    assert_eq!(config["projects"][0]["name"], "platform");

    // The environment beats the file, and a flag beats the environment.
    let config = json_of(
        meshlens(tmp.path())
            .args(["config", "--json", "--addr", "127.0.0.1:4300"])
            .env("MESHLENS_ADDR", "127.0.0.1:4200")
            .env("MESHLENS_UPLOADS_AT_ONCE", "5")
            .env("MESHLENS_DATA", "/elsewhere"),
    );
    let s = &config["settings"];
    assert_eq!((&s["addr"]["value"], &s["addr"]["origin"]), (&"127.0.0.1:4300".into(), &"--addr".into()));
    assert_eq!(
        (&s["uploads_at_once"]["value"], &s["uploads_at_once"]["origin"]),
        (&5.into(), &"MESHLENS_UPLOADS_AT_ONCE".into())
    );
    assert_eq!((&s["data"]["value"], &s["data"]["origin"]), (&"/elsewhere".into(), &"MESHLENS_DATA".into()));

    // Without a file, the defaults; the text form says the same.
    let empty = tempfile::tempdir().unwrap();
    let out = meshlens(empty.path()).arg("config").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("addr") && text.contains("127.0.0.1:3000") && text.contains("# default"), "{text}");
    assert!(text.contains("(none: the embedded demo)"), "{text}");
    assert!(text.contains("request_timeout_seconds") && text.contains("# built in"), "{text}");

    // A bad value names the file and the key; a config given that is not there names it too.
    std::fs::write(&file, "[serve]\nuploads_at_once = 100\n").unwrap();
    let out = meshlens(tmp.path()).arg("config").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("meshlens.toml: serve.uploads_at_once: must be from 1 to 64, not 100"), "{stderr}");
    let out = meshlens(tmp.path()).args(["config", "--config", "nowhere.toml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere.toml: cannot read"));
}

/// One project indexed into `dir/data`, and a meshlens.toml that names that folder.
fn one_project_and_a_config(dir: &Path) {
    let artifacts = common::copy_project("platform", &dir.join("artifacts"));
    std::fs::write(
        dir.join("meshlens.toml"),
        format!("data = \"data\"\n\n[[projects]]\npath = \"{}\"\n", artifacts.display()),
    )
    .unwrap();
    // `index` takes both the projects and the data folder from the file.
    let out = meshlens(dir).arg("index").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.join("data/CURRENT").is_file());
}

#[test]
fn index_search_and_check_read_the_data_folder_from_meshlens_toml() {
    let tmp = tempfile::tempdir().unwrap();
    one_project_and_a_config(tmp.path());
    // Only platform is indexed: the embedded demo would answer from four projects.
    let results = json_of(meshlens(tmp.path()).args(["search", "--json", "orders"]));
    let projects: Vec<&str> =
        results["hits"].as_array().unwrap().iter().map(|h| h["project"].as_str().unwrap()).collect();
    assert!(!projects.is_empty() && projects.iter().all(|p| *p == "platform"), "{projects:?}");
    let out = meshlens(tmp.path()).args(["check", "--format", "json"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report.to_string().contains("platform") && !report.to_string().contains("marketing"), "{report}");

    // No data folder anywhere is a usage error.
    let empty = tempfile::tempdir().unwrap();
    let artifacts = common::copy_project("platform", &empty.path().join("artifacts"));
    let out = meshlens(empty.path()).arg("index").arg(&artifacts).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("MESHLENS_DATA"));
}

#[test]
fn serve_reads_its_data_folder_and_address_from_meshlens_toml() {
    let tmp = tempfile::tempdir().unwrap();
    one_project_and_a_config(tmp.path());
    let config = tmp.path().join("serve.toml");
    std::fs::write(
        &config,
        format!("data = \"{}\"\n[serve]\naddr = \"127.0.0.1:0\"\n", tmp.path().join("data").display()),
    )
    .unwrap();
    let mut server = meshlens(tmp.path())
        .args(["serve", "--config"])
        .arg(&config)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(server.stderr.take().unwrap());
    let mut addr = None;
    let mut line = String::new();
    while addr.is_none() && log.read_line(&mut line).unwrap() > 0 {
        addr = line
            .split("listening on http://")
            .nth(1)
            .and_then(|a| a.split(|c: char| c.is_whitespace() || c == '\x1b').next())
            .map(str::to_string);
        line.clear();
    }
    let addr = addr.expect("the server says where it listens");
    let mut stream = TcpStream::connect(&addr).unwrap();
    write!(stream, "GET /api/v1/projects HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"platform\"") && !response.contains("\"marketing\""), "{response}");
}
