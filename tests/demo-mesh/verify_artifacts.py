#!/usr/bin/env python3
"""Check that the demo-mesh artifacts still demonstrate every feature README.md promises.

    python3 tests/demo-mesh/verify_artifacts.py [tests/demo-mesh/artifacts]

Standard library only. Prints a per-project count table and exits non-zero on the
first broken promise. regenerate.sh runs it after every rebuild.
"""
import json
import sys
from pathlib import Path

ROOT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "artifacts"
PROJECTS = ["platform", "finance", "marketing", "exec_reporting"]
UPSTREAMS = {
    "platform": set(),
    "finance": {"platform"},
    "marketing": {"platform"},
    "exec_reporting": {"platform", "finance", "marketing"},
}

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print(f"  FAIL {msg}")


def load(project, name):
    path = ROOT / project / name
    return json.loads(path.read_text()) if path.exists() else None


def by_prefix(mapping, prefix):
    hits = [k for k in mapping if k.startswith(prefix)]
    check(len(hits) == 1, f"exactly one id starting with {prefix!r}, got {hits}")
    return hits[0] if hits else None


art = {p: {f: load(p, f"{f}.json") for f in ("manifest", "catalog", "run_results", "sources")} for p in PROJECTS}

# ---------------------------------------------------------------- schema versions
for p in PROJECTS:
    a = art[p]
    for kind, want in (("manifest", "manifest/v12"), ("catalog", "catalog/v1"), ("run_results", "run-results/v6")):
        check(a[kind] is not None, f"{p}: {kind}.json exists")
        if a[kind]:
            check(a[kind]["metadata"]["dbt_schema_version"].endswith(want + ".json"), f"{p}: {kind} is {want}")
    if p == "platform":
        check(a["sources"] is not None and a["sources"]["metadata"]["dbt_schema_version"].endswith("sources/v3.json"),
              "platform: sources.json is sources/v3")
    else:
        check(a["sources"] is None, f"{p}: no sources.json")
    for kind, doc in a.items():
        if doc is not None:
            check("/work/" not in json.dumps(doc), f"{p}: {kind} has no machine-specific path")

# ---------------------------------------------------------------- counts table
rows = []
for p in PROJECTS:
    m = art[p]["manifest"]
    nodes = m["nodes"]
    own = [n for n in nodes.values() if n["package_name"] == p]
    injected = [n for n in nodes.values() if n["package_name"] != p]
    for n in injected:
        check(n["original_file_path"] == "" and n["package_name"] in UPSTREAMS[p],
              f"{p}: injected {n['unique_id']} has empty original_file_path and an upstream package")
    check(bool(injected) == bool(UPSTREAMS[p]), f"{p}: injected nodes present iff it has upstreams")
    count = lambda rt: sum(1 for n in own if n["resource_type"] == rt)
    rows.append((p,
                 count("model"), sum(1 for n in injected if n["unique_id"].startswith("model.")), len(injected),
                 len(m["sources"]), count("seed"), count("snapshot"), count("test"), len(m.get("unit_tests", {})),
                 len(m["exposures"]), len(m["metrics"]), len(m["semantic_models"]), len(m["groups"])))
header = ("project", "models", "inj.models", "inj.nodes", "sources", "seeds", "snapshots", "data_tests",
          "unit_tests", "exposures", "metrics", "sem_models", "groups")
print(" ".join(f"{h:>10}" for h in header))
for r in rows:
    print(" ".join(f"{str(c):>10}" for c in r))

# ---------------------------------------------------------------- platform
m = art["platform"]["manifest"]
nodes = m["nodes"]
g = m["groups"]["group.platform.platform_core"]["owner"]
check(g["name"] == "Platform Team" and g["email"] == ["platform@acme.io", "data-oncall@acme.io"],
      "platform_core owner email is a list of two")
v1, v2, v3 = (nodes[f"model.platform.dim_customers.v{i}"] for i in (1, 2, 3))
check(all(str(v["latest_version"]) == "2" for v in (v1, v2, v3)), "dim_customers latest_version 2")
check((v1["deprecation_date"] or "").startswith("2025-06-30"), "dim_customers v1 deprecation_date 2025-06-30")
check(v2["deprecation_date"] is None and v3["deprecation_date"] is None, "only v1 deprecated")
check(v2["contract"]["enforced"] and not v1["contract"]["enforced"] and not v3["contract"]["enforced"],
      "only dim_customers v2 has an enforced contract")
