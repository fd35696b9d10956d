//! The bad-artifact corpus: the ways a dbt artifact arrives broken, made at test time by
//! mutating the demo mesh's real artifacts. Nothing may panic. A broken project is an error
//! that names the file and the JSON path; the other projects still index and what was
//! served stays served. What dbt never writes but meshlens can read sanely (a unique_id
//! twice, a depends_on on nothing, a node that depends on itself, cycles) indexes, and
//! lineage over it ends.

#[path = "support/common.rs"]
mod common;

use std::{
    collections::HashSet,
    fs,
    io::Write,
    panic::{catch_unwind, AssertUnwindSafe},
    path::{Path, PathBuf},
    sync::mpsc,
    time::Duration,
};

use serde_json::{json, Value};
use server::{
    graph::{group::Grouping, selector, view::lineage_view, MeshGraph},
    ingest::index_paths,
    mesh::{load_project, ArtifactSet, ProjectRecord},
    search::{query, SearchIndex},
    store::{layout_files, DataDir, Reader},
};

/// Where in-memory artifacts say they come from, so errors can be checked for the file.
const DIR: &str = "corpus/platform";

/// One project's artifact files as bytes, by file name.
#[derive(Clone)]
struct Project {
    files: Vec<(&'static str, Vec<u8>)>,
}

const FILES: [&str; 4] = ["manifest.json", "catalog.json", "run_results.json", "sources.json"];

impl Project {
    fn demo(name: &str) -> Self {
        let dir = common::demo_artifacts().join(name);
        let files = FILES.iter().filter_map(|f| fs::read(dir.join(f)).ok().map(|bytes| (*f, bytes))).collect();
        Project { files }
    }

    fn bytes(&self, file: &str) -> &[u8] {
        &self.files.iter().find(|(f, _)| *f == file).unwrap_or_else(|| panic!("no {file}")).1
    }

    fn json(&self, file: &str) -> Value {
        serde_json::from_slice(self.bytes(file)).unwrap()
    }

