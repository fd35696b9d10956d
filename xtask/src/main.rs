//! `cargo xtask`: sets up what the build needs and builds, serves and tests meshlens
//! with plain cargo, wasm-bindgen and wasm-opt, so a fresh machine does not wait a
//! quarter of an hour for cargo-leptos (kept for `cargo leptos watch`).
//!
//! - `cargo xtask demo`:  set up, build release, serve the embedded demo mesh on 127.0.0.1:3000
//! - `cargo xtask test`:  set up (browser too), fmt, clippy, cargo test, browser tests
//! - `cargo xtask build [--release]`: the browser bundle, then the `meshlens` binary
//! - `cargo xtask setup [--browser] [--servers]`: only install what is missing (`--servers`:
//!   moto and Azurite, which the remote-source tests start)
//! - `cargo xtask bench [run|load|scale|browser|versus-dbt-docs|remote|mcp] [flags]`: build release, then the benchmark (bench/) against it

use std::{
    env,
    path::{Path, PathBuf},
    process::{Command, ExitCode},
};

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let release = args.iter().any(|a| a == "--release");
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup(args.iter().any(|a| a == "--browser")).and_then(|()| {
            if args.iter().any(|a| a == "--servers") {
                setup_servers()
            } else {
                Ok(())
            }
        }),
        Some("build") => setup(false).and_then(|()| build(release)),
        // The demo is the debug build: on a fresh machine it compiles minutes sooner than
        // release, and `cargo xtask test` then reuses it.
        Some("demo") => setup(false).and_then(|()| build(false)).and_then(|()| demo(&args[1..])),
        Some("test") => setup(true).and_then(|()| setup_servers()).and_then(|()| test()),
        Some("bench") => {
            // The MCP benchmark's client is installed with the browser tests' npm packages.
            let browser = args.get(1).is_some_and(|a| a == "browser" || a == "versus-dbt-docs" || a == "mcp");
            setup(browser).and_then(|()| build(true)).and_then(|()| bench(&args[1..]))
        }
        _ => Err(
            "usage: cargo xtask <setup [--browser] [--servers] | build [--release] | demo [serve flags] | test | bench [run|load|scale|browser|versus-dbt-docs|remote|mcp] [flags]>"
                .to_string(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

fn cargo() -> String {
    env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

fn step(what: &str) {
    eprintln!("\n==> {what}");
}

fn run(cmd: &mut Command) -> Result {
    let shown = format!("{cmd:?}");
    let status = cmd.current_dir(root()).status().map_err(|e| format!("{shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.current_dir(root()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The wasm-bindgen version Cargo.lock pins; the CLI must be exactly that.
fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(version.trim_end_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen".to_string())
}

/// `cargo install` puts it in $CARGO_HOME/bin, outside the clone, so a fresh clone
/// on the same machine (CI) reuses it.
fn wasm_bindgen_bin() -> PathBuf {
    let cargo_home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    cargo_home.join("bin/wasm-bindgen")
}

fn wasm_opt_bin() -> PathBuf {
    root().join("tests/node_modules/.bin/wasm-opt")
}

/// moto, the S3 server the remote-source tests start, in a venv beside the target dir
/// (outside the clone, kept between runs).
const MOTO: &str = "moto[server]==5.2.5";

fn moto_server_bin() -> PathBuf {
    target_dir().with_file_name("meshlens-tools").join("moto/bin/moto_server")
}

fn azurite_blob_bin() -> PathBuf {
    root().join("tests/node_modules/.bin/azurite-blob")
}

/// Debian packages, installed with sudo unless this is root.
fn apt_install(packages: &[&str]) -> Result {
    let sudo = output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() != "0");
    let apt = |args: &[&str]| {
        let mut cmd = if sudo { Command::new("sudo") } else { Command::new("apt-get") };
        if sudo {
            cmd.arg("apt-get");
        }
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut cmd)
    };
    apt(&["update"])?;
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend(packages);
    apt(&args)
}

/// The protocol servers the tests start themselves: moto (PyPI) and Azurite (npm, with
/// the browser tests' packages).
fn setup_servers() -> Result {
    let moto = moto_server_bin();
    if !moto.exists() {
        if output(Command::new("python3").args(["-c", "import ensurepip, venv"])).is_none() {
            step("installing Debian python3-venv for moto");
            apt_install(&["python3-venv"])?;
        }
        let venv = moto.parent().and_then(Path::parent).ok_or("moto's venv has a folder")?.to_path_buf();
        step(&format!("installing {MOTO} into {}", venv.display()));
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
        run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", MOTO]))?;
    }
    if !azurite_blob_bin().exists() {
        step("installing npm packages (azurite)");
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--prefix", "tests"]))?;
    }
    Ok(())
}

fn setup(browser: bool) -> Result {
    let targets = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !targets.lines().any(|t| t.trim() == "wasm32-unknown-unknown") {
        step("adding the wasm32-unknown-unknown target");
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }

    let wanted = locked_wasm_bindgen()?;
    let have = output(Command::new(wasm_bindgen_bin()).arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) != Some(wanted.as_str()) {
        step(&format!("installing wasm-bindgen-cli {wanted} (about 4 minutes on 2 cores)"));
        run(Command::new(cargo()).args(["install", "wasm-bindgen-cli", "--version", &wanted, "--force"]))?;
    }

    // wasm-opt comes from npm's binaryen: Debian bookworm's binaryen 108 emits wasm that never hydrates.
    let modules = root().join("tests/node_modules");
    let client_tests = ["playwright-core", "@modelcontextprotocol/sdk"];
    if !wasm_opt_bin().exists() || (browser && client_tests.iter().any(|m| !modules.join(m).exists())) {
        step("installing npm packages (binaryen, playwright-core, the MCP SDK)");
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--prefix", "tests"]))?;
    }

    if browser && !Path::new("/usr/bin/chromium").exists() {
        step("installing Debian chromium for the browser tests");
        apt_install(&["chromium", "fonts-dejavu-core"])?;
    }
    Ok(())
}

/// The browser bundle (wasm + js loader) into target/site/pkg, where the server's
/// build script embeds it, then the server itself.
fn build(release: bool) -> Result {
    step("building the browser bundle (frontend -> wasm)");
    run(Command::new(cargo()).args([
        "build",
        "--package",
        "frontend",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ]))?;
    let wasm = target_dir().join("wasm32-unknown-unknown/wasm-release/frontend.wasm");
    let pkg = root().join("target/site/pkg");
    let staging = root().join("target/site/pkg-staging");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(|e| format!("{}: {e}", staging.display()))?;
    run(Command::new(wasm_bindgen_bin())
        .args(["--target", "web", "--no-typescript", "--out-name", "meshlens", "--out-dir"])
        .arg(&staging)
        .arg(&wasm))?;
    step("optimising the wasm for size (wasm-opt -Oz)");
    run(Command::new(wasm_opt_bin())
        .args([
            "-Oz",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-reference-types",
            "--enable-multivalue",
            "--enable-mutable-globals",
        ])
        .arg(staging.join("meshlens_bg.wasm"))
        .arg("-o")
        .arg(staging.join("meshlens.wasm")))?;
    std::fs::remove_file(staging.join("meshlens_bg.wasm")).map_err(|e| e.to_string())?;
    // Replace the bundle only when it is whole, and only touch files that changed, so
    // the server's build script does not rebuild for nothing.
    std::fs::create_dir_all(&pkg).map_err(|e| e.to_string())?;
    for name in ["meshlens.js", "meshlens.wasm"] {
        let new = std::fs::read(staging.join(name)).map_err(|e| format!("{name}: {e}"))?;
        if std::fs::read(pkg.join(name)).ok().as_deref() != Some(new.as_slice()) {
            std::fs::write(pkg.join(name), new).map_err(|e| format!("{name}: {e}"))?;
        }
    }
    let _ = std::fs::remove_dir_all(&staging);

    step(if release { "building meshlens (release)" } else { "building meshlens (debug)" });
    let mut cmd = Command::new(cargo());
    cmd.args(["build", "--package", "server", "--bin", "meshlens"]);
    if release {
        cmd.arg("--release");
    }
    run(&mut cmd)
}

fn demo(serve_args: &[String]) -> Result {
    let bin = target_dir().join("debug/meshlens");
    step(&format!("serving the embedded demo mesh: {} serve {}", bin.display(), serve_args.join(" ")));
    run(Command::new(bin).arg("serve").args(serve_args))
}

/// A benchmark script run by `program`, given the release binaries it drives; the mesh
/// generator is built first.
fn bench_script(program: &str, script: &str) -> Result<Command> {
    step("the benchmark's mesh generator (release)");
    run(Command::new(cargo()).args(["build", "--release", "--package", "bench", "--bin", "meshlens-bench"]))?;
    let mut command = Command::new(program);
    command
        .arg(root().join(script))
        .env("MESHLENS_BIN", target_dir().join("release/meshlens"))
        .env("MESHLENS_BENCH_BIN", target_dir().join("release/meshlens-bench"));
    Ok(command)
}

/// The benchmark (`run`, the default), the load test (`load`) or the browser benchmark
/// (`browser`, bench/browser/views.mjs) of bench/, against the release binary just built;
/// flags go to meshlens-bench (for `browser`, an optional file to write the table to).
fn bench(args: &[String]) -> Result {
    if args.first().is_some_and(|a| a == "remote") {
        setup_servers()?;
        let mut script = bench_script("bash", "bench/remote/s3.sh")?;
        step("remote-source benchmark: bench/remote/s3.sh against moto");
        return run(script.env("MESHLENS_MOTO_SERVER", moto_server_bin()));
    }
    if args.first().is_some_and(|a| a == "mcp") {
        let mut script = bench_script("node", "bench/mcp/tools.mjs")?;
        step("MCP benchmark: bench/mcp/tools.mjs with the SDK's client, over stdio and HTTP");
        return run(&mut script);
    }
    if args.first().is_some_and(|a| a == "browser") {
        let mut script = bench_script("node", "bench/browser/views.mjs")?;
        step("browser benchmark: bench/browser/views.mjs in Debian chromium");
        return run(script.args(&args[1..]));
    }
    if args.first().is_some_and(|a| a == "versus-dbt-docs") {
        let mut script = bench_script("node", "bench/browser/versus-dbt-docs.mjs")?;
        step("dbt docs side by side: bench/browser/versus-dbt-docs.mjs in Debian chromium");
        return run(script.args(&args[1..]));
    }
    let (command, flags) = match args.first().map(String::as_str) {
        Some(c @ ("run" | "load" | "scale" | "generate")) => (c, &args[1..]),
        _ => ("run", args),
    };
    let bin = target_dir().join("release/meshlens");
    step(&format!("meshlens-bench {command} against {}", bin.display()));
    let mut cmd = Command::new(cargo());
    cmd.args(["run", "--quiet", "--release", "--package", "bench", "--", command]);
    if command != "generate" {
        cmd.arg("--bin").arg(&bin);
    }
    run(cmd.args(flags))
}

/// `cargo tree -p meshlens-engine` holds no Leptos, axum or tokio: the boundary the crates
/// draw, kept by the build.
fn engine_is_free_of_web_and_ui() -> Result {
    let out = Command::new(cargo())
        .args(["tree", "--package", "meshlens-engine", "--edges", "normal", "--prefix", "none", "--format", "{p}"])
        .output()
        .map_err(|e| format!("cargo tree: {e}"))?;
    if !out.status.success() {
        return Err(format!("cargo tree failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let tree = String::from_utf8_lossy(&out.stdout);
    let banned: Vec<&str> = tree
        .lines()
        .filter(|line| {
            let name = line.split_whitespace().next().unwrap_or_default();
            name.starts_with("leptos") || name.starts_with("axum") || name == "tokio" || name == "app"
        })
        .collect();
    if banned.is_empty() {
        Ok(())
    } else {
        Err(format!("the engine depends on the web or the UI: {}", banned.join(", ")))
    }
}

fn test() -> Result {
    step("rustfmt");
    run(Command::new(cargo()).args(["fmt", "--all", "--check"]))?;
    step("clippy (server, app, xtask)");
    run(Command::new(cargo()).args([
        "clippy",
        "--workspace",
        "--exclude",
        "frontend",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    step("the engine knows neither the web nor the UI (ARCHITECTURE.md)");
    engine_is_free_of_web_and_ui()?;
    step("clippy (the browser bundle)");
    run(Command::new(cargo()).args([
        "clippy",
        "--package",
        "frontend",
        "--package",
        "app",
        "--features",
        "app/hydrate",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))?;
    build(false)?;
    step("cargo test (with moto and Azurite for the remote-source tests)");
    run(Command::new(cargo())
        .args(["test", "--workspace", "--exclude", "frontend"])
        .env("MESHLENS_MOTO_SERVER", moto_server_bin())
        .env("MESHLENS_AZURITE_BLOB", azurite_blob_bin()))?;
    step("the benchmark's mesh generator, for the browser tests at real scale");
    run(Command::new(cargo()).args(["build", "--package", "bench", "--bin", "meshlens-bench"]))?;
    step("browser tests (Debian chromium, JavaScript on and off) and the MCP SDK's client");
    run(Command::new("node")
        .args(["--test", "--test-concurrency=1", "tests/browser/", "tests/mcp/"])
        .env("MESHLENS_BIN", target_dir().join("debug/meshlens"))
        .env("MESHLENS_BENCH_BIN", target_dir().join("debug/meshlens-bench")))
}
