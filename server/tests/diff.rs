//! `meshlens diff` on the demo mesh: each case in tests/demo-mesh/diffs is one of
//! the demo projects changed and parsed again by real dbt 1.11 (see its README).
//! Downstream sets are checked against `expected.json`, which a Python script
//! computed from dbt's own manifests without meshlens.

#[path = "support/common.rs"]
mod common;

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
    process::Command,
    sync::LazyLock,
};

use app::dto::DiffReport;
use serde_json::Value;
use server::diff::{self, Base};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/demo-mesh/diffs")
}

static BASE: LazyLock<Base> = LazyLock::new(|| diff::load_base(&common::demo_artifacts()).unwrap());
static EXPECTED: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(&std::fs::read_to_string(cases_dir().join("expected.json")).unwrap()).unwrap()
});

fn report(case: &str) -> DiffReport {
    let head = diff::load_head(&[cases_dir().join(case)]).unwrap();
    diff::diff(&BASE, &head)
}

/// (kind, node, breaking, column) of every change.
fn changes(report: &DiffReport) -> BTreeSet<(String, String, bool, Option<String>)> {
    report.changes.iter().map(|c| (c.kind.clone(), c.node.clone(), c.breaking, c.column.clone())).collect()
}

fn change(kind: &str, node: &str, breaking: bool, column: Option<&str>) -> (String, String, bool, Option<String>) {
    (kind.into(), format!("model.{node}"), breaking, column.map(str::to_string))
}

fn downstream_of(report: &DiffReport, kind: &str, node: &str) -> BTreeSet<String> {
    let change = report.changes.iter().find(|c| c.kind == kind && c.node == node).unwrap();
    change.downstream.iter().map(|d| d.unique_id.clone()).collect()
}