    fn with(&self, file: &'static str, bytes: Vec<u8>) -> Self {
        let mut files: Vec<(&'static str, Vec<u8>)> = self.files.iter().filter(|(f, _)| *f != file).cloned().collect();
        files.push((file, bytes));
        Project { files }
    }

    fn get(&self, file: &str) -> Option<Vec<u8>> {
        self.files.iter().find(|(f, _)| *f == file).map(|(_, b)| b.clone())
    }

    fn load(&self) -> Result<ProjectRecord, String> {
        let set = ArtifactSet::from_bytes(
            PathBuf::from(DIR),
            self.get("manifest.json").unwrap_or_default(),
            self.get("catalog.json"),
            self.get("run_results.json"),
            self.get("sources.json"),
        );
        load_project(set, None).map_err(|e| e.to_string())
    }

    fn write(&self, dir: &Path) -> PathBuf {
        fs::create_dir_all(dir).unwrap();
        for (file, bytes) in &self.files {
            fs::write(dir.join(file), bytes).unwrap();
        }
        dir.to_path_buf()
    }
}

/// `value` at `pointer` (RFC 6901, without escapes), creating missing objects on the way
/// and appending to an array when the index is its length.
fn set(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap_or_else(|| panic!("{pointer} is not a pointer"));
    if doc.pointer(parent).is_none() {
        set(doc, parent, json!({}));
    }
    match doc.pointer_mut(parent) {
        Some(Value::Array(items)) => {
            let index: usize = key.parse().unwrap();
            if index == items.len() {
                items.push(value);
            } else {
                items[index] = value;
            }
        }
        Some(Value::Object(map)) => {
            map.insert(key.to_string(), value);
        }
        other => panic!("{pointer}: {other:?} holds no {key}"),
    }
}

/// The JSON path an error names for a pointer: `/results/0/status` is `results[0].status`.
fn json_path(pointer: &str) -> String {
    let mut path = String::new();
    for segment in pointer.trim_start_matches('/').split('/') {
        if segment.parse::<usize>().is_ok() {
            path.push_str(&format!("[{segment}]"));
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(segment);
        }
    }
    path
}

/// A project that must fail to load, and what its error must say.
struct Broken {
    what: String,
    project: Project,
    /// The file the error must start with.
    file: &'static str,
    /// A JSON path the error must name, in backquotes.
    field: Option<String>,
    /// Words the error must hold.
    says: Option<&'static str>,
}

fn broken(what: impl Into<String>, project: Project, file: &'static str) -> Broken {
    Broken { what: what.into(), project, file, field: None, says: None }
}

impl Broken {
    fn field(self, field: impl Into<String>) -> Self {
        Broken { field: Some(field.into()), ..self }
    }
    fn says(self, says: &'static str) -> Self {
        Broken { says: Some(says), ..self }
    }
}

fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// What is wrong with how a broken project failed, if anything.
fn problem(case: &Broken) -> Option<String> {
    let error = match catch_unwind(AssertUnwindSafe(|| case.project.load())) {
        Err(panic) => return Some(format!("{}: panicked: {}", case.what, panic_message(panic))),
        Ok(Ok(_)) => return Some(format!("{}: loaded; it should be an error", case.what)),
        Ok(Err(error)) => error,
    };
    let file = format!("{DIR}/{}: ", case.file);
    let mut wrong = Vec::new();
    if !error.starts_with(&file) {
        wrong.push(format!("does not start with {file:?}"));
    }
    if let Some(field) = &case.field {
        if !error.contains(&format!("`{field}")) {
            wrong.push(format!("does not name `{field}`"));
        }
    }
    if let Some(says) = case.says {
        if !error.contains(says) {
            wrong.push(format!("does not say {says:?}"));
        }
    }
    // Readers see JSON paths and JSON types, not the Rust types behind them.
    for rust in ["untagged", "variant", "struct ", "enum ", "Probe"] {
        if error.contains(rust) {
            wrong.push(format!("mentions {rust:?}"));
        }
    }
    (!wrong.is_empty()).then(|| format!("{}: {}: {error}", case.what, wrong.join(", ")))
}

fn assert_all_fail_clearly(cases: &[Broken]) {
    let problems: Vec<String> = cases.iter().filter_map(problem).collect();
    assert!(problems.is_empty(), "{} of {} cases:\n{}", problems.len(), cases.len(), problems.join("\n"));
}

/// A value of the wrong JSON type for a field: an object where a string, number, boolean or
/// list belongs, and a string where an object belongs.
#[derive(Clone, Copy)]
enum Holds {
    Scalar,
    Object,
}

fn wrong_value(holds: Holds) -> Value {
    match holds {
        Holds::Scalar => json!({"unexpected": "object"}),
        Holds::Object => json!("unexpected string"),
    }
}

use Holds::{Object, Scalar};

/// Every field meshlens reads from a manifest resource (`meta` reads any JSON at all).
const RESOURCE_FIELDS: [(&str, Holds); 36] = [
    ("unique_id", Scalar),
    ("name", Scalar),
    ("resource_type", Scalar),
    ("package_name", Scalar),
    ("original_file_path", Scalar),
    ("path", Scalar),
    ("description", Scalar),
    ("tags", Scalar),
    ("config", Object),
    ("access", Scalar),
    ("group", Scalar),
    ("version", Scalar),
    ("latest_version", Scalar),
    ("deprecation_date", Scalar),
    ("contract", Object),
    ("columns", Object),
    ("constraints", Scalar),
    ("depends_on", Object),
    ("refs", Scalar),
    ("raw_code", Scalar),
    ("compiled_code", Scalar),
    ("relation_name", Scalar),
    ("database", Scalar),
    ("schema", Scalar),
    ("alias", Scalar),
    ("identifier", Scalar),
    ("source_name", Scalar),
    ("loaded_at_field", Scalar),
    ("owner", Object),
    ("label", Scalar),
    ("url", Scalar),
    ("maturity", Scalar),
    ("test_metadata", Object),
    ("column_name", Scalar),
    ("attached_node", Scalar),
    ("model", Scalar),
];

const CONFIG_FIELDS: [(&str, Holds); 11] = [
    ("enabled", Scalar),
    ("materialized", Scalar),
    ("tags", Scalar),
    ("access", Scalar),
    ("group", Scalar),
    ("contract", Object),
    ("contract/enforced", Scalar),
    ("severity", Scalar),
    ("alias", Scalar),
    ("schema", Scalar),
    ("database", Scalar),
];

/// Pointers into the platform manifest, past the resource fields, with what each holds.
fn manifest_pointers() -> Vec<(String, Holds)> {
    let model = "/nodes/model.platform.fct_orders";
    let mut pointers: Vec<(String, Holds)> = vec![("/metadata".into(), Object)];
    for field in ["dbt_schema_version", "dbt_version", "generated_at", "project_name", "project_id", "adapter_type"] {
        pointers.push((format!("/metadata/{field}"), Scalar));
    }
    for section in
        ["nodes", "sources", "exposures", "metrics", "semantic_models", "saved_queries", "unit_tests", "groups"]
    {
        pointers.push((format!("/{section}"), Object));
    }
    for (field, holds) in RESOURCE_FIELDS {
        pointers.push((format!("{model}/{field}"), holds));
    }
    for (field, holds) in CONFIG_FIELDS {
        pointers.push((format!("{model}/config/{field}"), holds));
    }
    pointers.push((format!("{model}/contract/enforced"), Scalar));
    for (field, holds) in [
        ("columns/order_id", Object),
        ("columns/order_id/name", Scalar),
        ("columns/order_id/description", Scalar),
        ("columns/order_id/data_type", Scalar),
        ("columns/order_id/constraints", Scalar),
        ("columns/order_id/constraints/0", Object),
        ("columns/order_id/constraints/0/type", Scalar),
        ("columns/order_id/tags", Scalar),
        ("constraints/0", Object),
        ("constraints/0/type", Scalar),
        ("constraints/0/expression", Scalar),
        ("constraints/0/name", Scalar),
        ("constraints/0/columns", Scalar),
        ("depends_on/nodes", Scalar),
        ("depends_on/nodes/0", Scalar),
        ("tags/0", Scalar),
        ("refs/0", Scalar),
        ("refs/0/name", Scalar),
        ("refs/0/package", Scalar),
        ("refs/0/version", Scalar),
        ("test_metadata/name", Scalar),
        ("test_metadata/namespace", Scalar),
        ("owner/name", Scalar),
        ("owner/email", Scalar),
    ] {
        pointers.push((format!("{model}/{field}"), holds));
    }
    // Each section's resources are read by the same rules; one field each shows the path.
    for resource in [
        "/nodes/test.platform.unique_int_order_payments_order_id.804c2d5021",
        "/sources/source.platform.acme_raw.web_events",
        "/exposures/exposure.platform.ops_orders_dashboard",
        "/unit_tests/unit_test.platform.int_order_payments.test_int_order_payments_rollup",
    ] {
        pointers.push((resource.into(), Object));
        pointers.push((format!("{resource}/name"), Scalar));
        pointers.push((format!("{resource}/depends_on"), Object));
    }
    let group = "/groups/group.platform.platform_core";
    pointers.push((group.into(), Object));
    for (field, holds) in [
        ("name", Scalar),
        ("unique_id", Scalar),
        ("package_name", Scalar),
        ("original_file_path", Scalar),
        ("description", Scalar),
        ("owner", Object),
        ("owner/name", Scalar),
        ("owner/email", Scalar),
    ] {
        pointers.push((format!("{group}/{field}"), holds));
    }
    pointers
}

fn other_pointers(file: &str) -> Vec<(String, Holds)> {
    let metadata = ["/metadata", "/metadata/dbt_schema_version", "/metadata/generated_at"];
    let mut pointers: Vec<(String, Holds)> =
        metadata.iter().map(|p| (p.to_string(), if *p == "/metadata" { Object } else { Scalar })).collect();
    let results = |fields: &[&str]| {
        let mut pointers = vec![("/results".to_string(), Scalar), ("/results/0".to_string(), Object)];
        pointers.extend(fields.iter().map(|f| (format!("/results/0/{f}"), Scalar)));
        pointers
    };
    match file {
        "catalog.json" => {
            let table = "/nodes/model.platform.fct_orders";
            for (pointer, holds) in [
                ("/nodes", Object),
                ("/sources", Object),
                (table, Object),
                ("/sources/source.platform.acme_raw.web_events", Object),
                (&format!("{table}/columns"), Object),
                (&format!("{table}/columns/ORDER_ID"), Object),
                (&format!("{table}/columns/ORDER_ID/name"), Scalar),
                (&format!("{table}/columns/ORDER_ID/type"), Scalar),
                (&format!("{table}/columns/ORDER_ID/index"), Scalar),
                (&format!("{table}/columns/ORDER_ID/comment"), Scalar),
            ] {
                pointers.push((pointer.to_string(), holds));
            }
        }
        "run_results.json" => {
            pointers.extend(results(&["unique_id", "status", "execution_time", "message", "failures"]));
        }
        "sources.json" => pointers.extend(results(&[
            "unique_id",
            "status",
            "max_loaded_at",
            "snapshotted_at",
            "max_loaded_at_time_ago_in_s",
        ])),
        _ => unreachable!("{file}"),
    }
    pointers
}

#[test]
fn a_wrong_type_in_any_field_meshlens_reads_is_an_error_naming_file_and_field() {
    let platform = Project::demo("platform");
    let mut cases = Vec::new();
    for file in FILES {
        let pointers = if file == "manifest.json" { manifest_pointers() } else { other_pointers(file) };
        let original = platform.json(file);
        for (pointer, holds) in pointers {
            let mut doc = original.clone();
            set(&mut doc, &pointer, wrong_value(holds));
            let project = platform.with(file, serde_json::to_vec(&doc).unwrap());
            cases.push(broken(format!("{file} {pointer}"), project, file).field(json_path(&pointer)).says("line "));
        }
    }
    assert!(cases.len() > 130, "{}", cases.len());
    assert_all_fail_clearly(&cases);
}

/// Bytes of a deterministic pseudo-random generator (xorshift): binary garbage.
fn garbage(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

fn replace_once(bytes: &[u8], from: &str, to: &[u8]) -> Vec<u8> {
    let at = bytes.windows(from.len()).position(|w| w == from.as_bytes()).unwrap_or_else(|| panic!("no {from}"));
    [&bytes[..at], to, &bytes[at + from.len()..]].concat()
}

fn with_version(doc: &Value, url: Value) -> Vec<u8> {
    let mut doc = doc.clone();
    set(&mut doc, "/metadata/dbt_schema_version", url);
    serde_json::to_vec(&doc).unwrap()
}

/// Where fct_orders begins in the platform manifest.
const FCT_ORDERS: &str = "\"model.platform.fct_orders\": {";

/// A string nested in `depth` arrays.
fn nested(depth: usize) -> String {
    format!("{}\"deep\"{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn broken_files_are_errors_naming_file_and_field() {
    let platform = Project::demo("platform");
    let manifest = platform.bytes("manifest.json").to_vec();
    let m = |what: &str, bytes: Vec<u8>| broken(what, platform.with("manifest.json", bytes), "manifest.json");
    let mut cases = vec![
        m("empty", Vec::new()).says("the file is empty"),
        m("only whitespace", b" \n\t\r\n".to_vec()).says("the file is empty"),
        m("only a byte order mark", b"\xEF\xBB\xBF".to_vec()).says("the file is empty"),
    ];
    for cut in [1, manifest.len() / 10, manifest.len() / 2, manifest.len() * 99 / 100, manifest.len() - 1] {
        cases.push(m(&format!("truncated to {cut} bytes"), manifest[..cut].to_vec()).says("EOF while parsing"));
    }
    for (what, bytes) in [
        ("plain text", b"this is not JSON".to_vec()),
        ("an HTML error page", b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>".to_vec()),
        ("binary garbage", garbage(4096, 0x9E37_79B9_7F4A_7C15)),
        ("NUL bytes", vec![0; 64]),
        ("a gzip stream", [&[0x1f, 0x8b, 0x08, 0x00][..], &garbage(512, 7)].concat()),
        ("single quotes", b"{'metadata': {}}".to_vec()),
        ("a key that is not a string", b"{1: 2}".to_vec()),
        ("a trailing comma", b"{\"metadata\": {\"dbt_schema_version\": \"x\"},}".to_vec()),
    ] {
        cases.push(m(what, bytes).field("(document)").says("line 1"));
    }
    cases.extend([
        m("trailing characters", [&manifest[..], b" }"].concat()).says("trailing characters"),
        m("two manifests in one file", [&manifest[..], &manifest[..]].concat()).says("trailing characters"),
        m("an array", b"[]".to_vec()).says("a dbt artifact is a JSON object"),
        m("an array of the manifest", [b"[", &manifest[..], b"]"].concat()).says("a JSON array"),
        m("a string", b"\"manifest\"".to_vec()).says("invalid type: string"),
        m("a number", b"42".to_vec()).says("invalid type: integer"),
        m("null", b"null".to_vec()).says("invalid type: null"),
        m("true", b"true".to_vec()).says("invalid type: boolean"),
        m("an empty object", b"{}".to_vec()).says("missing field `metadata`"),
        m("null metadata", br#"{"metadata": null}"#.to_vec()).field("metadata"),
        m("metadata without a version", br#"{"metadata": {}}"#.to_vec()).says("missing field `dbt_schema_version`"),
        m("a nested array document", nested(100_000).into_bytes()).says("a JSON array"),
        m("a run_results.json in its place", platform.bytes("run_results.json").to_vec())
            .field("metadata.dbt_schema_version")
            .says("run-results/v6.json"),
        m("a sources.json in its place", platform.bytes("sources.json").to_vec()).says("sources/v3.json"),
        m("a catalog.json in its place", platform.bytes("catalog.json").to_vec()).says("catalog/v1.json"),
        m(
            "a field twice in one node",
            replace_once(&manifest, FCT_ORDERS, &[FCT_ORDERS.as_bytes(), b"\"name\": \"a\", "].concat()),
        )
        .field("nodes.model.platform.fct_orders")
        .says("duplicate field `name`"),
        m(
            "invalid UTF-8 in a description",
            replace_once(&manifest, "One row per **order**", b"\xFF\xFE row per **order**"),
        )
        .field("nodes.model.platform.fct_orders.description")
        .says("invalid unicode"),
        m(
            "a lone surrogate in a name",
            replace_once(
                &manifest,
                FCT_ORDERS,
                &[FCT_ORDERS.as_bytes(), b"\"name\": \"fct_\\ud800orders\", "].concat(),
            ),
        )
        .field("nodes.model.platform.fct_orders.name")
        .says("hex escape"),
        m(
            "invalid UTF-8 in a key",
            replace_once(&manifest, "\"model.platform.fct_orders\": {", b"\"model.platform.\xC0\xAF\": {"),
        )
        .field("nodes")
        .says("invalid unicode"),
        m("a control character in a string", replace_once(&manifest, "One row per **order**", b"One row\x01 per"))
            .field("nodes.model.platform.fct_orders.description")
            .says("control character"),
        m(
            "meta nested 100,000 deep",
            replace_once(&manifest, "\"meta\": {", format!("\"meta\": {{\"deep\": {}, ", nested(100_000)).as_bytes()),
        )
        .field("nodes.model.platform.int_order_payments.config.meta.deep")
        .says("recursion limit exceeded"),
        m(
            "tags nested 100,000 deep",
            replace_once(&manifest, "\"tags\": [", format!("\"tags\": [{}, ", nested(100_000)).as_bytes()),
        )
        .field("nodes.model.platform.int_order_payments.config.tags[0]")
        .says("invalid type: sequence, expected a string"),
    ]);

    let doc = platform.json("manifest.json");
    for url in [
        json!("https://schemas.getdbt.com/dbt/manifest/v0.json"),
        json!("https://schemas.getdbt.com/dbt/manifest/v13.json"),
        json!("https://schemas.getdbt.com/dbt/manifest/v99.json"),
        json!("https://schemas.getdbt.com/dbt/manifest/v12"),
        json!("https://schemas.getdbt.com/dbt/manifest/v4294967296.json"),
        json!("v12"),
        json!(""),
    ] {
        cases.push(
            m(&format!("manifest schema {url}"), with_version(&doc, url))
                .field("metadata.dbt_schema_version")
                .says("meshlens reads manifest v1 to v12"),
        );
    }
    for (file, url, reads) in [
        ("catalog.json", "https://schemas.getdbt.com/dbt/catalog/v2.json", "catalog v1"),
        ("catalog.json", "https://schemas.getdbt.com/dbt/catalog/v0.json", "catalog v1"),
        ("run_results.json", "https://schemas.getdbt.com/dbt/run-results/v3.json", "run_results v4 to v6"),
        ("run_results.json", "https://schemas.getdbt.com/dbt/run-results/v7.json", "run_results v4 to v6"),
        ("sources.json", "https://schemas.getdbt.com/dbt/sources/v4.json", "sources v1 to v3"),
        ("sources.json", "https://schemas.getdbt.com/dbt/manifest/v3.json", "sources v1 to v3"),
    ] {
        let bytes = with_version(&platform.json(file), json!(url));
        cases.push(
            broken(format!("{file} schema {url}"), platform.with(file, bytes), file)
                .field("metadata.dbt_schema_version")
                .says(reads),
        );
    }
    // The optional files are read with the same care as the manifest.
    for file in ["catalog.json", "run_results.json", "sources.json"] {
        let bytes = platform.bytes(file).to_vec();
        let f = |what: &str, bytes: Vec<u8>| broken(format!("{file} {what}"), platform.with(file, bytes), file);
        cases.extend([
            f("empty", Vec::new()).says("the file is empty"),
            f("truncated to half", bytes[..bytes.len() / 2].to_vec()).says("EOF while parsing"),
            f("not JSON", b"not json".to_vec()).field("(document)"),
            f("an array", b"[1, 2]".to_vec()).says("a JSON array"),
            f("a manifest in its place", manifest.clone()).field("metadata.dbt_schema_version"),
            f("without metadata", b"{\"results\": []}".to_vec()).says("missing field `metadata`"),
        ]);
    }
    let run_results = platform.json("run_results.json");
    let mut huge_number = run_results.clone();
    set(&mut huge_number, "/results/0/failures", json!(1e20));
    let huge_number = serde_json::to_vec(&huge_number).unwrap();
    cases.extend([
        broken("a failures count that is a float", platform.with("run_results.json", huge_number), "run_results.json")
            .field("results[0].failures"),
        broken(
            "an execution time out of range",
            platform.with(
                "run_results.json",
                replace_once(
                    platform.bytes("run_results.json"),
                    "\"execution_time\": ",
                    b"\"execution_time\": 1e999, \"x\": ",
                ),
            ),
            "run_results.json",
        )
        .field("results[0].execution_time")
        .says("number out of range"),
    ]);
    assert_all_fail_clearly(&cases);
}

/// The platform manifest with `edit` applied.
fn edited_manifest(edit: impl FnOnce(&mut Value)) -> Project {
    let platform = Project::demo("platform");
    let mut doc = platform.json("manifest.json");
    edit(&mut doc);
    platform.with("manifest.json", serde_json::to_vec(&doc).unwrap())
}

fn loaded(project: &Project) -> ProjectRecord {
    match catch_unwind(AssertUnwindSafe(|| project.load())) {
        Ok(Ok(record)) => record,
        Ok(Err(e)) => panic!("{e}"),
        Err(panic) => panic!("panicked: {}", panic_message(panic)),
    }
}

fn models(record: &ProjectRecord) -> usize {
    record.nodes.iter().filter(|n| n.resource_type == "model" && !n.injected).count()
}

#[test]
fn what_dbt_never_writes_but_can_be_read_sanely_loads() {
    let platform = Project::demo("platform");
    let manifest = platform.bytes("manifest.json");
    let plain = loaded(&platform);
    assert_eq!(models(&plain), 11);
    let description =
        |r: &ProjectRecord, id: &str| r.nodes.iter().find(|n| n.unique_id == id).unwrap().description.clone();

    let bom = loaded(&platform.with("manifest.json", [b"\xEF\xBB\xBF", manifest].concat()));
    assert_eq!(bom.nodes.len(), plain.nodes.len(), "a byte order mark is skipped");

    // A key given twice in one object: the last, as every JSON reader does.
    let second = br#""nodes": {"model.platform.fct_orders": {"unique_id": "model.platform.fct_orders", "name": "fct_orders", "resource_type": "model", "package_name": "platform", "description": "the second"}, "#;
    let twice = loaded(&platform.with("manifest.json", replace_once(manifest, "\"nodes\": {", second)));
    assert_eq!(models(&twice), 11);
    assert_eq!(description(&twice, "model.platform.fct_orders"), description(&plain, "model.platform.fct_orders"));

    // One unique_id in two sections, or under a key that is not its own: one node, the
    // first in section and key order, whatever the hash seed.
    let in_two_sections = loaded(&edited_manifest(|doc| {
        let mut copy = doc["nodes"]["model.platform.fct_orders"].clone();
        copy["description"] = json!("the copy");
        doc["sources"]["model.platform.fct_orders"] = copy.clone();
        doc["nodes"]["model.platform.zz_copy"] = copy;
    }));
    assert_eq!(models(&in_two_sections), 11);
    let ids: Vec<&str> = in_two_sections.nodes.iter().map(|n| n.unique_id.as_str()).collect();
    assert_eq!(ids.iter().filter(|id| **id == "model.platform.fct_orders").count(), 1);
    assert_ne!(description(&in_two_sections, "model.platform.fct_orders"), "the copy");

    // What meshlens skips may be anything: invalid UTF-8, deep nesting, unknown fields.
    let skipped = [
        &b"{\"unknown_section\": {\"bytes\": \"\xFF\xFE\xC0\", \"deep\": "[..],
        nested(100_000).as_bytes(),
        b", \"number\": 1e999999, \"metrics\": null, \"groups\": null}, ",
    ]
    .concat();
    let odd = loaded(&platform.with("manifest.json", replace_once(manifest, "{", &skipped)));
    assert_eq!(models(&odd), 11);

    // Nodes the other files do not know, and other files naming nodes that do not exist.
    let mut catalog = platform.json("catalog.json");
    set(&mut catalog, "/nodes/model.nowhere.ghost", json!({"columns": {"X": {"name": "X", "type": "INT"}}}));
    let mut run_results = platform.json("run_results.json");
    set(&mut run_results, "/results/0/unique_id", json!("model.nowhere.ghost"));
    let strangers = loaded(
        &platform
            .with("catalog.json", serde_json::to_vec(&catalog).unwrap())
            .with("run_results.json", serde_json::to_vec(&run_results).unwrap()),
    );
    assert_eq!(strangers.nodes.len(), plain.nodes.len());
    assert!(strangers.nodes.iter().all(|n| n.unique_id != "model.nowhere.ghost"));

    // Only the manifest is required.
    let alone = Project { files: vec![("manifest.json", manifest.to_vec())] };
    assert_eq!(loaded(&alone).nodes.len(), plain.nodes.len());
}

/// Runs `work` on another thread and fails the test if it takes longer than `limit`:
/// a lineage walk that loops forever must be a failure, not a CI job that never ends.
fn within<T: Send + 'static>(limit: Duration, what: &str, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(work());
    });
    receive.recv_timeout(limit).unwrap_or_else(|_| panic!("{what} did not finish within {limit:?}"))
}

fn graph_of(data: &DataDir) -> MeshGraph {
    let generation = data.generation_path(&data.current_name().unwrap());
    let reader = Reader::open(&generation.join(layout_files::DATABASE_FILE)).unwrap();
    MeshGraph::from_rows(reader.graph_rows().unwrap(), reader.today())
}

fn lineage_ids(graph: MeshGraph, select: &'static str) -> Vec<String> {
    within(Duration::from_secs(20), select, move || {
        let view =
            lineage_view(&graph, select, "", true, Grouping::Auto, &HashSet::new(), &server::limits::Limits::DEFAULT)
                .unwrap();
        let mut ids: Vec<String> = view.nodes.into_iter().map(|n| n.id).collect();
        ids.sort();
        ids
    })
}

#[test]
fn dangling_self_and_circular_dependencies_index_and_lineage_ends() {
    let tmp = tempfile::tempdir().unwrap();
    let odd = edited_manifest(|doc| {
        let nodes = &mut doc["nodes"];
        let push =
            |node: &mut Value, parent: &str| node["depends_on"]["nodes"].as_array_mut().unwrap().push(json!(parent));
        push(&mut nodes["model.platform.fct_orders"], "model.nowhere.missing");
        push(&mut nodes["model.platform.fct_orders"], "model.platform.fct_orders");
        // stg_orders -> fct_orders -> orders_daily -> stg_orders: a cycle through three models.
        push(&mut nodes["model.platform.stg_orders"], "model.platform.orders_daily");
    })
    .write(&tmp.path().join("platform"));
    let mut paths = vec![odd];
    paths.extend(common::demo_paths().into_iter().skip(1));
    let data = DataDir::new(tmp.path().join("data"));
    let report = index_paths(&data, &paths, |_| {}).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.indexed.len(), 4);

    let reader = Reader::open(&data.generation_path(&data.current_name().unwrap()).join("meshlens.sqlite")).unwrap();
    let fct = reader.node("model.platform.fct_orders").unwrap().unwrap();
    let parents: Vec<&str> = fct.parents.iter().map(|p| p.unique_id.as_str()).collect();
    assert!(!parents.contains(&"model.nowhere.missing"), "{parents:?}");
    assert!(parents.contains(&"model.platform.stg_orders"), "{parents:?}");

    let graph = graph_of(&data);
    let upstream = lineage_ids(graph, "+fct_orders");
    for id in ["model.platform.fct_orders", "model.platform.stg_orders", "model.platform.orders_daily"] {
        assert!(upstream.contains(&id.to_string()), "{id} in {upstream:?}");
    }
    assert_eq!(upstream.iter().filter(|id| *id == "model.platform.fct_orders").count(), 1);
    for select in ["fct_orders+", "@fct_orders", "+fct_orders+", "2+orders_daily+2", "+stg_orders+"] {
        let ids = lineage_ids(graph_of(&data), select);
        assert!(ids.contains(&"model.platform.fct_orders".to_string()), "{select}: {ids:?}");
    }
}

/// `len` bytes of text that reads as words, for strings meshlens stores, indexes and shows.
/// Some spaces are no-break spaces: two bytes each, where byte offsets go wrong.
fn megabyte_text(len: usize, word: &str) -> String {
    let mut text = String::with_capacity(len + word.len() + 1);
    while text.len() < len {
        text.push_str(word);
        text.push(if text.len().is_multiple_of(7) { '\u{a0}' } else { ' ' });
    }
    text
}

#[test]
fn strings_of_megabytes_index_search_and_show() {
    let tmp = tempfile::tempdir().unwrap();
    let long_word = "x".repeat(1 << 20);
    let odd = edited_manifest(|doc| {
        let node = &mut doc["nodes"]["model.platform.fct_orders"];
        node["description"] = json!(format!("{} needle", megabyte_text(8 << 20, "lorem")));
        node["raw_code"] = json!(megabyte_text(4 << 20, "select"));
        node["tags"] = json!([long_word, "short"]);
        node["meta"] = json!({"owner": format!("{}@acme.io", "o".repeat(1 << 20))});
        node["columns"]["order_id"]["description"] = json!(megabyte_text(1 << 20, "column"));
        node["group"] = json!("g".repeat(1 << 20));
        let test = &mut doc["nodes"]["test.platform.unique_int_order_payments_order_id.804c2d5021"];
        test["name"] = json!("n".repeat(1 << 20));
    })
    .write(&tmp.path().join("platform"));
    let data = DataDir::new(tmp.path().join("data"));
    let report = index_paths(&data, &[odd], |_| {}).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);

    let generation = data.generation_path(&data.current_name().unwrap());
    let search = SearchIndex::open(&generation.join(layout_files::SEARCH_DIR)).unwrap();
    let results = search.search("needle", 10, 0).unwrap();
    assert_eq!(results.hits[0].unique_id, "model.platform.fct_orders");
    assert!(results.hits[0].snippet.iter().any(|p| p.highlight && p.text == "needle"), "{:?}", results.hits[0]);
    for q in ["lorem", "xxxx", "nnnnnnnn", "lorme", &"x".repeat(5000), "owner:oooo"] {
        search.search(q, 10, 0).unwrap();
    }
    let reader = Reader::open(&generation.join(layout_files::DATABASE_FILE)).unwrap();
    let fct = reader.node("model.platform.fct_orders").unwrap().unwrap();
    assert!(fct.record.description.len() > 8 << 20);
    assert!(lineage_ids(graph_of(&data), "+fct_orders+").contains(&"model.platform.fct_orders".to_string()));
}

/// Indexes `paths` and returns the report, failing on a store error (which would lose the
/// other projects too).
fn index(data: &DataDir, paths: &[PathBuf]) -> server::ingest::IndexReport {
    index_paths(data, paths, |_| {}).unwrap()
}

fn project_names(data: &DataDir) -> Vec<String> {
    let reader = Reader::open(&data.generation_path(&data.current_name().unwrap()).join("meshlens.sqlite")).unwrap();
    reader.projects().unwrap().into_iter().map(|p| format!("{}:{}", p.name, p.counts.models)).collect()
}

#[test]
fn broken_projects_fail_alone_and_the_served_index_stays() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let first = index(&data, &common::demo_paths());
    assert!(first.failed.is_empty(), "{:?}", first.failed);
    let served = data.current_name().unwrap();
    let before = project_names(&data);

