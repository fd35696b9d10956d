"""Small artifacts for the fuzz targets, cut from the demo mesh's real ones.

The artifact_parsing target loads its input with the other files of a small valid project
(fuzz/seeds/platform/), and starts from these files as its corpus: a fuzzer mutates a few
kilobytes far faster than the demo's 700 KB manifests, and every kind of resource meshlens
reads is still there. Run from the repository root: python3 fuzz/make_seeds.py
"""

import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEMO = ROOT / "tests" / "demo-mesh"
SEEDS = ROOT / "fuzz" / "seeds"
CORPUS = ROOT / "fuzz" / "corpus" / "artifact_parsing"

# One or two of each kind of resource, with versions, a contract, a group and a cycle-free chain.
KEEP = {
    "nodes": [
        "model.platform.stg_orders",
        "model.platform.fct_orders",
        "model.platform.dim_customers.v1",
        "model.platform.dim_customers.v2",
        "seed.platform.raw_orders",
        "snapshot.platform.customers_snapshot",
        "test.platform.unique_int_order_payments_order_id.804c2d5021",
        "operation.platform.platform-on-run-start-0",
    ],
    "sources": ["source.platform.acme_raw.web_events"],
    "exposures": ["exposure.platform.ops_orders_dashboard"],
    "unit_tests": ["unit_test.platform.int_order_payments.test_int_order_payments_rollup"],
    "groups": ["group.platform.platform_core"],
}
# Fields meshlens never reads and that only make the files long.
DROP = {"checksum", "unrendered_config", "compiled_code", "docs", "patch_path", "build_path", "created_at",
        "extra_ctes", "doc_blocks", "fqn", "sources", "metrics", "functions", "language", "compiled_path"}


CONFIG = {"enabled", "materialized", "tags", "meta", "access", "group", "contract", "severity", "alias", "schema",
          "database"}


def trim(node):
    node = {k: v for k, v in node.items() if k not in DROP}
    if isinstance(node.get("raw_code"), str):
        node["raw_code"] = node["raw_code"][:120]
    if isinstance(node.get("config"), dict):
        node["config"] = {k: v for k, v in node["config"].items() if k in CONFIG}
    if isinstance(node.get("columns"), dict):
        node["columns"] = dict(list(node["columns"].items())[:3])
    for field in ("given", "expect"):
        node.pop(field, None)
    return node


def manifest(folder):
    doc = json.loads((folder / "manifest.json").read_text())
    out = {"metadata": {k: doc["metadata"].get(k) for k in
                        ("dbt_schema_version", "dbt_version", "generated_at", "project_name", "project_id",
                         "adapter_type")}}
    for section, ids in KEEP.items():
        present = doc.get(section) or {}
        out[section] = {i: trim(present[i]) for i in ids if i in present}
    for section in ("metrics", "semantic_models", "saved_queries"):
        out[section] = {}
    return out


def others(folder, ids):
    out = {}
    catalog = json.loads((folder / "catalog.json").read_text())
    out["catalog.json"] = {
        "metadata": {k: catalog["metadata"][k] for k in ("dbt_schema_version", "generated_at")},
        "nodes": {i: {"columns": dict(list(t["columns"].items())[:4])} for i, t in catalog["nodes"].items() if i in ids},
        "sources": {i: {"columns": t["columns"]} for i, t in catalog["sources"].items() if i in ids},
    }
    for name in ("run_results.json", "sources.json"):
        path = folder / name
        if path.exists():
            doc = json.loads(path.read_text())
            keep = ("unique_id", "status", "execution_time", "message", "failures", "max_loaded_at",
                    "snapshotted_at", "max_loaded_at_time_ago_in_s")
            out[name] = {
                "metadata": {k: doc["metadata"][k] for k in ("dbt_schema_version", "generated_at")},
                "results": [{k: r[k] for k in keep if k in r} for r in doc["results"] if r["unique_id"] in ids],
            }
    return out


def main():
    CORPUS.mkdir(parents=True, exist_ok=True)
    roles = {"manifest.json": 0, "catalog.json": 1, "run_results.json": 2, "sources.json": 3}
    for mesh in ("artifacts", "artifacts-dbt1.7", "artifacts-dbt1.5"):
        folder = DEMO / mesh / "platform"
        files = {"manifest.json": manifest(folder)}
        ids = {i for section in files["manifest.json"].values() if isinstance(section, dict) for i in section}
        files.update(others(folder, ids))
        for name, doc in files.items():
            text = json.dumps(doc, separators=(",", ":")).encode()
            if mesh == "artifacts":
                (SEEDS / "platform").mkdir(parents=True, exist_ok=True)
                (SEEDS / "platform" / name).write_bytes(text)
            # The first byte says which file the input stands for; see artifact_parsing.rs.
            seed = bytes([roles[name]]) + text
            (CORPUS / f"seed-{mesh}-{name}").write_bytes(seed)
        if mesh == "artifacts":
            # dbt 1.0's layout (manifest v4): `raw_sql` and refs as lists of names.
            old = json.loads(json.dumps(files["manifest.json"]))
            old["metadata"]["dbt_schema_version"] = "https://schemas.getdbt.com/dbt/manifest/v4.json"
            for section in old.values():
                for node in section.values() if isinstance(section, dict) else []:
                    if isinstance(node, dict) and "raw_code" in node:
                        node["raw_sql"] = node.pop("raw_code")
                        node["refs"] = [[r["name"]] if r.get("package") is None else [r["package"], r["name"]]
                                        for r in node.get("refs", [])]
            text = json.dumps(old, separators=(",", ":")).encode()
            (CORPUS / "seed-manifest-v4.json").write_bytes(bytes([0]) + text)


main()