check({c["type"] for c in v2["columns"]["customer_id"]["constraints"]} == {"not_null", "primary_key"},
      "dim_customers v2 customer_id constraints not_null+primary_key")
check(v2["relation_name"] == '"demo"."platform"."dim_customers"', "dim_customers v2 aliased to dim_customers")
check("first_name" in v1["columns"] and "customer_tier" not in v1["columns"], "v1 columns differ from v2")
check("web_events" in v3["columns"], "v3 adds web_events")
fo = nodes["model.platform.fct_orders"]
check(fo["access"] == "public" and fo["contract"]["enforced"], "fct_orders public + enforced contract")
check(fo["columns"]["amount_usd"]["data_type"] == "double", "fct_orders.amount_usd contract type double")
cat_type = art["platform"]["catalog"]["nodes"]["model.platform.fct_orders"]["columns"]["amount_usd"]["type"]
check(cat_type == "DECIMAL(12,2)", f"catalog fct_orders.amount_usd is DECIMAL(12,2) (got {cat_type})")
for name in ("dim_products", "orders_daily"):
    n = nodes[f"model.platform.{name}"]
    check(n["access"] == "public" and not n["contract"]["enforced"], f"{name} public without contract")
for name in ("stg_customers", "stg_orders", "stg_payments", "stg_web_events"):
    n = nodes[f"model.platform.{name}"]
    check(n["access"] == "private" and n["group"] == "platform_core", f"{name} private in platform_core")
check(nodes["model.platform.int_order_payments"]["access"] == "protected", "int_order_payments protected")
check("snapshot.platform.customers_snapshot" in nodes, "snapshot present")
check("unit_test.platform.int_order_payments.test_int_order_payments_rollup" in m["unit_tests"], "unit test present")
check(fo["meta"].get("owner") == "orders-squad@acme.io", "fct_orders meta.owner (top-level style)")
check(nodes["model.platform.dim_products"]["config"]["meta"].get("owner") == "catalog-team@acme.io",
      "dim_products config.meta.owner")
exp = m["exposures"]["exposure.platform.ops_orders_dashboard"]
check(exp["type"] == "dashboard" and exp["owner"]["name"] and exp["owner"]["email"], "platform exposure with owner")
doc = m["docs"]["doc.platform.fct_orders"]["block_contents"]
check("\n- " in doc and "**" in doc and "](https://" in doc, "doc block with list, bold and link")
check(fo["description"] == doc, "fct_orders description rendered from doc block")

rr = {r["unique_id"]: r["status"] for r in art["platform"]["run_results"]["results"]}
check(rr.get(by_prefix(rr, "test.platform.unique_dim_products_sku.")) == "fail", "unique_dim_products_sku fails")
check(rr.get(by_prefix(rr, "test.platform.accepted_values_stg_orders_status_warn.")) == "warn",
      "accepted_values_stg_orders_status_warn warns")
check(rr.get("unit_test.platform.int_order_payments.test_int_order_payments_rollup") == "pass", "unit test passes")
bad = {k: v for k, v in rr.items() if v not in ("pass", "success", "no-op")}
check(len(bad) == 2, f"exactly two non-passing results in platform build, got {bad}")
fresh = {r["unique_id"]: r["status"] for r in art["platform"]["sources"]["results"]}
check(fresh == {"source.platform.acme_raw.legacy_crm_accounts": "error",
                "source.platform.acme_raw.web_events": "pass"}, f"freshness stale+fresh, got {fresh}")

# ---------------------------------------------------------------- finance
m = art["finance"]["manifest"]
nodes = m["nodes"]
dep = lambda uid: nodes[uid]["depends_on"]["nodes"]
check(m["groups"]["group.finance.finance"]["owner"]["email"] == "finance-analytics@acme.io", "finance group owner")
check("model.platform.fct_orders" in dep("model.finance.fin_orders"), "fin_orders -> platform.fct_orders")
check(nodes["model.finance.fin_orders"]["refs"] == [{"name": "fct_orders", "package": "platform", "version": None}],
      "fin_orders uses a two-argument ref")