    let platform = Project::demo("platform");
    let manifest = platform.bytes("manifest.json");
    let mut wrong_type = platform.json("manifest.json");
    set(&mut wrong_type, "/nodes/model.platform.fct_orders/config/materialized", json!(["table"]));
    let bad: Vec<(&str, Project, &str)> = vec![
        ("empty", platform.with("manifest.json", Vec::new()), "manifest.json: the file is empty"),
        ("truncated", platform.with("manifest.json", manifest[..manifest.len() / 2].to_vec()), "manifest.json: at"),
        ("not JSON", platform.with("manifest.json", garbage(1000, 3)), "manifest.json: at `(document)`"),
        (
            "wrong type",
            platform.with("manifest.json", serde_json::to_vec(&wrong_type).unwrap()),
            "manifest.json: at `nodes.model.platform.fct_orders.config.materialized`",
        ),
        (
            "future version",
            platform.with(
                "manifest.json",
                with_version(
                    &platform.json("manifest.json"),
                    json!("https://schemas.getdbt.com/dbt/manifest/v13.json"),
                ),
            ),
            "manifest.json: `metadata.dbt_schema_version`",
        ),
        ("broken catalog", platform.with("catalog.json", b"{".to_vec()), "catalog.json: at"),
        ("broken run results", platform.with("run_results.json", b"[]".to_vec()), "run_results.json: at"),
        ("broken sources", platform.with("sources.json", Vec::new()), "sources.json: the file is empty"),
    ];
    let paths: Vec<PathBuf> =
        bad.iter().enumerate().map(|(i, (_, project, _))| project.write(&tmp.path().join(format!("bad{i}")))).collect();

