//! Page server times and first-load bytes, measured over HTTP on loopback.

use std::{net::SocketAddr, time::Instant};

use anyhow::{bail, Context};

use crate::{http_client::Client, process::percentile};

/// Browsers ask for both; the server picks.
pub const BROWSER_ENCODINGS: &str = "br, gzip";

pub struct PageTimes {
    pub page: &'static str,
    pub ms: Vec<f64>,
    /// The p95 this page is held to.
    pub target_ms: f64,
}

impl PageTimes {
    pub fn p(&self, p: f64) -> f64 {
        percentile(&self.ms, p)
    }
}

/// Times each URL once, in order, on one kept-alive connection: the time from the
/// request to the last byte of the (compressed) response.
pub fn time_urls(addr: SocketAddr, page: &'static str, urls: &[String], target_ms: f64) -> anyhow::Result<PageTimes> {
    let mut client = Client::new(addr);
    let mut ms = Vec::with_capacity(urls.len());
    for url in urls {
        let started = Instant::now();
        let response = client.get(url, Some(BROWSER_ENCODINGS))?;
        ms.push(started.elapsed().as_secs_f64() * 1000.0);
        if response.status != 200 {
            bail!("{url}: status {}", response.status);
        }
    }
    Ok(PageTimes { page, ms, target_ms })
}

#[derive(Debug, Default, Clone)]
pub struct FirstLoad {
    pub page: &'static str,
    pub html: u64,
    pub js: u64,
    pub wasm: u64,
    pub css: u64,
    pub assets: Vec<String>,
}

impl FirstLoad {
    pub fn total(&self) -> u64 {
        self.html + self.js + self.wasm + self.css
    }
}

/// Quoted strings in `text` that start with `/` and end in .js, .wasm or .css.
fn asset_urls(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for quote in ['"', '\''] {
        for (i, piece) in text.split(quote).enumerate() {
            // Odd pieces are inside quotes.
            if i % 2 == 1 && piece.len() < 300 {
                let path = piece.split(['?', '#']).next().unwrap_or(piece);
                if (path.ends_with(".js") || path.ends_with(".wasm") || path.ends_with(".css")) && !path.contains(' ') {
                    found.push(piece.to_string());
                }
            }
        }
    }
    found
}

fn resolve(base: &str, reference: &str) -> String {
    if reference.starts_with('/') {
        return reference.to_string();
    }
    let dir = base.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    format!("{dir}/{}", reference.trim_start_matches("./"))
}

/// What a browser downloads on a first visit to `url`: the page, then every script,
/// stylesheet and wasm module it references, and the wasm the loader imports, each
/// counted as sent (compressed).
pub fn first_load(addr: SocketAddr, page: &'static str, url: &str) -> anyhow::Result<FirstLoad> {
    let mut client = Client::new(addr);
    let compressed = client.get(url, Some(BROWSER_ENCODINGS))?;
    let plain = client.get(url, None)?;
    if plain.status != 200 {
        bail!("{url}: status {}", plain.status);
    }
    let mut load = FirstLoad { page, html: compressed.body.len() as u64, ..FirstLoad::default() };
    // (URL, whether the page needs it): a loader's built-in default module name is
    // fetched only when nothing names another.
    let mut queue: Vec<(String, bool)> =
        asset_urls(&plain.text()).into_iter().map(|a| (resolve(url, &a), true)).collect();
    let mut seen: Vec<String> = Vec::new();
    while let Some((asset, required)) = queue.pop() {
        if seen.contains(&asset) {
            continue;
        }
        let sent = client.get(&asset, Some(BROWSER_ENCODINGS)).with_context(|| asset.clone())?;
        if sent.status != 200 {
            if required {
                bail!("{asset} (referenced by {url}): status {}", sent.status);
            }
            continue;
        }
        seen.push(asset.clone());
        let bytes = sent.body.len() as u64;
        let path = asset.split(['?', '#']).next().unwrap_or(&asset);
        if path.ends_with(".js") {
            load.js += bytes;
            let source = client.get(&asset, None)?.text();
            queue.extend(
                asset_urls(&source).into_iter().filter(|a| a.ends_with(".wasm")).map(|a| (resolve(&asset, &a), true)),
            );
            // wasm-bindgen's loader falls back to a module named relative to itself.
            for piece in source.split('\'').chain(source.split('"')) {
                if piece.ends_with(".wasm") && !piece.starts_with('/') && piece.len() < 100 && !piece.contains(' ') {
                    queue.push((resolve(&asset, piece), false));
                }
            }
        } else if path.ends_with(".wasm") {
            load.wasm += bytes;
        } else {
            load.css += bytes;
        }
    }
    seen.sort();
    load.assets = seen;
    Ok(load)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assets_are_found_in_html_and_loaders() {
        let html = r#"<link rel="modulepreload" href="/pkg/meshlens.js"><link rel="stylesheet" href="/pkg/meshlens.css">
            <script>import('/pkg/meshlens.js').then(m => m.default({module_or_path: '/pkg/meshlens.wasm'}))</script>"#;
        let found = asset_urls(html);
        assert!(found.contains(&"/pkg/meshlens.js".to_string()));
        assert!(found.contains(&"/pkg/meshlens.css".to_string()));
        assert!(found.contains(&"/pkg/meshlens.wasm".to_string()));
        assert_eq!(resolve("/pkg/meshlens.js", "meshlens_bg.wasm"), "/pkg/meshlens_bg.wasm");
    }
}
