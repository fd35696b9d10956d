//! Real protocol servers for the remote-source tests, started by the tests themselves
//! on free loopback ports and stopped (by PID) when dropped: moto's S3 server, Azurite's
//! blob service, Python's static HTTP server, and a small scripted HTTP server for the
//! answers the others cannot give (403, dbt Cloud's Admin API).
//!
//! `cargo xtask test` installs moto and Azurite and says where they are with
//! MESHLENS_MOTO_SERVER and MESHLENS_AZURITE_BLOB; without them the tests look on PATH
//! and in tests/node_modules, and fail saying what to install.
#![allow(dead_code)]

use std::{
    fs,
    io::{BufRead, BufReader, Read, Write},
    net::{SocketAddr, TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    thread,
    time::{Duration, Instant},
};

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_for_port(port: u16, what: &str, child: &mut Child) {
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited with {status} before it listened");
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{what} did not listen on {port} within 60 s");
        thread::sleep(Duration::from_millis(100));
    }
}

/// A child process killed when dropped, with its stderr (and stdout) in `log`.
pub struct Running {
    pub child: Child,
    pub port: u16,
    pub log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Running {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn log_text(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

fn spawn(program: &Path, args: &[&str], what: &str, port: u16, cwd: Option<&Path>) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let file = fs::File::create(&log).unwrap();
    let mut cmd = Command::new(program);
    cmd.args(args).stdin(Stdio::null()).stdout(file.try_clone().unwrap()).stderr(file);
    if let Some(cwd) = cwd {
        cmd.current_dir(cwd);
    }
    let mut child = cmd.spawn().unwrap_or_else(|e| {
        panic!("{what}: cannot start {}: {e}; `cargo xtask setup --servers` installs it", program.display())
    });
    wait_for_port(port, what, &mut child);
    Running { child, port, log, _dir: dir }
}

fn tool(env: &str, fallback: PathBuf) -> PathBuf {
    std::env::var_os(env).map(PathBuf::from).unwrap_or(fallback)
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// moto's standalone S3 server.
pub fn moto() -> Running {
    let port = free_port();
    let bin = tool("MESHLENS_MOTO_SERVER", PathBuf::from("moto_server"));
    spawn(&bin, &["-H", "127.0.0.1", "-p", &port.to_string()], "moto_server", port, None)
}

/// Azurite's blob service, on its own empty folder.
pub fn azurite() -> (Running, tempfile::TempDir) {
    let port = free_port();
    let store = tempfile::tempdir().unwrap();
    let bin = tool("MESHLENS_AZURITE_BLOB", repo().join("tests/node_modules/.bin/azurite-blob"));
    let location = store.path().display().to_string();
    let running = spawn(
        &bin,
        &[
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            &port.to_string(),
            "--location",
            &location,
            "--skipApiVersionCheck",
            "--loose",
            "--disableTelemetry",
        ],
        "azurite-blob",
        port,
        None,
    );
    (running, store)
}

/// Python's static file server over `root`.
pub fn static_http(root: &Path) -> Running {
    let port = free_port();
    spawn(
        Path::new("python3"),
        &["-m", "http.server", &port.to_string(), "--bind", "127.0.0.1"],
        "python3 -m http.server",
        port,
        Some(root),
    )
}

/// One raw HTTP/1.1 request (moto takes unsigned requests): status and body.
pub fn request(addr: &str, method: &str, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(body).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let text = String::from_utf8_lossy(&response);
    let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.as_bytes().to_vec()).unwrap_or_default();
    (status, body)
}

/// Creates `bucket` on moto (an unsigned request, which moto allows) and puts each
/// folder's files at `prefix/<folder name>/`, signed as `test`/`test`.
pub fn s3_upload(moto: &Running, bucket: &str, prefix: &str, folders: &[PathBuf]) {
    let addr = format!("127.0.0.1:{}", moto.port);
    let (status, _) = request(&addr, "PUT", &format!("/{bucket}"), b"");
    assert!(status == 200 || status == 409, "creating the bucket: {status}");
    for folder in folders {
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        for entry in fs::read_dir(folder).unwrap().flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            s3_put(moto, bucket, &format!("{prefix}/{name}/{file}"), fs::read(entry.path()).unwrap());
        }
    }
}

/// Puts one object on moto, signed.
pub fn s3_put(moto: &Running, bucket: &str, key: &str, body: Vec<u8>) {
    use object_store::ObjectStoreExt;
    let store = object_store::aws::AmazonS3Builder::new()
        .with_endpoint(moto.url())
        .with_allow_http(true)
        .with_bucket_name(bucket)
        .with_region("us-east-1")
        .with_access_key_id("test")
        .with_secret_access_key("test")
        .build()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime
        .block_on(store.put(&object_store::path::Path::from(key), body.into()))
        .unwrap_or_else(|e| panic!("putting {key}: {e}"));
}

/// Uploads folders to Azurite with tests/servers/azure-upload.mjs.
pub fn azure_upload(azurite: &Running, container: &str, prefix: &str, folders: &[PathBuf]) {
    let script = repo().join("tests/servers/azure-upload.mjs");
    let out = Command::new("node")
        .arg(script)
        .arg(format!("{}/devstoreaccount1", azurite.url()))
        .args([container, prefix])
        .args(folders)
        .output()
        .unwrap();
    assert!(out.status.success(), "azure upload: {}", String::from_utf8_lossy(&out.stderr));
}

/// A request a scripted server saw: its method, path (with query) and headers.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// What a scripted server answers: status, headers and body.
pub type Answer = (u16, Vec<(String, String)>, Vec<u8>);

/// A small HTTP server on a thread that answers with `answer` and records requests.
pub struct Scripted {
    pub addr: SocketAddr,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
}

impl Scripted {
    pub fn start(answer: impl Fn(&Seen) -> Answer + Send + 'static) -> Scripted {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen_in, stop_in) = (seen.clone(), stop.clone());
        thread::spawn(move || {
            while !stop_in.load(Ordering::Relaxed) {
                let Ok((stream, _)) = listener.accept() else {
                    thread::sleep(Duration::from_millis(5));
                    continue;
                };
                let _ = stream.set_nonblocking(false);
                let _ = serve_one(stream, &answer, &seen_in);
            }
        });
        Scripted { addr, seen, stop }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve_one(stream: TcpStream, answer: &dyn Fn(&Seen) -> Answer, seen: &Mutex<Vec<Seen>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    // One request a connection is enough for these clients: we answer with
    // `Connection: close`.
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((n, v)) = header.split_once(':') {
            headers.push((n.trim().to_string(), v.trim().to_string()));
        }
    }
    let request = Seen { method, path, headers };
    seen.lock().unwrap().push(request.clone());
    let (status, extra, body) = answer(&request);
    let mut out = stream;
    write!(out, "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n", body.len())?;
    for (n, v) in extra {
        write!(out, "{n}: {v}\r\n")?;
    }
    write!(out, "\r\n")?;
    out.write_all(&body)?;
    out.flush()
}
