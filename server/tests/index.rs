//! `meshlens index` on the demo mesh's real artifacts: counts, resolution, findings,
//! bad input and re-indexing.

#[path = "support/common.rs"]
mod common;

use std::{collections::BTreeMap, fs, process::Command};

use app::dto::ProjectCounts;
use server::{
    ingest::index_paths,
    store::{DataDir, Reader},
};

fn counts(data: &DataDir) -> BTreeMap<String, ProjectCounts> {
    let name = data.current_name().unwrap();
    let reader = Reader::open(&data.generation_path(&name).join("meshlens.sqlite")).unwrap();
    reader.projects().unwrap().into_iter().map(|p| (p.name, p.counts)).collect()
}

#[test]
fn demo_mesh_counts_match_the_manifests() {
    let (_tmp, data) = common::indexed_demo();
    let c = counts(&data);
    let platform = &c["platform"];
    assert_eq!(
        (platform.models, platform.sources, platform.seeds, platform.snapshots, platform.tests, platform.unit_tests),
        (11, 2, 3, 1, 28, 1)
    );
    assert_eq!((platform.public_models, platform.contracted_models, platform.versioned_models), (6, 2, 3));
    assert_eq!((platform.cross_project_edges, platform.inferred_edges), (0, 0));
    let finance = &c["finance"];
    // Copies injected by dbt-loom are not finance's own.
    assert_eq!((finance.models, finance.metrics, finance.semantic_models, finance.exposures), (6, 2, 1, 1));
    let marketing = &c["marketing"];
    assert_eq!((marketing.models, marketing.sources, marketing.inferred_edges, marketing.groups), (6, 1, 1, 2));
    assert_eq!(c["exec_reporting"].models, 2);
}

#[test]
fn findings_name_the_demo_meshs_known_problems() {
    let (_tmp, data) = common::indexed_demo();
    let reader = Reader::open(&data.generation_path(&data.current_name().unwrap()).join("meshlens.sqlite")).unwrap();
    let node = |id: &str| {
        let stored = reader.node(id).unwrap().unwrap_or_else(|| panic!("{id} missing"));
        server::present::node_detail(stored, &[], reader.today(), server::present::ColumnFacts::none())
    };
    let kinds = |id: &str| node(id).findings.into_iter().map(|f| f.kind).collect::<Vec<_>>();
    assert!(kinds("model.marketing.mkt_customer_contacts").contains(&"private_ref".to_string()));
    assert!(kinds("model.finance.fin_payment_reconciliation").contains(&"protected_ref".to_string()));
    assert!(kinds("model.marketing.mkt_customers_legacy").contains(&"deprecated_ref".to_string()));
    assert!(kinds("model.marketing.mkt_customers").contains(&"unpinned_ref".to_string()));
    assert!(kinds("model.platform.fct_orders").contains(&"contract_type_mismatch".to_string()));
    assert!(kinds("model.platform.dim_products").contains(&"public_without_contract".to_string()));
    // Group owners with a list of emails, and the failing test's status.
    let fct = node("model.platform.fct_orders");
    let emails: Vec<_> = fct.owners.iter().filter(|o| o.source == "group").filter_map(|o| o.email.clone()).collect();
    assert_eq!(emails, ["platform@acme.io", "data-oncall@acme.io"]);
    let products = node("model.platform.dim_products");
    assert!(products.tests.iter().any(|t| t.status.as_deref() == Some("fail")));
}

#[test]
fn a_broken_project_is_reported_and_the_others_still_index() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = common::copy_project("finance", tmp.path());
    let manifest = fs::read(broken.join("manifest.json")).unwrap();
    fs::write(broken.join("manifest.json"), &manifest[..manifest.len() / 2]).unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let report = index_paths(&data, &[common::demo_artifacts().join("platform"), broken.clone()], |_| {}).unwrap();
    assert_eq!(report.indexed, ["platform"]);
    assert_eq!(report.failed.len(), 1);
    let (path, error) = &report.failed[0];
    assert_eq!(path, &broken);
    assert!(error.contains("manifest.json"), "{error}");
    assert!(error.contains("line "), "{error}");
    assert_eq!(counts(&data).keys().collect::<Vec<_>>(), ["platform"]);
}