/// dbt's own graph of the base, from expected.json.
fn dbt_downstream(case: &str, node: &str) -> BTreeSet<String> {
    EXPECTED[case]["downstream"][node].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

/// marketing reads fct_orders through `source()`: meshlens infers that edge, dbt
/// cannot see it.
const INFERRED_FROM_FCT_ORDERS: [&str; 3] = [
    "source.marketing.platform_warehouse.orders_table",
    "model.marketing.mkt_order_attribution",
    "model.marketing.campaign_performance",
];

fn fct_orders_downstream(case: &str) -> BTreeSet<String> {
    let mut expected = dbt_downstream(case, "model.platform.fct_orders");
    expected.extend(INFERRED_FROM_FCT_ORDERS.iter().map(|s| s.to_string()));
    expected
}

const FCT_ORDERS_OWNERS: [&str; 6] =
    ["CFO Office", "Executive Reporting", "Finance Analytics", "Growth Marketing", "Ops Analytics", "Platform Team"];

#[test]
fn each_contract_rule_of_dbt_is_one_breaking_change_reaching_all_four_projects() {
    let cases = [
        ("contract_disabled", vec![change("contract_disabled", "platform.fct_orders", true, None)]),
        (
            "column_removed",
            vec![
                change("column_removed", "platform.fct_orders", true, Some("status")),
                change("code_changed", "platform.fct_orders", false, None),
            ],
        ),
        (
            "column_type_changed",
            vec![
                change("column_type_changed", "platform.fct_orders", true, Some("amount_usd")),
                change("code_changed", "platform.fct_orders", false, None),
            ],
        ),
        ("constraint_removed", vec![change("constraint_removed", "platform.fct_orders", true, Some("customer_id"))]),
        ("materialization_changed", vec![change("materialization_changed", "platform.fct_orders", true, None)]),
        ("access_narrowed", vec![change("access_narrowed", "platform.fct_orders", true, None)]),
    ];
    for (case, expected) in cases {
        let report = report(case);
        assert_eq!(changes(&report), expected.into_iter().collect(), "{case}");
        assert_eq!(report.breaking, 1, "{case}");
        let breaking = report.changes.iter().find(|c| c.breaking).unwrap();
        assert_eq!(downstream_of(&report, &breaking.kind, &breaking.node), fct_orders_downstream(case), "{case}");
        assert_eq!(report.impacted_projects, ["exec_reporting", "finance", "marketing", "platform"], "{case}");
        assert_eq!(report.impacted_owners, FCT_ORDERS_OWNERS, "{case}");
    }
}

#[test]
fn a_removed_version_names_the_consumers_that_pin_it() {
    let report = report("version_removed");
    assert_eq!(
        changes(&report),
        [change("version_removed", "platform.dim_customers.v1", true, None)].into_iter().collect()
    );
    let node = "model.platform.dim_customers.v1";
    assert_eq!(downstream_of(&report, "version_removed", node), dbt_downstream("version_removed", node));
    assert_eq!(report.impacted_projects, ["exec_reporting", "marketing"]);
    assert_eq!(report.impacted_owners, ["CFO Office", "Executive Reporting", "Growth Marketing"]);
    let legacy = &report.changes[0].downstream[0];
    assert_eq!(legacy.unique_id, "model.marketing.mkt_customers_legacy");
    assert_eq!((legacy.distance, legacy.pinned_version.as_deref()), (1, Some("1")));
    assert_eq!(legacy.pinned_version_exists, Some(false), "the head has no v1 any more");
    assert_eq!(legacy.owners, ["Growth Marketing"]);
}

#[test]
fn a_moved_latest_version_reaches_only_the_refs_without_a_pin() {
    let report = report("latest_version_moved");
    assert_eq!(
        changes(&report),
        [change("latest_version_moved", "platform.dim_customers.v2", true, None)].into_iter().collect()
    );
    let reached = downstream_of(&report, "latest_version_moved", "model.platform.dim_customers.v2");
    let everything = dbt_downstream("latest_version_moved", "model.platform.dim_customers.v2");
    assert!(reached.is_subset(&everything));
    // fin_customers pins v=2, dim_customers.v3 and the ops dashboard pin v2 too: unaffected.
    for pinned in
        ["model.finance.fin_customers", "model.platform.dim_customers.v3", "exposure.platform.ops_orders_dashboard"]
    {
        assert!(!reached.contains(pinned), "{pinned} pins v2");
    }
    assert!(reached.contains("model.marketing.mkt_customers"), "an unpinned ref follows the latest version");
    assert_eq!(report.impacted_projects, ["exec_reporting", "marketing"]);
}

#[test]
fn removed_and_renamed_models_break_every_project_that_uses_them() {
    let report = report("model_removed");
    let removed: BTreeSet<_> = ["v1", "v2", "v3"]
        .iter()
        .map(|v| change("model_removed", &format!("platform.dim_customers.{v}"), true, None))
        .collect();
    assert_eq!(changes(&report), removed);
    // The head removed v3 as well: it is no longer a consumer of v2.
    let mut expected = dbt_downstream("model_removed", "model.platform.dim_customers.v2");
    expected.remove("model.platform.dim_customers.v3");
    assert_eq!(downstream_of(&report, "model_removed", "model.platform.dim_customers.v2"), expected);
    assert_eq!(report.impacted_projects, ["exec_reporting", "finance", "marketing", "platform"]);

    let report = crate::report("model_renamed");
    let expected: BTreeSet<_> = [
        change("model_renamed", "platform.fct_orders", true, None),
        // Refs inside platform follow the new name: a code change each.
        change("code_changed", "platform.dim_customers.v1", false, None),
        change("code_changed", "platform.dim_customers.v2", false, None),
        change("code_changed", "platform.orders_daily", false, None),
    ]
    .into_iter()
    .collect();
    assert_eq!(changes(&report), expected);
    let renamed = report.changes.iter().find(|c| c.kind == "model_renamed").unwrap();
    assert_eq!(renamed.after.as_deref(), Some("fct_sales"));
    assert_eq!(
        downstream_of(&report, "model_renamed", "model.platform.fct_orders"),
        fct_orders_downstream("model_renamed")
    );
}

#[test]
fn a_narrowed_model_of_a_downstream_project_reaches_its_consumers() {
    let report = report("finance_access_narrowed");
    assert_eq!(
        changes(&report),
        [change("access_narrowed", "finance.revenue_by_month", true, None)].into_iter().collect(),
        "dbt-loom's copies of platform nodes in finance's manifest are not finance's changes"
    );
    let node = "model.finance.revenue_by_month";
    assert_eq!(downstream_of(&report, "access_narrowed", node), dbt_downstream("finance_access_narrowed", node));
    assert_eq!(report.impacted_projects, ["exec_reporting", "finance"]);
    assert_eq!(report.impacted_owners, ["CFO Office", "Executive Reporting", "Finance Analytics"]);
}

#[test]
fn new_columns_descriptions_and_deprecations_do_not_break() {
    let report = report("non_breaking");
    let expected: BTreeSet<_> = [
        change("column_added", "platform.fct_orders", false, Some("is_shipped")),
        change("code_changed", "platform.fct_orders", false, None),
        change("description_changed", "platform.dim_products", false, None),
    ]
    .into_iter()
    .collect();
    assert_eq!(changes(&report), expected);
    assert_eq!(report.breaking, 0);
    assert!(report.impacted_projects.is_empty() && report.impacted_owners.is_empty());

    let report = crate::report("version_deprecated");
    assert_eq!(
        changes(&report),
        [change("version_deprecated", "platform.dim_customers.v2", false, None)].into_iter().collect()
    );
    assert_eq!(report.changes[0].after.as_deref().map(|d| &d[..10]), Some("2027-12-31"));

    assert!(crate::report("unchanged").changes.is_empty(), "a project parsed again without changes");
}

#[test]
fn the_cli_exits_1_on_a_breaking_change_and_writes_three_formats() {
    let bin = env!("CARGO_BIN_EXE_meshlens");
    let (tmp, _data) = common::indexed_demo();
    let run = |case: &str, format: &str| {
        Command::new(bin)
            .args(["diff", "--base"])
            .arg(tmp.path().join("data"))
            .arg("--head")
            .arg(cases_dir().join(case))
            .args(["--format", format])
            .output()
            .unwrap()
    };

    let out = run("version_removed", "text");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("BREAKING version_removed platform model.platform.dim_customers.v1"), "{text}");
    assert!(text.contains("model.marketing.mkt_customers_legacy (marketing, owners Growth Marketing, pins v1, which the head no longer has)"), "{text}");

    let out = run("version_removed", "json");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["breaking"], 1);
    assert_eq!(json["changes"][0]["downstream"][0]["pinned_version_exists"], false);
    assert!(json["base"].as_str().unwrap().starts_with("index "));

    let out = run("finance_access_narrowed", "markdown");
    assert_eq!(out.status.code(), Some(1));
    let markdown = String::from_utf8_lossy(&out.stdout);
    assert!(markdown.starts_with("### meshlens: 1 breaking change in finance"), "{markdown}");
    assert!(markdown.contains("| 🔴 breaking | `access_narrowed` | `model.finance.revenue_by_month` |"), "{markdown}");
    assert!(
        markdown.contains("**Owners to notify:** CFO Office, Executive Reporting, Finance Analytics"),
        "{markdown}"
    );

    let out = run("non_breaking", "text");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("3 changes, 0 breaking\n"));

    // A base that is neither an index nor artifacts, or a head without a manifest: 2.
    let empty = tempfile::tempdir().unwrap();
    let out = Command::new(bin)
        .args(["diff", "--base"])
        .arg(empty.path())
        .arg("--head")
        .arg(cases_dir().join("unchanged"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("neither a meshlens index nor a folder with dbt artifacts"));
    let out = run_missing_head(bin, &tmp.path().join("data"), empty.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no manifest.json"));
}

fn run_missing_head(bin: &str, base: &Path, head: &Path) -> std::process::Output {
    Command::new(bin).args(["diff", "--base"]).arg(base).arg("--head").arg(head).output().unwrap()
}

#[test]
fn check_with_a_head_gates_on_the_mesh_as_it_would_be() {
    let bin = env!("CARGO_BIN_EXE_meshlens");
    let (tmp, _data) = common::indexed_demo();
    let run = |head: Option<&str>| {
        let mut command = Command::new(bin);
        command.args(["check", "--data"]).arg(tmp.path().join("data")).args([
            "--fail-on",
            "protected_ref",
            "--format",
            "json",
        ]);
        if let Some(case) = head {
            command.arg("--head").arg(cases_dir().join(case));
        }
        command.output().unwrap()
    };
    let failing = |out: &std::process::Output| -> BTreeMap<String, usize> {
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut nodes = BTreeMap::new();
        for f in json["findings"].as_array().unwrap().iter().filter(|f| f["kind"] == "protected_ref") {
            *nodes.entry(f["node"].as_str().unwrap().to_string()).or_default() += 1;
        }
        nodes
    };
    let before = run(None);
    assert_eq!(before.status.code(), Some(1), "the demo mesh has one protected ref already");
    let after = run(Some("access_narrowed"));
    assert_eq!(after.status.code(), Some(1));
    let (before, after) = (failing(&before), failing(&after));
    assert!(after.contains_key("model.finance.fin_orders"), "fct_orders is protected in the head: {after:?}");
    assert!(!before.contains_key("model.finance.fin_orders"));
}
