//! No request takes the server down. Every route is driven with generated hostile
//! input (a fixed seed, a bounded count and a time budget): each answer comes within
//! 5 s, is below 500, and under `/api/` is the JSON error. The cases the server was
//! once killed by, and each limit, are asserted one by one.

#[path = "support/common.rs"]
mod common;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{body::Body, routing::get, Router};
use http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use server::{engine::Engine, http as web, limits::Limits};
use tower::ServiceExt;

const ANSWER_WITHIN: Duration = Duration::from_secs(5);

/// xorshift64*: the same requests on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Values already percent-encoded as they would sit in a URL or form body.
const VALUES: &[&str] = &[
    "",
    "0",
    "-5",
    "1e300",
    "nan",
    "0.5",
    "0x10",
    "100000000000",
    "18446744073709551616",
    "99999999999999999999999999",
    "%",
    "%zz",
    "%ff%fe",
    "%c3%28",
    "%00",
    "%0a%0d",
    "%1b%5b31m",
    "fct_orders",
    "model.finance.fct_orders",
    "%2B%2B%2B",
    "%40%40",
    "9999999999999999999999%2Bfct_orders",
    "fct_orders%2B99999",
    "a%2C",
    "%2C%2C%2C",
    "tag%3A",
    "bogus%3Ax",
    "%22unclosed",
    "owner%3A%22",
    "..%2F..%2Fetc%2Fpasswd",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%E2%80%AE%F0%9F%92%A5",
];

const KEYS: &[&str] =
    &["q", "limit", "offset", "select", "exclude", "expand", "collapse", "up", "down", "lens", "error"];

/// A value for a URL (`http` takes URIs up to 64 KB) or, `in_body`, up to a megabyte.
fn value_for(rng: &mut Rng, in_body: bool) -> String {
    match rng.below(10) {
        // Long strings: near the query limit, over it, and (in a body) a megabyte.
        0 => "a".repeat([100, 4_000, 16_000, 17_000, if in_body { 1 << 20 } else { 30_000 }][rng.below(5)]),
        // Many selector terms or expand ids.
        1 => vec!["x"; 300 + rng.below(300)].join(if rng.below(2) == 0 { "%20" } else { "%2C" }),
        _ => rng.pick(VALUES).to_string(),
    }
}

fn value(rng: &mut Rng) -> String {
    value_for(rng, false)
}

fn body_value(rng: &mut Rng) -> String {
    value_for(rng, true)
}

fn query(rng: &mut Rng) -> String {
    let mut parts: Vec<String> = Vec::new();
    for _ in 0..rng.below(5) {
        // `http` refuses URIs over 64 KB; the server's own limit is far below.
        if parts.iter().map(String::len).sum::<usize>() > 30_000 {
            break;
        }
        let key = if rng.below(8) == 0 { "unknown_param" } else { rng.pick(KEYS) };
        parts.push(format!("{key}={}", value(rng)));
        // Repeated parameters.
        if rng.below(6) == 0 && parts.iter().map(String::len).sum::<usize>() < 30_000 {
            parts.push(format!("{key}={}", value(rng)));
        }
    }
    parts.join("&")
}

const PAGES: &[&str] = &[
    "/",
    "/search",
    "/groups",
    "/lineage",
    "/mesh",
    "/versions",
    "/governance",
    "/owners",
    "/review",
    "/api/v1/projects",
    "/api/v1/search",
    "/api/v1/groups",
    "/api/v1/lineage",
    "/api/v1/mesh",
    "/api/v1/versions",
    "/api/v1/governance",
    "/api/v1/owners",
    "/api/v1/nope",
    "/api/nope",
    "/healthz",
];
const WITH_ID: &[&str] =
    &["/nodes/", "/projects/", "/owners/", "/review/", "/api/v1/nodes/", "/api/v1/projects/", "/api/v1/owners/"];
