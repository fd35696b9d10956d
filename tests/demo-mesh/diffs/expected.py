#!/usr/bin/env python3
"""Write expected.json: what each diff case should report, read independently of meshlens.

    python3 tests/demo-mesh/diffs/expected.py

Stdlib only. The changes per case are declared by hand below (they are what the case's
change.patch does). Everything about impact is computed from the committed BASE mesh,
tests/demo-mesh/artifacts/*/manifest.json:

* Graph: the union over the four base manifests of `child_map` plus every node's
  `depends_on.nodes` (parent -> child). A downstream manifest contains dbt-loom-injected
  copies of upstream nodes under the upstream unique_id, so edges stitch across
  projects by unique_id (e.g. model.platform.fct_orders -> model.finance.fin_orders comes
  from finance's manifest).
* downstream[node] = every unique_id reachable from node (node itself excluded), minus
  data tests (`test.*`) and unit tests (`unit_test.*`), which are also not walked through.
  Exposures, metrics and semantic models are included. Sorted.
* Owner of a unique_id: the project of the manifest where it is NOT an injected copy
  (injected copy = node whose package_name differs from that manifest's
  metadata.project_name). downstream_projects = sorted owners of all downstream nodes
  of the case; cross_project_downstream = the same without the case's own project.
* version_refs (cases that touch a versioned model): every non-test resource in the
  base mesh whose `refs` name that model, with the ref's `version` (null = unpinned,
  follows latest_version) and the unique_id it resolves to in the base.

Keys of a change: kind, node (BASE unique_id; for a rename the old one), optional column,
from, to, constraint, breaking (this reading: can it break a consumer that builds
against it?). `incidental` lists head-project edits that only keep the project parseable
(refs fixed inside the same project); they are real differences in the head manifest
but not the point of the case. `head_delta` is the exact set of resources of the head
project that differ from the base manifest (verify.py checks it against the real heads).
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ARTIFACTS = os.path.join(HERE, "..", "artifacts")
PROJECTS = ["platform", "finance", "marketing", "exec_reporting"]

FCT = "model.platform.fct_orders"
DIM = "model.platform.dim_customers"
FCT_TESTS = [
    "test.platform.not_null_fct_orders_customer_id.16fe324f7b",
    "test.platform.not_null_fct_orders_order_id.4e687af8d0",
    "test.platform.unique_fct_orders_order_id.523ddb6ce5",
]
DIM_TESTS = {
    1: ["test.platform.not_null_dim_customers_v1_customer_id.45feedb0d1",
        "test.platform.unique_dim_customers_v1_customer_id.cea60a0517"],
    2: ["test.platform.not_null_dim_customers_v2_customer_id.7df2e38f8c",
        "test.platform.unique_dim_customers_v2_customer_id.f52bb79f08"],
    3: ["test.platform.not_null_dim_customers_v3_customer_id.effb8acff8",
        "test.platform.unique_dim_customers_v3_customer_id.da041146b6"],
}


def delta(removed=(), added=(), modified=()):
    return {"removed": sorted(removed), "added": sorted(added), "modified": sorted(modified)}


CASES = {
    "unchanged": {
        "project": "platform",
        "summary": "control: platform exactly as in the base (empty patch)",
        "changes": [],
        "head_delta": delta(),
    },
    "contract_disabled": {
        "project": "platform",
        "summary": "fct_orders: contract.enforced true -> false",
        "changes": [{"kind": "contract_disabled", "node": FCT, "from": True, "to": False,
                     "breaking": True}],
        "head_delta": delta(modified=[FCT]),
    },
    "column_removed": {
        "project": "platform",
        "summary": "fct_orders: column status (no constraints) removed from SQL and contract",
        "changes": [{"kind": "column_removed", "node": FCT, "column": "status",
                     "breaking": True}],
        "notes": "model.finance.fin_orders selects status, so finance would fail to build.",
        "head_delta": delta(modified=[FCT]),
    },
    "column_type_changed": {
        "project": "platform",
        "summary": "fct_orders.amount_usd: contract data_type double -> varchar (SQL cast too)",
        "changes": [{"kind": "column_type_changed", "node": FCT, "column": "amount_usd",
                     "from": "double", "to": "varchar", "breaking": True}],
        "head_delta": delta(modified=[FCT]),
    },
    "constraint_removed": {
        "project": "platform",
        "summary": "fct_orders.customer_id: column constraint not_null removed (its not_null data test stays)",
        "changes": [{"kind": "constraint_removed", "node": FCT, "column": "customer_id",
                     "constraint": "not_null", "breaking": True}],
        "head_delta": delta(modified=[FCT]),
    },
    "materialization_changed": {
        "project": "platform",
        "summary": "fct_orders: materialized table -> view (contract stays enforced)",
        "changes": [{"kind": "materialization_changed", "node": FCT, "from": "table",
                     "to": "view", "breaking": True}],
        "notes": "dbt warns at parse time that constraints are not supported on views. "
                 "The post-hook (alter table) would fail at build time; parse is fine.",
        "head_delta": delta(modified=[FCT]),
    },
    "access_narrowed": {
        "project": "platform",
        "summary": "fct_orders: access public -> protected (refs from finance become violations)",
        "changes": [{"kind": "access_narrowed", "node": FCT, "from": "public",
                     "to": "protected", "breaking": True}],
        "head_delta": delta(modified=[FCT]),
    },
    "version_removed": {
        "project": "platform",
        "summary": "dim_customers: version 1 removed (marketing.mkt_customers_legacy pins v=1)",
        "changes": [{"kind": "version_removed", "node": DIM + ".v1", "breaking": True}],
        "versioned_model": DIM,
        "head_delta": delta(removed=[DIM + ".v1"] + DIM_TESTS[1]),
    },
    "version_deprecated": {
        "project": "platform",
        "summary": "dim_customers v2 (latest): deprecation_date null -> 2027-12-31",
        "changes": [{"kind": "version_deprecated", "node": DIM + ".v2", "from": None,
                     "to": "2027-12-31T00:00:00+00:00", "breaking": False}],
        "versioned_model": DIM,
        "notes": "dbt warns at parse time about refs to a version slated for deprecation "
                 "(dim_customers.v3 and the exposure ref v=2).",
        "head_delta": delta(modified=[DIM + ".v2"]),
    },
    "latest_version_moved": {
        "project": "platform",
        "summary": "dim_customers: latest_version 2 -> 3 (unpinned refs now resolve to v3)",
        "changes": [{"kind": "latest_version_moved", "node": DIM + ".v2", "from": 2, "to": 3,
                     "breaking": True}],
        "versioned_model": DIM,
        "notes": "node = the old latest version: unpinned refs that resolved to it now "
                 "resolve to v3. The latest_version field changes on all three version "
                 "nodes. v2 keeps its alias dim_customers; v3's relation stays dim_customers_v3.",
        "head_delta": delta(modified=[DIM + ".v1", DIM + ".v2", DIM + ".v3"]),
    },
    "model_removed": {
        "project": "platform",
        "summary": "dim_customers removed entirely (all three versions; finance and marketing ref it)",
        "changes": [{"kind": "model_removed", "node": DIM + ".v%d" % v, "breaking": True}
                    for v in (1, 2, 3)],
        "versioned_model": DIM,
        "incidental": [{"node": "exposure.platform.ops_orders_dashboard",
                        "what": "ref('dim_customers', v=2) dropped from depends_on"}],
        "notes": "dbt itself refuses this in state comparison (exit 2): "
                 "'Contracted model model.platform.dim_customers.v2 was deleted or renamed'. "
                 "The manifest is written before that check.",
        "head_delta": delta(removed=[DIM + ".v%d" % v for v in (1, 2, 3)]
                            + DIM_TESTS[1] + DIM_TESTS[2] + DIM_TESTS[3],
                            modified=["exposure.platform.ops_orders_dashboard"]),
    },
    "model_renamed": {
        "project": "platform",
        "summary": "fct_orders renamed to fct_sales (same SQL file content and YAML; refs inside platform updated)",
        "changes": [{"kind": "model_renamed", "node": FCT, "to": "model.platform.fct_sales",
                     "breaking": True}],
        "notes": "Without rename detection this is model_removed(fct_orders) + "
                 "model_added(fct_sales). Evidence for a rename: identical checksum and "
                 "raw_code, same columns/contract/config; the relation changes to "
                 "\"demo\".\"platform\".\"fct_sales\". Its data tests get new ids.",
        "incidental": [
            {"node": DIM + ".v1", "what": "ref('fct_orders') -> ref('fct_sales')"},
            {"node": DIM + ".v2", "what": "ref('fct_orders') -> ref('fct_sales')"},
            {"node": "model.platform.orders_daily", "what": "ref('fct_orders') -> ref('fct_sales')"},
            {"node": "test.platform.assert_order_amounts_non_negative",
             "what": "ref('fct_orders') -> ref('fct_sales')"},
            {"node": "exposure.platform.ops_orders_dashboard",
             "what": "ref('fct_orders') -> ref('fct_sales')"},
        ],
        "head_delta": delta(
            removed=[FCT] + FCT_TESTS,
            added=["model.platform.fct_sales",
                   "test.platform.not_null_fct_sales_customer_id.998bfce0ce",
                   "test.platform.not_null_fct_sales_order_id.4987638769",
                   "test.platform.unique_fct_sales_order_id.cfa4f433c5"],
            modified=[DIM + ".v1", DIM + ".v2", "model.platform.orders_daily",
                      "test.platform.assert_order_amounts_non_negative",
                      "exposure.platform.ops_orders_dashboard"]),
    },
    "non_breaking": {
        "project": "platform",
        "summary": "fct_orders gains column is_shipped (SQL + contract); dim_products description edited",
        "changes": [
            {"kind": "column_added", "node": FCT, "column": "is_shipped", "to": "boolean",
             "breaking": False},
            {"kind": "description_changed", "node": "model.platform.dim_products",
             "breaking": False},
        ],
        "head_delta": delta(modified=[FCT, "model.platform.dim_products"]),
    },
    "finance_access_narrowed": {
        "project": "finance",
        "summary": "finance.revenue_by_month: access public -> protected (exec_reporting refs it)",
        "changes": [{"kind": "access_narrowed", "node": "model.finance.revenue_by_month",
                     "from": "public", "to": "protected", "breaking": True}],
        "notes": "Head is finance's manifest: it also holds dbt-loom-injected copies of "
                 "platform nodes (unchanged, but their checksum is sha256(unique_id + parse "
                 "time), so it differs on every run).",
        "head_delta": delta(modified=["model.finance.revenue_by_month"]),
    },
}

RESOURCE_SECTIONS = ["nodes", "sources", "exposures", "metrics", "semantic_models",
                     "saved_queries", "unit_tests"]


def load_base():
    manifests = {}
    for p in PROJECTS:
        with open(os.path.join(ARTIFACTS, p, "manifest.json")) as f:
            manifests[p] = json.load(f)
        assert manifests[p]["metadata"]["project_name"] == p
    return manifests


def build_graph(manifests):
    owner, resources, children = {}, {}, {}
    for p, m in manifests.items():
        for sect in RESOURCE_SECTIONS:
            for uid, r in (m.get(sect) or {}).items():
                if r.get("package_name") == p:
                    assert uid not in owner, uid
                    owner[uid] = p
                    resources[uid] = r
        for parent, kids in m.get("child_map", {}).items():
            children.setdefault(parent, set()).update(kids)
        for sect in RESOURCE_SECTIONS:
            for uid, r in (m.get(sect) or {}).items():
                for parent in (r.get("depends_on") or {}).get("nodes") or []:
                    children.setdefault(parent, set()).add(uid)
    return owner, resources, children


def is_test(uid):
    return uid.startswith("test.") or uid.startswith("unit_test.")


def downstream(children, start):
    seen, stack = set(), [start]
    while stack:
        for kid in children.get(stack.pop(), ()):
            if kid not in seen and not is_test(kid):
                seen.add(kid)
                stack.append(kid)
    seen.discard(start)
    return sorted(seen)


def version_refs(resources, owner, model_uid):
    """Every non-test resource that refs the versioned model, pinned or not."""
    base = resources[model_uid + ".v1"]  # any version carries name/package/latest_version
    name, package, latest = base["name"], base["package_name"], base["latest_version"]
    pinned, unpinned = [], []
    for uid, r in sorted(resources.items()):
        if is_test(uid):
            continue
        for ref in r.get("refs") or []:
            pkg = ref.get("package") or owner[uid]
            if ref["name"] != name or pkg != package:
                continue
            v = ref.get("version")
            target = "%s.v%s" % (model_uid, latest if v is None else v)
            assert target in (r.get("depends_on") or {}).get("nodes", []), (uid, target)
            entry = {"node": uid, "project": owner[uid], "resolves_to": target}
            if v is None:
                unpinned.append(entry)
            else:
                pinned.append(dict(entry, version=v))
    return {"pinned": pinned, "unpinned": unpinned}


def main():
    manifests = load_base()
    owner, resources, children = build_graph(manifests)
    out = {}
    for case, spec in CASES.items():
        entry = {k: v for k, v in spec.items() if k != "versioned_model"}
        ds = {}
        for ch in spec["changes"]:
            assert ch["node"] in resources, (case, ch["node"])
            ds[ch["node"]] = downstream(children, ch["node"])
        entry["downstream"] = ds
        projects = sorted({owner[u] for ids in ds.values() for u in ids})
        entry["downstream_projects"] = projects
        entry["cross_project_downstream"] = [p for p in projects if p != spec["project"]]
        if "versioned_model" in spec:
            entry["version_refs"] = version_refs(resources, owner, spec["versioned_model"])
        out[case] = entry
    path = os.path.join(HERE, "expected.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=2, sort_keys=True)
        f.write("\n")
    print("wrote %s (%d cases)" % (path, len(out)))


if __name__ == "__main__":
    sys.exit(main())
