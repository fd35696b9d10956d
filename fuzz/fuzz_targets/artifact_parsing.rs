//! Bytes as a dbt artifact: every parser on them alone, then loaded into a ProjectRecord
//! with the other files of a small valid project and resolved as a mesh. Whatever the
//! bytes, nothing may panic. The first byte says which file the rest stands for
//! (0 manifest, 1 catalog, 2 run_results, 3 sources), so mutations of one file are
//! checked against real partners and reach the joins, not only the parsers.
#![no_main]

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use server::{
    artifacts,
    mesh::{load_project, resolve, ArtifactSet},
};

/// The small valid project: the demo platform project cut down by fuzz/make_seeds.py.
const PARTNERS: [&[u8]; 4] = [
    include_bytes!("../seeds/platform/manifest.json"),
    include_bytes!("../seeds/platform/catalog.json"),
    include_bytes!("../seeds/platform/run_results.json"),
    include_bytes!("../seeds/platform/sources.json"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&role, bytes)) = data.split_first() else {
        return;
    };
    let _ = artifacts::manifest::parse(Path::new("manifest.json"), bytes);
    let _ = artifacts::catalog::parse(Path::new("catalog.json"), bytes);
    let _ = artifacts::run_results::parse(Path::new("run_results.json"), bytes);
    let _ = artifacts::sources::parse(Path::new("sources.json"), bytes);

    let mut files: Vec<Vec<u8>> = PARTNERS.iter().map(|f| f.to_vec()).collect();
    files[usize::from(role % 4)] = bytes.to_vec();
    let mut files = files.into_iter();
    let mut next = || files.next().unwrap_or_default();
    let set = ArtifactSet::from_bytes(PathBuf::from("fuzz"), next(), Some(next()), Some(next()), Some(next()));
    match load_project(set, None) {
        Ok(record) => {
            let mesh = resolve(&[record]);
            // Every edge joins two nodes of the mesh.
            for edge in &mesh.edges {
                assert!(mesh.nodes.iter().any(|n| n.record.unique_id == edge.parent), "{edge:?}");
                assert!(mesh.nodes.iter().any(|n| n.record.unique_id == edge.child), "{edge:?}");
            }
        }
        // Every error names the file it is about.
        Err(error) => assert!(error.to_string().starts_with("fuzz/"), "{error}"),
    }
});