    // Only broken projects: each is reported, nothing is published.
    let report = index(&data, &paths);
    assert_eq!(report.failed.len(), bad.len(), "{:?}", report.failed);
    for ((what, _, says), (path, error)) in bad.iter().zip(&report.failed) {
        assert!(error.starts_with(&path.display().to_string()), "{what}: {error}");
        assert!(error.contains(says), "{what}: {error} should say {says:?}");
    }
    assert_eq!(data.current_name().unwrap(), served);
    assert_eq!(project_names(&data), before);

    // With a changed good project among them: it is indexed, the rest are kept.
    let mut changed = Project::demo("exec_reporting").json("manifest.json");
    set(&mut changed, "/metadata/generated_at", json!("2030-01-01T00:00:00Z"));
    let changed = Project::demo("exec_reporting")
        .with("manifest.json", serde_json::to_vec(&changed).unwrap())
        .write(&tmp.path().join("exec_reporting"));
    let mut mixed = paths.clone();
    mixed.insert(3, changed);
    let report = index(&data, &mixed);
    assert_eq!(report.indexed, ["exec_reporting"]);
    assert_eq!(report.failed.len(), bad.len());
    assert_ne!(data.current_name().unwrap(), served);
    assert_eq!(project_names(&data), before);
}

/// Writes the platform manifest with `padding` bytes of an unused string field in front,
/// without holding the padded manifest in memory.
fn write_padded_manifest(dir: &Path, padding: usize) -> PathBuf {
    let project = Project::demo("platform").write(dir);
    let manifest = Project::demo("platform").bytes("manifest.json").to_vec();
    let mut out = std::io::BufWriter::new(fs::File::create(project.join("manifest.json")).unwrap());
    out.write_all(b"{\"unused_padding\": \"").unwrap();
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..padding / chunk.len() {
        out.write_all(&chunk).unwrap();
    }
    out.write_all(b"\", ").unwrap();
    out.write_all(&manifest[1..]).unwrap();
    out.into_inner().unwrap().sync_all().unwrap();
    project
}

#[test]
fn a_manifest_of_500_megabytes_indexes_and_cut_short_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    // Real manifests grow by macros and docs; meshlens skips those without keeping them.
    let big = write_padded_manifest(tmp.path(), 500 << 20);
    let data = DataDir::new(tmp.path().join("data"));
    let report = index(&data, std::slice::from_ref(&big));
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert!(report.manifest_bytes > 500 << 20);
    assert_eq!(project_names(&data), ["platform:11"]);
    let served = data.current_name().unwrap();

