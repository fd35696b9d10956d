//! Embeds the browser bundle (target/site/pkg, written by `cargo xtask build`), the
//! stylesheet and assets, and the demo mesh's artifacts, so the binary runs from
//! any folder.

use std::{
    env, fs,
    io::Write,
    path::{Path, PathBuf},
};

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(files_in(&path));
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// FNV-1a: a content hash for ETags, without a build dependency.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest_dir.parent().unwrap().to_path_buf();
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());

    let pkg = root.join("target/site/pkg");
    let style = root.join("style/main.css");
    let assets = root.join("assets");
    let demo = root.join("tests/demo-mesh/artifacts");
    // A folder that exists is watched for changes; create it so cargo does not
    // rerun this script on every build while no bundle has been built yet.
    let _ = fs::create_dir_all(&pkg);
    for watched in [&pkg, &style, &assets, &demo] {
        println!("cargo:rerun-if-changed={}", watched.display());
    }

    // (URL path, file, hash)
    let mut site: Vec<(String, PathBuf)> = Vec::new();
    for file in files_in(&pkg) {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        if name != "meshlens.css" {
            site.push((format!("/pkg/{name}"), file));
        }
    }
    site.push(("/pkg/meshlens.css".to_string(), style));
    for file in files_in(&assets) {
        let rel = file.strip_prefix(&assets).unwrap().to_string_lossy().replace('\\', "/");
        site.push((format!("/{rel}"), file));
    }
    let mut code = String::from("/// (URL path, content, content hash) of every embedded static file.\npub static SITE_FILES: &[(&str, &[u8], &str)] = &[\n");
    for (url, file) in &site {
        let bytes = fs::read(file).unwrap_or_default();
        code.push_str(&format!(
            "    ({url:?}, include_bytes!({:?}), \"{:016x}\"),\n",
            file.display().to_string(),
            fnv(&bytes)
        ));
    }
    code.push_str("];\n");
    // The loader and the wasm are served under a name with their joint hash, cached for
    // good: a new bundle has a new name.
    let bundle: Vec<u8> =
        ["meshlens.js", "meshlens.wasm"].iter().flat_map(|name| fs::read(pkg.join(name)).unwrap_or_default()).collect();
    let complete = ["meshlens.js", "meshlens.wasm"].iter().all(|name| pkg.join(name).is_file());
    code.push_str(&format!(
        "/// Hash of the wasm bundle and its loader, when one is embedded.\npub static BUNDLE_HASH: Option<&str> = {};\n",
        if complete { format!("Some(\"{:012x}\")", fnv(&bundle) >> 16) } else { "None".to_string() }
    ));
    fs::File::create(out.join("site_files.rs")).unwrap().write_all(code.as_bytes()).unwrap();

    let mut code = String::from("/// (project, file name, content) of the demo mesh's artifacts.\npub static DEMO_FILES: &[(&str, &str, &[u8])] = &[\n");
    let mut projects: Vec<PathBuf> =
        fs::read_dir(&demo).map(|d| d.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect()).unwrap_or_default();
    projects.sort();
    for project in projects {
        let name = project.file_name().unwrap().to_string_lossy().into_owned();
        for file in ["manifest.json", "catalog.json", "run_results.json", "sources.json"] {
            let path = project.join(file);
            if path.is_file() {
                code.push_str(&format!(
                    "    ({name:?}, {file:?}, include_bytes!({:?})),\n",
                    path.display().to_string()
                ));
            }
        }
    }
    code.push_str("];\n");
    fs::File::create(out.join("demo_files.rs")).unwrap().write_all(code.as_bytes()).unwrap();
}
