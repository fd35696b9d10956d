#!/usr/bin/env python3
"""Check that every head manifest in diffs/<case>/ shows its intended change and nothing else.

    python3 tests/demo-mesh/diffs/verify.py      (make.sh runs it; stdlib only)

For each case of expected.py's CASES:
1. the head is a dbt 1.11 manifest v12 of the right project, with no machine paths;
2. the head project's own resources differ from the base manifest (artifacts/<project>)
   in exactly `head_delta` (removed / added / modified unique_ids), ignoring what a
   `dbt parse` manifest legitimately lacks compared with the committed
   `dbt docs generate` one (compiled_* fields, created_at, and data tests'
   depends_on.macros, which gains macro.dbt.get_where_subquery at compile time);
3. each declared change is visible in the head (e.g. contract.enforced false);
4. dbt's own verdict (<case>/dbt_state_modified.json, from `dbt ls -s state:modified`)
   selects exactly head_delta's added + modified ids, and flags a breaking change
   exactly where DBT_BREAKING says.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ next to the fixtures
sys.path.insert(0, HERE)
from expected import ARTIFACTS, CASES, RESOURCE_SECTIONS  # noqa: E402

# How dbt 1.11 itself reacts in state comparison: None = no breaking-change event,
# "warn" = UnversionedBreakingChange warning, "error" = the command fails (exit 2).
DBT_BREAKING = {
    "contract_disabled": "warn",
    "column_removed": "warn",
    "column_type_changed": "warn",
    "constraint_removed": "warn",
    "materialization_changed": "warn",
    "model_renamed": "warn",
    "model_removed": "error",
}

# Where dbt's state:modified legitimately differs from head_delta (ids dbt does not select).
DBT_NOT_SELECTED = {
    # Description edits count for state:modified only with persist_docs enabled.
    "non_breaking": ["model.platform.dim_products"],
}

NOISE = {"created_at", "compiled", "compiled_code", "compiled_path", "extra_ctes",
         "extra_ctes_injected"}


def load(path):
    with open(path) as f:
        return json.load(f)


def own_resources(m):
    p = m["metadata"]["project_name"]
    out = {}
    for sect in RESOURCE_SECTIONS + ["groups", "docs", "macros"]:
        for uid, r in (m.get(sect) or {}).items():
            if r.get("package_name") == p:
                out[uid] = r
    return out


def normalize(uid, r):
    r = {k: v for k, v in r.items() if k not in NOISE}
    if uid.startswith("test.") and "depends_on" in r:
        r["depends_on"] = dict(r["depends_on"], macros=[])
    return r


def column(node, name):
    return node["columns"].get(name)


def check_change(case, ch, base, head, fail):
    uid, kind = ch["node"], ch["kind"]
    b = base.get(uid)
    h = head.get(uid)
    col = ch.get("column")

    def want(cond, msg):
        if not cond:
            fail("%s: %s %s: %s" % (case, kind, uid, msg))

    if kind in ("version_removed", "model_removed"):
        want(b is not None and h is None, "should exist in base only")
        return
    if kind == "model_renamed":
        new = head.get(ch["to"])
        want(h is None and new is not None, "old id should be gone, new id present")
        if new is not None:
            for k in ("checksum", "raw_code", "columns", "contract", "config", "access",
                      "group", "description", "depends_on"):
                want(normalize(uid, b).get(k) == normalize(ch["to"], new).get(k),
                     "renamed node differs in " + k)
        return
    want(b is not None and h is not None, "should exist in base and head")
    if b is None or h is None:
        return
    if kind == "contract_disabled":
        want(b["contract"]["enforced"] is True and h["contract"]["enforced"] is False,
             "contract.enforced")
    elif kind == "column_removed":
        want(column(b, col) is not None and column(h, col) is None, "column " + col)
        want(col not in h["raw_code"], "SQL still mentions " + col)
    elif kind == "column_type_changed":
        want(column(b, col)["data_type"] == ch["from"]
             and column(h, col)["data_type"] == ch["to"], "data_type")
    elif kind == "constraint_removed":
        types = lambda n: [c["type"] for c in column(n, col)["constraints"]]  # noqa: E731
        want(ch["constraint"] in types(b) and ch["constraint"] not in types(h), "constraints")
    elif kind == "materialization_changed":
        want(b["config"]["materialized"] == ch["from"]
             and h["config"]["materialized"] == ch["to"], "materialized")
    elif kind == "access_narrowed":
        want(b["access"] == ch["from"] and h["access"] == ch["to"], "access")
    elif kind == "version_deprecated":
        want(b["deprecation_date"] == ch["from"] and h["deprecation_date"] == ch["to"],
             "deprecation_date")
    elif kind == "latest_version_moved":
        prefix = uid.rsplit(".", 1)[0] + ".v"
        versions = [u for u in head if u.startswith(prefix)]
        want(len(versions) == 3, "version nodes")
        for u in versions:
            want(base[u]["latest_version"] == ch["from"]
                 and head[u]["latest_version"] == ch["to"], "latest_version on " + u)
    elif kind == "column_added":
        want(column(b, col) is None and column(h, col) is not None
             and column(h, col)["data_type"] == ch["to"], "column " + col)
    elif kind == "description_changed":
        want(b["description"] != h["description"] and h["description"], "description")
    else:
        fail("%s: unknown kind %s" % (case, kind))


def main():
    failures = []
    fail = failures.append
    bases = {}
    for case in sorted(os.listdir(HERE)):
        if os.path.isdir(os.path.join(HERE, case)) and case not in CASES:
            fail("directory %s is not a case in expected.py" % case)
    for case, spec in CASES.items():
        project = spec["project"]
        if project not in bases:
            bases[project] = load(os.path.join(ARTIFACTS, project, "manifest.json"))
        path = os.path.join(HERE, case, "manifest.json")
        text = open(path).read()
        head_m = json.loads(text)
        md = head_m["metadata"]
        if not (md["dbt_version"].startswith("1.11.")
                and md["dbt_schema_version"].endswith("/manifest/v12.json")
                and md["project_name"] == project):
            fail("%s: metadata %s" % (case, md))
        for bad in ("/tmp/", os.path.realpath(os.path.join(HERE, ".."))):
            if bad in text:
                fail("%s: machine path %r left in manifest" % (case, bad))

        base = own_resources(bases[project])
        head = own_resources(head_m)
        got = {
            "removed": sorted(set(base) - set(head)),
            "added": sorted(set(head) - set(base)),
            "modified": sorted(u for u in set(base) & set(head)
                               if normalize(u, base[u]) != normalize(u, head[u])),
        }
        if got != spec["head_delta"]:
            fail("%s: head delta %s != expected %s" % (case, got, spec["head_delta"]))
        for ch in spec["changes"]:
            check_change(case, ch, base, head, fail)

        verdict = load(os.path.join(HERE, case, "dbt_state_modified.json"))
        want_sel = sorted(set(spec["head_delta"]["added"] + spec["head_delta"]["modified"])
                          - set(DBT_NOT_SELECTED.get(case, [])))
        breaking = DBT_BREAKING.get(case)
        if breaking == "error":
            if verdict["exit_code"] == 0:
                fail("%s: dbt ls should fail on a breaking change" % case)
        else:
            if verdict["exit_code"] != 0:
                fail("%s: dbt ls exited %s" % (case, verdict["exit_code"]))
            if verdict["selected"] != want_sel:
                fail("%s: dbt state:modified %s != %s" % (case, verdict["selected"], want_sel))
        names = {e["name"] for e in verdict["events"]}
        flagged = ("error" if any("Breaking change" in json.dumps(e["data"])
                                  for e in verdict["events"] if e["level"] == "error")
                   else "warn" if "UnversionedBreakingChange" in names else None)
        if flagged != breaking:
            fail("%s: dbt breaking-change verdict %s, expected %s" % (case, flagged, breaking))
        print("ok  %-24s %s" % (case, got if any(got.values()) else "no change"))

    for f in failures:
        print("FAIL " + f)
    if failures:
        return 1
    print("verify.py: all %d cases OK" % len(CASES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
