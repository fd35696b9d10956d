//! Static files compiled into the binary: the wasm bundle, its loader, the
//! stylesheet and the assets. Compressed once with brotli at high quality, not on
//! every request.

use std::{
    collections::HashMap,
    io::Write,
    sync::{Once, OnceLock},
};

use axum::{
    http::{header, HeaderMap, HeaderValue, StatusCode, Uri},
    response::{IntoResponse, Response},
};

include!(concat!(env!("OUT_DIR"), "/site_files.rs"));

/// Brotli-compressed copies of the text and wasm files, by URL path.
static COMPRESSED: OnceLock<HashMap<&'static str, Vec<u8>>> = OnceLock::new();
static START: Once = Once::new();

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "js" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 3);
    {
        // The best quality: it runs once, off the request path, for every visitor's first
        // load. Debug builds (tests) take a quick one so the work does not crowd them.
        let quality = if cfg!(debug_assertions) { 5 } else { 11 };
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, quality, 22);
        let _ = writer.write_all(bytes);
    }
    out
}

/// Compresses the embedded files on a background thread; until it is done, responses
/// are compressed on the fly.
pub fn precompress() {
    START.call_once(|| {
        std::thread::spawn(|| {
            let started = std::time::Instant::now();
            let compressed = SITE_FILES
                .iter()
                .filter(|(url, _, _)| !url.ends_with(".png") && !url.ends_with(".ico"))
                .map(|(url, bytes, _)| (*url, brotli(bytes)))
                .collect();
            let _ = COMPRESSED.set(compressed);
            // Until now first loads were compressed on the fly, larger and slower; the
            // browser benchmark waits for this line.
            tracing::info!(seconds = started.elapsed().as_secs_f64(), "bundle compressed for first loads");
        });
    });
}

/// (URL path, content, content hash)
type SiteFile = (&'static str, &'static [u8], &'static str);

/// The bundle's name in page links: the output name with the bundle's hash, so its
/// URLs change with its content and browsers may keep a copy for good.
pub fn output_name() -> String {
    let name = env!("LEPTOS_OUTPUT_NAME");
    match BUNDLE_HASH {
        Some(hash) => format!("{name}.{hash}"),
        None => name.to_string(),
    }
}

/// The embedded file a URL path names: its own, or for `/pkg/<name>.<hash>.js` and
/// `.wasm`, the bundle's, then cached as immutable.
fn file_of(path: &str) -> Option<(&'static SiteFile, bool)> {
    let hashed = BUNDLE_HASH.and_then(|hash| {
        let file = path.strip_prefix("/pkg/")?;
        let (stem, extension) = file.rsplit_once('.')?;
        (stem == format!("{}.{hash}", env!("LEPTOS_OUTPUT_NAME")) && matches!(extension, "js" | "wasm"))
            .then(|| format!("/pkg/{}.{extension}", env!("LEPTOS_OUTPUT_NAME")))
    });
    let wanted = hashed.as_deref().unwrap_or(path);
    SITE_FILES.iter().find(|(url, _, _)| *url == wanted).map(|file| (file, hashed.is_some()))
}

/// Serves an embedded file by its exact URL path: no file system, so no traversal.
/// Files under their plain names are revalidated by ETag, so a new binary's bundle is
/// never served stale; under hashed names they are cached for a year.
pub async fn serve(uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    let Some(((url, bytes, hash), immutable)) = file_of(path) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let etag = format!("\"{hash}\"");
    let cache_control =
        HeaderValue::from_static(if immutable { "public, max-age=31536000, immutable" } else { "no-cache" });
    let cache = [(header::CACHE_CONTROL, cache_control.clone())];
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    let etag = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\""));
    let accepts_brotli = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("br")));
    let base = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type(path))),
        (header::CACHE_CONTROL, cache_control),
        (header::ETAG, etag),
        (header::VARY, HeaderValue::from_static("accept-encoding")),
    ];
    match COMPRESSED.get().and_then(|c| c.get(url)).filter(|_| accepts_brotli) {
        Some(compressed) => {
            (base, [(header::CONTENT_ENCODING, HeaderValue::from_static("br"))], compressed.clone()).into_response()
        }
        None => (base, *bytes).into_response(),
    }
}