const SERVER_FNS: &[&str] = &[
    "search_nodes",
    "get_lineage",
    "get_node",
    "get_owner",
    "get_project",
    "get_review",
    "list_projects",
    "get_mesh",
    "nope",
];
const METHODS: &[&str] = &["GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
const CONTENT_TYPES: &[&str] = &[
    "application/json",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
    "text/plain",
    "application/xml",
    "image/png",
    "application/json; charset=utf-16",
];

fn body(rng: &mut Rng) -> Vec<u8> {
    match rng.below(8) {
        0 => Vec::new(),
        1 => b"{\"metadata\": {\"dbt_schema_version\": \"https://schemas.getdbt.com/dbt/manifest/v12.json\"".to_vec(),
        2 => "[".repeat(100_000).into_bytes(),
        3 => (0..rng.below(4096)).map(|_| rng.next() as u8).collect(),
        4 => b"--xyz\r\nContent-Disposition: form-data; name=\"manifest\"; filename=\"m.json\"\r\n\r\n{\"nodes\""
            .to_vec(),
        5 => format!("query={}&limit={}&offset={}", body_value(rng), body_value(rng), body_value(rng)).into_bytes(),
        6 => b"{\"nodes\": {}, \"metadata\": 5}".to_vec(),
        _ => format!(
            "select={}&exclude={}&expanded={}&unique_id={}",
            body_value(rng),
            body_value(rng),
            body_value(rng),
            body_value(rng)
        )
        .into_bytes(),
    }
}

fn hostile_request(rng: &mut Rng) -> Request<Body> {
    let (method, path) = match rng.below(10) {
        0..=3 => (rng.pick(METHODS), rng.pick(PAGES).to_string()),
        4..=5 => (rng.pick(METHODS), format!("{}{}", rng.pick(WITH_ID), value(rng))),
        6..=7 => (if rng.below(4) == 0 { "GET" } else { "POST" }, format!("/_sfn/{}", rng.pick(SERVER_FNS))),
        8 => ("POST", "/api/v1/diff".to_string()),
        _ => ("POST", "/review".to_string()),
    };
    let q = query(rng);
    let uri = if q.is_empty() { path } else { format!("{path}?{q}") };
    let mut builder = Request::builder().method(method).uri(&uri);
    if rng.below(4) != 0 {
        builder = builder.header("content-type", rng.pick(CONTENT_TYPES));
    }
    let body = if method == "GET" && rng.below(3) != 0 { Vec::new() } else { body(rng) };
    builder.body(Body::from(body)).unwrap_or_else(|e| panic!("{method} {}: {e}", clip(&uri)))
}

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, http::HeaderMap, Vec<u8>) {
    let label = format!("{} {}", request.method(), clip(&request.uri().to_string()));
    let answer = tokio::time::timeout(ANSWER_WITHIN, async {
        let response: Response<Body> = app.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        (parts.status, parts.headers, body.collect().await.unwrap().to_bytes().to_vec())
    })
    .await;
    answer.unwrap_or_else(|_| panic!("{label}: no answer within {ANSWER_WITHIN:?}"))
}

fn clip(text: &str) -> String {
    text.chars().take(160).collect()
}