check(dep("model.finance.fin_customers") == ["model.platform.dim_customers.v2"], "fin_customers pins v2")
check("model.platform.int_order_payments" in dep("model.finance.fin_payment_reconciliation"),
      "fin_payment_reconciliation refs protected int_order_payments")
check(nodes["model.platform.int_order_payments"]["access"] == "protected", "injected int_order_payments is protected")
check(nodes["model.finance.revenue_by_month"]["contract"]["enforced"], "revenue_by_month contract")
check(not nodes["model.finance.customer_revenue"]["contract"]["enforced"]
      and nodes["model.finance.customer_revenue"]["access"] == "public", "customer_revenue public without contract")
check("semantic_model.finance.orders" in m["semantic_models"], "semantic model")
check(m["metrics"].get("metric.finance.total_revenue", {}).get("type") == "simple", "simple metric")
check(nodes["model.finance.metricflow_time_spine"]["time_spine"] is not None, "time spine")
check("exposure.finance.monthly_close_workbook" in m["exposures"], "finance exposure")

# ---------------------------------------------------------------- marketing
m = art["marketing"]["manifest"]
nodes = m["nodes"]
dep = lambda uid: nodes[uid]["depends_on"]["nodes"]
legacy = nodes["model.marketing.mkt_customers_legacy"]
check(legacy["refs"][0]["version"] in (1, "1") and dep(legacy["unique_id"]) == ["model.platform.dim_customers.v1"],
      "mkt_customers_legacy pins deprecated v1")
unp = nodes["model.marketing.mkt_customers"]
check(unp["refs"][0]["version"] is None and dep(unp["unique_id"]) == ["model.platform.dim_customers.v2"],
      "mkt_customers unpinned -> v2")
src = m["sources"]["source.marketing.platform_warehouse.orders_table"]
platform_fo = art["platform"]["manifest"]["nodes"]["model.platform.fct_orders"]
check(src["relation_name"] == platform_fo["relation_name"] and src["identifier"] == "fct_orders",
      "marketing source relation == platform fct_orders relation")
check("source.marketing.platform_warehouse.orders_table" in dep("model.marketing.mkt_order_attribution"),
      "mkt_order_attribution reads the source")
contacts = nodes["model.marketing.mkt_customer_contacts"]
check(contacts["group"] == "platform_core" and dep(contacts["unique_id"]) == ["model.platform.stg_customers"],
      "mkt_customer_contacts (group platform_core) refs private stg_customers")
check(nodes["model.platform.stg_customers"]["access"] == "private", "injected stg_customers is private")
check(m["groups"]["group.marketing.platform_core"]["owner"]["name"] == "Marketing Ops",
      "marketing's own platform_core group has a different owner")
check("exposure.marketing.campaign_roi_dashboard" in m["exposures"], "marketing exposure")

# ---------------------------------------------------------------- exec_reporting
m = art["exec_reporting"]["manifest"]
nodes = m["nodes"]
deps = set(nodes["model.exec_reporting.exec_kpis_monthly"]["depends_on"]["nodes"]) | set(
    nodes["model.exec_reporting.exec_customer_overview"]["depends_on"]["nodes"])
check(deps == {"model.finance.revenue_by_month", "model.finance.customer_revenue",
               "model.marketing.campaign_performance", "model.marketing.customer_segments"},
      f"exec models ref finance+marketing public models, got {deps}")
check({n["package_name"] for n in nodes.values()} == {"exec_reporting", "finance", "marketing", "platform"},
      "exec_reporting sees finance, marketing and (transitively) platform nodes")
check(nodes["model.exec_reporting.exec_kpis_monthly"]["config"]["meta"].get("owner") == "cfo-office@acme.io",
      "exec meta.owner")
check(m["exposures"]["exposure.exec_reporting.board_pack"]["owner"]["email"] == "cfo-office@acme.io", "exec exposure")

size = sum(f.stat().st_size for f in ROOT.rglob("*.json"))
print(f"artifacts: {len(list(ROOT.rglob('*.json')))} files, {size / 1024:.0f} KiB")
if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all demo-mesh checks passed")