#[test]
fn a_missing_manifest_names_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let report = index_paths(&data, &[tmp.path().join("nowhere")], |_| {}).unwrap();
    assert!(report.failed[0].1.contains("nowhere: no manifest.json"), "{:?}", report.failed);
    assert!(data.current_name().is_none());
}

#[test]
fn reindexing_keeps_other_projects_and_skips_unchanged_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let platform = common::copy_project("platform", tmp.path());
    index_paths(&data, std::slice::from_ref(&platform), |_| {}).unwrap();
    let first = data.current_name().unwrap();

    let report = index_paths(&data, std::slice::from_ref(&platform), |_| {}).unwrap();
    assert_eq!(report.unchanged, ["platform"]);
    assert_eq!(data.current_name().unwrap(), first, "nothing changed, nothing published");

    let finance = common::copy_project("finance", tmp.path());
    index_paths(&data, &[finance], |_| {}).unwrap();
    let c = counts(&data);
    assert_eq!(c.keys().collect::<Vec<_>>(), ["finance", "platform"]);
    // With platform indexed, finance's refs to it resolve to platform's own nodes.
    assert_eq!(c["finance"].cross_project_edges, 4);

    // A broken re-index leaves what is served intact.
    let served = data.current_name().unwrap();
    fs::write(platform.join("manifest.json"), b"{\"metadata\": 5}").unwrap();
    let report = index_paths(&data, &[platform], |_| {}).unwrap();
    assert_eq!(report.failed.len(), 1);
    assert_eq!(data.current_name().unwrap(), served);
    assert_eq!(counts(&data)["platform"].models, 11);
}

#[test]
fn two_projects_with_one_name_are_an_error_naming_both_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let a = common::copy_project("platform", &tmp.path().join("a"));
    let b = common::copy_project("platform", &tmp.path().join("b"));
    let data = DataDir::new(tmp.path().join("data"));
    let report = index_paths(&data, &[a.clone(), b.clone()], |_| {}).unwrap();
    assert_eq!(report.failed.len(), 1);
    let error = &report.failed[0].1;
    assert!(error.contains(&a.canonicalize().unwrap().display().to_string()), "{error}");
    assert!(error.contains(&b.canonicalize().unwrap().display().to_string()), "{error}");
}

#[test]
fn older_dbt_versions_index_to_the_same_platform_nodes() {
    let (_tmp, data) = common::indexed_demo();
    let current = counts(&data)["platform"].clone();
    for version in ["artifacts-dbt1.7", "artifacts-dbt1.5"] {
        let tmp = tempfile::tempdir().unwrap();
        let data = DataDir::new(tmp.path().join("data"));
        let path = common::demo_artifacts().join("..").join(version).join("platform");
        let report = index_paths(&data, &[path], |_| {}).unwrap();
        assert!(report.failed.is_empty(), "{version}: {:?}", report.failed);
        let old = &counts(&data)["platform"];
        // Unit tests need dbt 1.8; everything else is in both.
        assert_eq!(
            (old.models, old.sources, old.seeds, old.snapshots, old.tests),
            (current.models, current.sources, current.seeds, current.snapshots, current.tests),
            "{version}"
        );
        assert_eq!(
            (old.public_models, old.contracted_models, old.versioned_models),
            (current.public_models, current.contracted_models, current.versioned_models),
            "{version}"
        );
    }
}

#[test]
fn the_cli_exits_1_on_bad_input_and_2_on_bad_usage() {
    let bin = env!("CARGO_BIN_EXE_meshlens");
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let ok = Command::new(bin).args(["index", "--data"]).arg(&data).args(common::demo_paths()).output().unwrap();
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    let summary = String::from_utf8_lossy(&ok.stdout);
    assert!(summary.starts_with("indexed 4 projects (0 unchanged, 0 failed)"), "{summary}");

    let bad = Command::new(bin).args(["index", "--data"]).arg(&data).arg(tmp.path().join("missing")).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no manifest.json"));

    let usage = Command::new(bin).args(["index", "--data"]).arg(&data).output().unwrap();
    assert_eq!(usage.status.code(), Some(2));
    let version = Command::new(bin).args(["serve", "--version"]).output().unwrap();
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("meshlens"));
}