    // The same file cut short is an error naming the file and the line, not a crash.
    let file = fs::OpenOptions::new().write(true).open(big.join("manifest.json")).unwrap();
    file.set_len(file.metadata().unwrap().len() - 1000).unwrap();
    drop(file);
    let report = index(&data, &[big]);
    let error = &report.failed[0].1;
    assert!(error.contains("manifest.json: at ") && error.contains("(line 1, column "), "{error}");
    assert_eq!(data.current_name().unwrap(), served, "the indexed project is kept");
}

/// Odd input for the two little languages users type: none may panic or hang.
const ODD_INPUTS: [&str; 40] = [
    "",
    " ",
    "+",
    "@",
    "@@",
    "++",
    "+@",
    "1+",
    "+1",
    "1+1",
    "a+b+c",
    "99999999999999999999999+fct_orders+99999999999999999999999",
    "0+fct_orders+0",
    ",",
    ", ,",
    ":",
    "::",
    ":x",
    "tag:",
    "-",
    "--",
    "\"",
    "\"\"\"",
    "OR",
    "OR OR OR",
    "-OR",
    "a OR -b",
    "owner:",
    "owner:\"\"",
    "a:b:c",
    "*",
    "?*?*",
    "\\",
    "\u{0}",
    "\u{202e}fct\u{200b}orders",
    "é+ñ,ü",
    "🦀 +🦀+ 🦀:🦀",
    "fct\u{a0}orders",
    "e\u{301}\u{301}\u{301}",
    "\r\n\t",
];

