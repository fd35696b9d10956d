//! Static files compiled into the binary: the wasm bundle, its loader, the
//! stylesheet and the assets.

use axum::{
    http::{header, HeaderMap, HeaderValue, StatusCode, Uri},
    response::{IntoResponse, Response},
};

include!(concat!(env!("OUT_DIR"), "/site_files.rs"));

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

/// Serves an embedded file by its exact URL path: no file system, so no traversal.
/// Files are revalidated by ETag, so a new binary's bundle is never served stale.
pub async fn serve(uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    let Some((_, bytes, hash)) = SITE_FILES.iter().find(|(url, _, _)| *url == path) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let etag = format!("\"{hash}\"");
    let cache = [(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))];
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type(path))),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (header::ETAG, HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\""))),
        ],
        *bytes,
    )
        .into_response()
}