fn json(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

/// The JSON error every `/api/` rejection is.
fn assert_api_error(label: &str, status: StatusCode, headers: &http::HeaderMap, body: &[u8]) -> Value {
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(content_type.starts_with("application/json"), "{label}: {status} answered as {content_type:?}");
    let error = json(body);
    assert!(error["error"]["code"].is_string(), "{label}: {status} {error}");
    assert!(error["error"]["message"].is_string(), "{label}: {status} {error}");
    error
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_hostile_requests_never_take_the_server_down() {
    let (_serial, app) = common::shared_app().await;
    let mut rng = Rng(0x6d65_7368_6c65_6e73);
    let budget = Duration::from_secs(90);
    let started = Instant::now();
    let (mut sent, mut by_status) = (0usize, std::collections::BTreeMap::<u16, usize>::new());
    while sent < 4000 && started.elapsed() < budget {
        let request = hostile_request(&mut rng);
        let label = format!("{} {}", request.method(), clip(&request.uri().to_string()));
        // A HEAD answer has no body to hold the error.
        let is_api = request.uri().path().starts_with("/api/") && request.method() != "HEAD";
        let (status, headers, body) = send(&app, request).await;
        assert!(status.as_u16() < 500, "{label}: {status} {}", clip(&String::from_utf8_lossy(&body)));
        if is_api && status.as_u16() >= 400 {
            assert_api_error(&label, status, &headers, &body);
        }
        *by_status.entry(status.as_u16()).or_default() += 1;
        sent += 1;
    }
    eprintln!("{sent} hostile requests in {:.1} s: {by_status:?}", started.elapsed().as_secs_f64());
    assert!(sent >= 300, "only {sent} requests within the budget");
    assert!(by_status.keys().filter(|s| **s >= 400).count() >= 5, "the generator reaches many refusals: {by_status:?}");
    let (status, _, body) = send(&app, Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_range_values_are_400s_that_name_the_parameter_and_range() {
    let (_serial, app) = common::shared_app().await;
    // The request that aborted the server, as a page, a server function and the API.
    let (status, _, body) =
        send(&app, Request::get("/search?q=a&offset=100000000000").body(Body::empty()).unwrap()).await;
    let page = String::from_utf8_lossy(&body);
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("offset: must be from 0 to 10000, not 100000000000"), "{page}");
    let (status, _, body) = send(
        &app,
        Request::post("/_sfn/search_nodes")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from("query=a&limit=20&offset=100000000000"))
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
    assert_eq!(json(&body)["message"], "offset: must be from 0 to 10000, not 100000000000");
    for (uri, says) in [
        ("/api/v1/search?q=a&offset=100000000000", "offset: must be from 0 to 10000, not 100000000000"),
        ("/api/v1/search?q=a&limit=0", "limit: must be from 1 to 1000, not 0"),
        ("/api/v1/search?q=a&offset=-5", "offset: invalid digit"),
        ("/api/v1/search?q=a&limit=nan", "limit: invalid digit"),
        ("/api/v1/search?q=a&offset=1e300", "offset: invalid digit"),
        ("/api/v1/search?q=a&q=b", "duplicate field `q`"),
        ("/api/v1/lineage?select=10001%2Bfct_orders", "select: a depth may be at most 10000, not 10001"),
        ("/api/v1/lineage?select=fct_orders&exclude=%2B%2B", "exclude: "),
        ("/api/v1/lineage?select=", "select: give a selector"),
    ] {
        let (status, headers, body) = send(&app, Request::get(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(status, 400, "{uri}: {}", String::from_utf8_lossy(&body));
        let error = assert_api_error(uri, status, &headers, &body);
        assert_eq!(error["error"]["code"], "bad_request", "{uri}");
        assert!(error["error"]["message"].as_str().unwrap().contains(says), "{uri}: {error}");
    }
    let many = vec!["x"; 201].join(",");
    let (status, _, body) = send(
        &app,
        Request::get(format!("/api/v1/lineage?select=fct_orders&expand={many}")).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(json(&body)["error"]["parameter"], "expand");
    // A page refuses with the same message and status.
    let (status, _, body) =
        send(&app, Request::get("/lineage?select=fct_orders%2B20000").body(Body::empty()).unwrap()).await;
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("select: a depth may be at most 10000, not 20000"));
    let (status, _, body) = send(&app, Request::get("/search?q=a&offset=abc").body(Body::empty()).unwrap()).await;
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("offset: \"abc\" is not a whole number"));
    let (status, _, body) = send(&app, Request::get("/lineage?select=%2B%2B%2B").body(Body::empty()).unwrap()).await;
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("selector-error"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn methods_content_types_and_lengths_have_json_errors_with_their_status() {
    let (_serial, app) = common::shared_app().await;
    let cases: Vec<(Request<Body>, u16, &str)> = vec![
        (Request::delete("/api/v1/projects").body(Body::empty()).unwrap(), 405, "method_not_allowed"),
        (Request::post("/api/v1/search").body(Body::empty()).unwrap(), 405, "method_not_allowed"),
        (Request::get("/api/v1/diff").body(Body::empty()).unwrap(), 405, "method_not_allowed"),
        (
            Request::post("/api/v1/diff").header("content-type", "text/plain").body(Body::from("{}")).unwrap(),
            415,
            "unsupported_media_type",
        ),
        (
            Request::get(format!("/api/v1/search?q={}", "a".repeat(17_000))).body(Body::empty()).unwrap(),
            414,
            "uri_too_long",
        ),
        (
            Request::get(format!("/api/v1/nodes/{}", "a".repeat(3_000))).body(Body::empty()).unwrap(),
            414,
            "uri_too_long",
        ),
        (Request::get("/api/v1/nodes/%ff%fe").body(Body::empty()).unwrap(), 400, "bad_request"),
        (
            Request::get("/api/v1/projects")
                .header("content-length", 2 << 20)
                .body(Body::from(vec![b' '; 2 << 20]))
                .unwrap(),
            413,
            "payload_too_large",
        ),
    ];
    for (request, want, code) in cases {
        let label = format!("{} {}", request.method(), clip(&request.uri().to_string()));
        let (status, headers, body) = send(&app, request).await;
        assert_eq!(status.as_u16(), want, "{label}: {}", String::from_utf8_lossy(&body));
        let error = assert_api_error(&label, status, &headers, &body);
        assert_eq!(error["error"]["code"], code, "{label}");
    }
    // Pages answer the same statuses in text.
    let (status, _, _) = send(&app, Request::delete("/search").body(Body::empty()).unwrap()).await;
    assert_eq!(status, 405);
    let (status, _, _) =
        send(&app, Request::get(format!("/search?q={}", "a".repeat(17_000))).body(Body::empty()).unwrap()).await;
    assert_eq!(status, 414);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_a_request_id() {
    let (_serial, app) = common::shared_app().await;
    let (_, headers, _) = send(&app, Request::get("/api/v1/projects").body(Body::empty()).unwrap()).await;
    let id = headers["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let (_, again, _) = send(&app, Request::get("/api/v1/projects").body(Body::empty()).unwrap()).await;
    assert_ne!(again["x-request-id"], id, "each request has its own");
    let (_, kept, _) =
        send(&app, Request::get("/").header("x-request-id", "from-the-proxy").body(Body::empty()).unwrap()).await;
    assert_eq!(kept["x-request-id"], "from-the-proxy", "an id set upstream is kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_answers_500_and_the_server_goes_on() {
    let app = web::with_request_layers(
        Router::new()
            .route("/boom", get(|| async { panic!("a bug in a handler") as &str }))
            .route("/fine", get(|| async { "fine" })),
    );
    let (status, headers, body) = send(&app, Request::get("/boom").body(Body::empty()).unwrap()).await;
    assert_eq!(status, 500);
    assert!(headers.contains_key("x-request-id"));
    let error = json(&body);
    assert_eq!(error["error"]["code"], "internal");
    assert!(!error["error"]["message"].as_str().unwrap().contains("a bug"), "details stay in the log: {error}");
    let (status, _, body) = send(&app, Request::get("/fine").body(Body::empty()).unwrap()).await;
    assert_eq!((status.as_u16(), body.as_slice()), (200, b"fine".as_slice()));
}

/// A body that sends one chunk, then waits until the test lets it end.
fn held_body(release: tokio::sync::oneshot::Receiver<()>) -> Body {
    let first = futures_util::stream::once(async { Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b"{")) });
    let rest = futures_util::stream::once(async move {
        let _ = release.await;
        Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b"}"))
    });
    Body::from_stream(futures_util::StreamExt::chain(first, rest))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_past_the_concurrency_bound_answer_503_with_retry_after() {
    let (_tmp, data) = common::indexed_demo();
    let limits = Limits { uploads_at_once: 1, ..Limits::DEFAULT };
    let engine = Arc::new(Engine::open(data, false, None).unwrap().with_limits(limits));
    let app = web::app(engine);
    // The held upload takes the one permit and waits for the rest of its body; one
    // that is still waiting after a while holds it (a refused one answers at once).
    let (release, first) = loop {
        let (release, held) = tokio::sync::oneshot::channel();
        let first = tokio::spawn({
            let app = app.clone();
            async move {
                let request = Request::post("/api/v1/diff")
                    .header("content-type", "application/json")
                    .body(held_body(held))
                    .unwrap();
                app.oneshot(request).await.unwrap().status()
            }
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        if !first.is_finished() {
            break (release, first);
        }
    };
    let request =
        Request::post("/api/v1/diff").header("content-type", "application/json").body(Body::from("{}")).unwrap();
    let (status, headers, body) = send(&app, request).await;
    assert_eq!(status, 503, "a second upload is refused while the first is taken in");
    assert_eq!(headers["retry-after"], "5");
    assert_eq!(json(&body)["error"]["code"], "busy");
    release.send(()).unwrap();
    assert_eq!(first.await.unwrap(), 400, "the held upload ends as a bad manifest, not a crash");
    let request =
        Request::post("/api/v1/diff").header("content-type", "application/json").body(Body::from("{}")).unwrap();
    let (status, _, _) = send(&app, request).await;
    assert_eq!(status, 400, "the permit came back");
}

#[test]
fn reviews_are_kept_within_their_count_and_byte_budget() {
    let (_tmp, data) = common::indexed_demo();
    let head_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/demo-mesh/diffs/non_breaking");
    let head = server::diff::load_head(&[head_dir]).unwrap();
    let by_count =
        Engine::open(data.clone(), false, None).unwrap().with_limits(Limits { reviews_kept: 2, ..Limits::DEFAULT });
    use app::catalog::Catalog;
    let ids: Vec<String> = (0..4).map(|_| by_count.review(&head).unwrap().id.clone()).collect();
    let kept: Vec<String> = by_count.reviews().unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(kept, [ids[3].clone(), ids[2].clone()], "the newest two, newest first");
    assert!(Catalog::review(&by_count, &ids[0]).unwrap().is_none());

    let by_bytes = Engine::open(data, false, None).unwrap().with_limits(Limits { review_bytes: 1, ..Limits::DEFAULT });
    let ids: Vec<String> = (0..3).map(|_| by_bytes.review(&head).unwrap().id.clone()).collect();
    let kept: Vec<String> = by_bytes.reviews().unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(kept, [ids[2].clone()], "over the byte budget only the newest stays");
}