#[test]
fn odd_selectors_and_search_queries_never_panic() {
    let (_tmp, data) = common::indexed_demo();
    let generation = data.generation_path(&data.current_name().unwrap());
    let search = SearchIndex::open(&generation.join(layout_files::SEARCH_DIR)).unwrap();
    let long: Vec<String> = vec![
        "+".repeat(selector::MAX_LENGTH),
        "a".repeat(selector::MAX_LENGTH + 1),
        "a,".repeat(2000),
        "tag:*".repeat(800),
        "-a ".repeat(3000),
        "\"".repeat(5001),
        format!("{}fct_orders", "fct_ordrs ".repeat(400)),
    ];
    let inputs: Vec<&str> = ODD_INPUTS.iter().copied().chain(long.iter().map(String::as_str)).collect();
    let graph = graph_of(&data);
    for input in inputs {
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let _ = selector::parse(input).map(|s| graph.select(&s, None));
            let _ = lineage_view(
                &graph,
                input,
                input,
                true,
                Grouping::Auto,
                &HashSet::new(),
                &server::limits::Limits::DEFAULT,
            );
            let _ = lineage_view(
                &graph,
                "fct_orders",
                input,
                false,
                Grouping::None,
                &HashSet::new(),
                &server::limits::Limits::DEFAULT,
            );
            query::parse(input).free_text();
            search.search(input, 10, 0).unwrap();
            search.search(&format!("owner:{input} {input}"), 10, 10).unwrap();
        }));
        if let Err(panic) = outcome {
            panic!("{input:?}: {}", panic_message(panic));
        }
    }
}