#[test]
fn remove_drops_one_project_and_keeps_the_rest() {
    let (_tmp, data) = common::indexed_demo();
    let summary = server::ingest::remove_projects(&data, &["exec_reporting".to_string()]).unwrap();
    assert_eq!(summary.projects, 3);
    assert_eq!(counts(&data).keys().collect::<Vec<_>>(), ["finance", "marketing", "platform"]);
    let err = server::ingest::remove_projects(&data, &["nope".to_string()]).unwrap_err().to_string();
    assert!(err.contains("\"nope\"") && err.contains("finance, marketing, platform"), "{err}");
}

#[test]
fn a_config_file_lists_the_projects() {
    let tmp = tempfile::tempdir().unwrap();
    let mut toml = String::new();
    for project in common::PROJECTS {
        common::copy_project(project, &tmp.path().join("artifacts"));
        toml.push_str(&format!("[[projects]]\nname = \"{project}\"\npath = \"artifacts/{project}\"\n\n"));
    }
    fs::write(tmp.path().join("meshlens.toml"), toml).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_meshlens"))
        .current_dir(tmp.path())
        .args(["index", "--data", "data"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(counts(&DataDir::new(tmp.path().join("data"))).len(), 4);

    // A name that contradicts the manifest is refused, naming the file.
    fs::write(tmp.path().join("bad.toml"), "[[projects]]\nname = \"core\"\npath = \"artifacts/platform\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_meshlens"))
        .current_dir(tmp.path())
        .args(["index", "--data", "data2", "--config", "bad.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("manifest.json") && stderr.contains("\"platform\"") && stderr.contains("\"core\""),
        "{stderr}"
    );

    // Neither PATH nor a config file is a usage error.
    let empty = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_meshlens"))
        .current_dir(empty.path())
        .args(["index", "--data", "data"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Counts equal those computed independently from dbt's own manifests by
/// tests/demo-mesh/expected_counts.py (every key but `findings`, which it does not compute).
#[test]
fn counts_equal_an_independent_count_of_the_manifests() {
    let expected: serde_json::Value =
        serde_json::from_slice(&fs::read(common::demo_artifacts().join("../expected-counts.json")).unwrap()).unwrap();
    let (_tmp, data) = common::indexed_demo();
    let mut meshes: Vec<(String, BTreeMap<String, ProjectCounts>)> = vec![("artifacts".to_string(), counts(&data))];
    let mut keep = Vec::new();
    for old in ["artifacts-dbt1.7", "artifacts-dbt1.5"] {
        let tmp = tempfile::tempdir().unwrap();
        let data = DataDir::new(tmp.path().join("data"));
        index_paths(&data, &[common::demo_artifacts().join("..").join(old).join("platform")], |_| {}).unwrap();
        meshes.push((old.to_string(), counts(&data)));
        keep.push(tmp);
    }
    let mut checked = 0;
    for (folder, entry) in expected.as_object().unwrap() {
        let (mesh, _) = folder.split_once('/').unwrap();
        let project = entry["project"].as_str().unwrap();
        let actual = &meshes.iter().find(|(m, _)| m == mesh).unwrap().1[project];
        let mut actual = serde_json::to_value(actual).unwrap();
        actual.as_object_mut().unwrap().remove("findings");
        assert_eq!(actual, entry["counts"], "{folder}");
        checked += 1;
    }
    assert_eq!(checked, 6);
}

#[test]
fn the_cli_searches_an_index() {
    let (tmp, _data) = common::indexed_demo();
    let bin = env!("CARGO_BIN_EXE_meshlens");
    let out = Command::new(bin)
        .args(["search", "--data"])
        .arg(tmp.path().join("data"))
        .args(["dim_cust", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results["hits"][0]["name"], "dim_customers");
    let out = Command::new(bin)
        .args(["search", "--data"])
        .arg(tmp.path().join("data"))
        .args(["type:exposure", "owner:cfo"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("board_pack\texposure\texec_reporting\texposure.exec_reporting.board_pack\t"), "{text}");
    assert_eq!(text.lines().count(), 1);
    let out = Command::new(bin).args(["search", "--data"]).arg(tmp.path().join("nowhere")).arg("x").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no index here"));
}

#[test]
fn a_killed_index_run_leaves_the_served_index_intact() {
    let bin = env!("CARGO_BIN_EXE_meshlens");
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let platform = common::copy_project("platform", tmp.path());
    let ok = Command::new(bin).args(["index", "--data"]).arg(&data).arg(&platform).output().unwrap();
    assert!(ok.status.success());
    let served = DataDir::new(&data).current_name().unwrap();
    let others: Vec<_> =
        ["finance", "marketing", "exec_reporting"].iter().map(|p| common::copy_project(p, tmp.path())).collect();
    for delay_ms in [5, 40, 120, 250] {
        let mut child = Command::new(bin).args(["index", "--data"]).arg(&data).args(&others).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let data_dir = DataDir::new(&data);
        let current = data_dir.current_name().expect("an index is still published");
        if current == served {
            assert_eq!(counts(&data_dir).keys().collect::<Vec<_>>(), ["platform"]);
        } else {
            // The run finished before the kill: its generation is whole.
            assert_eq!(counts(&data_dir).len(), 4);
            break;
        }
    }
    let again = Command::new(bin).args(["index", "--data"]).arg(&data).args(&others).output().unwrap();
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(counts(&DataDir::new(&data)).len(), 4);
}

#[test]
fn check_fails_ci_on_known_findings_and_passes_when_they_are_excluded() {
    let (tmp, _data) = common::indexed_demo();
    let bin = env!("CARGO_BIN_EXE_meshlens");
    let data = tmp.path().join("data");
    let run = |args: &[&str]| Command::new(bin).arg("check").arg("--data").arg(&data).args(args).output().unwrap();

    let out = run(&[]);
    assert_eq!(out.status.code(), Some(1), "the demo mesh has findings");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("FAIL private_ref marketing model.marketing.mkt_customer_contacts"), "{text}");
    // A source that reads another project's model is reported, and fails only on request.
    assert!(text.contains("note source_reads_model marketing source.marketing.platform_warehouse.orders_table: source platform_warehouse.orders_table reads model fct_orders of project platform"), "{text}");
    assert!(text.trim_end().ends_with("15 findings, 14 failing"), "{text}");
    let out = run(&["--fail-on", "source_reads_model"]);
    assert_eq!(out.status.code(), Some(1), "opted in, it fails");

    let out = run(&["--fail-on", "missing_latest_version"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let out = run(&["--fail-on", "private_ref", "missing_latest_version"]);
    assert_eq!(out.status.code(), Some(1));

    let out = run(&["--format", "json", "--fail-on", "deprecated_ref"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["failing"], 1);
    assert_eq!(report["findings"].as_array().unwrap().len(), 15);

    let out = run(&["--format", "junit"]);
    let xml = String::from_utf8_lossy(&out.stdout);
    assert!(
        xml.starts_with("<?xml") && xml.contains("<testsuites name=\"meshlens check\" tests=\"15\" failures=\"14\">"),
        "{xml}"
    );
    assert_eq!(xml.matches("<testcase ").count(), 15);

    let out = run(&["--format", "github", "--fail-on", "private_ref"]);
    let annotations = String::from_utf8_lossy(&out.stdout);
    assert_eq!(annotations.lines().filter(|l| l.starts_with("::error title=meshlens private_ref::")).count(), 1);
    assert_eq!(annotations.lines().filter(|l| l.starts_with("::warning ")).count(), 14);

    assert_eq!(run(&["--fail-on", "nope"]).status.code(), Some(2));
}
