//! The search box: any text, parsed into clauses, highlighted against any text, and run
//! against a search index of the demo mesh. Nothing may panic. The first line is the
//! query; the rest, when there is one, is the text the highlighter marks it in.
#![no_main]

use std::{path::Path, sync::OnceLock};

use libfuzzer_sys::fuzz_target;
use server::{
    ingest::index_paths,
    search::{highlight, query, SearchIndex},
    store::{layout_files, DataDir},
};

/// The demo mesh's search index, built once by `meshlens index`'s own code in a folder
/// that lives as long as the fuzzer.
fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<(tempfile::TempDir, SearchIndex)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/demo-mesh/artifacts");
            let paths: Vec<_> = ["platform", "finance", "marketing", "exec_reporting"].map(|p| demo.join(p)).into();
            let tmp = tempfile::tempdir().expect("a temporary folder");
            let data = DataDir::new(tmp.path().join("data"));
            let report = index_paths(&data, &paths, |_| {}).expect("the demo mesh indexes");
            assert!(report.failed.is_empty(), "{:?}", report.failed);
            let generation = data.generation_path(&data.current_name().expect("an index is published"));
            let index = SearchIndex::open(&generation.join(layout_files::SEARCH_DIR)).expect("the index opens");
            (tmp, index)
        })
        .1
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (input, stored) = text.split_once('\n').unwrap_or((text, text));
    let parsed = query::parse(input);
    let words = parsed.free_text();
    let parts = highlight::snippet(stored, &words);
    // A snippet is a window of the text, in order: its parts (less the ellipses) are in it.
    let shown: String = parts.iter().map(|p| p.text.as_str()).filter(|t| *t != "…").collect();
    assert!(shown.chars().count() <= stored.chars().count(), "{parts:?}");
    highlight::matches(stored, &words);
    let results = index().search(input, 5, 0).expect("a search answers");
    assert!(results.hits.len() <= 5);
});
