#!/usr/bin/env python3
"""Per-project counts of a dbt Mesh, computed straight from dbt artifacts.

An oracle for meshlens: it shares no code with meshlens, only the definitions
below (which are the contract meshlens' counts must follow).

    python3 tests/demo-mesh/expected_counts.py
        index the demo meshes and (re)write tests/demo-mesh/expected-counts.json
    python3 tests/demo-mesh/expected_counts.py --check
        recompute and exit 1 if expected-counts.json is out of date (writes nothing)
    python3 tests/demo-mesh/expected_counts.py --mesh DIR [DIR...] [--mesh DIR...]
        index each --mesh group as one mesh and print its counts (writes nothing)
    python3 tests/demo-mesh/expected_counts.py --json --mesh DIR... [--mesh DIR...]
        the same as JSON: [{"folders": [...], "counts": {project: counts}}], the
        shape of tests/package-mesh/expected-counts.json

Demo meshes: artifacts/{platform,finance,marketing,exec_reporting} together,
artifacts-dbt1.7/platform alone, artifacts-dbt1.5/platform alone.

Definitions
- Project name: manifest metadata.project_name, else the folder name.
- Node: every entry of manifest nodes, sources, exposures, metrics,
  semantic_models, saved_queries, unit_tests whose config.enabled is not false.
- Injected copy: original_file_path empty/missing AND package_name non-empty and
  != project name (what dbt-loom writes). Own nodes: all other nodes (installed
  packages' nodes included). The same rule applies to manifest groups.
- Counts over own nodes: models, sources, seeds, snapshots, tests, unit_tests,
  exposures, metrics, semantic_models (by resource_type); groups; public_models
  (access: top-level `access`, else config.access, == "public");
  contracted_models (top-level `contract`, else config.contract, enforced true);
  versioned_models (version not null).
- Owners: an own node belongs to the project named by its package_name when that
  project is indexed and has it as an own node (a project installed as a package
  in another keeps its nodes); else, of the indexed projects that have it as an
  own node, to the one whose manifest metadata.generated_at is newest, then by
  name. An injected copy whose unique_id no indexed project owns is an external
  node owned by its package_name.
- Installs: P installs package Q when P has own nodes whose package_name is Q != P.
- cross_project_edges: distinct (parent, child) pairs, child owned by P, parent
  in child's depends_on.nodes, resolvable (own or external; unknown ids
  skipped), parent's owner != P, and parent's package_name not a package P
  installs (P refs its own copy: a package edge, counted nowhere).
- inferred_edges: distinct (parent, source) pairs, source an own source of P,
  parent an own model/seed/snapshot of another indexed project with the same
  normalised relation name, and no depends_on edge already joins the pair.
  Normalised relation name: relation_name (or "database"."schema"."identifier"
  when relation_name is missing; for models/seeds/snapshots, which have no
  identifier, alias then name) with the characters " ` [ ] removed, lowercased.
"""
import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "expected-counts.json"
DEMO_MESHES = [
    ["artifacts/platform", "artifacts/finance", "artifacts/marketing", "artifacts/exec_reporting"],
    ["artifacts-dbt1.7/platform"],
    ["artifacts-dbt1.5/platform"],
]
NODE_SECTIONS = ["nodes", "sources", "exposures", "metrics", "semantic_models", "saved_queries", "unit_tests"]
COUNT_KEYS = [
    "models", "sources", "seeds", "snapshots", "tests", "unit_tests", "exposures", "metrics",
    "semantic_models", "groups", "public_models", "contracted_models", "versioned_models",
    "cross_project_edges", "inferred_edges",
]
BY_RESOURCE_TYPE = {
    "models": "model", "sources": "source", "seeds": "seed", "snapshots": "snapshot",
    "tests": "test", "unit_tests": "unit_test", "exposures": "exposure", "metrics": "metric",
    "semantic_models": "semantic_model",
}


def enabled(entry):
    config = entry.get("config")
    return not (isinstance(config, dict) and config.get("enabled") is False)


def is_injected(entry, project):
    package = entry.get("package_name") or ""
    return not entry.get("original_file_path") and package != "" and package != project


def top_or_config(entry, key):
    value = entry.get(key)
    if value is None:
        value = (entry.get("config") or {}).get(key)
    return value


def normalise(relation):
    for ch in '"`[]':
        relation = relation.replace(ch, "")
    return relation.lower()


def relation_of(entry):
    relation = entry.get("relation_name")
    if not relation:
        identifier = entry.get("identifier") or entry.get("alias") or entry.get("name")
        parts = [entry.get("database"), entry.get("schema"), identifier]
        relation = ".".join(f'"{p}"' for p in parts if p)
    return normalise(relation) if relation else None


class Project:
    def __init__(self, folder):
        self.folder = Path(folder)
        manifest = json.loads((self.folder / "manifest.json").read_text())
        self.name = (manifest.get("metadata") or {}).get("project_name") or self.folder.name
        self.generated_at = (manifest.get("metadata") or {}).get("generated_at") or ""
        self.own = {}       # unique_id -> node
        self.injected = {}  # unique_id -> node
        for section in NODE_SECTIONS:
            for uid, entry in (manifest.get(section) or {}).items():
                if not isinstance(entry, dict) or not enabled(entry):
                    continue
                (self.injected if is_injected(entry, self.name) else self.own)[uid] = entry
        self.groups = [
            g for g in (manifest.get("groups") or {}).values()
            if isinstance(g, dict) and enabled(g) and not is_injected(g, self.name)
        ]


def index_mesh(folders, warn=print):
    """Return [(folder, project_name, counts)] for folders indexed as one mesh."""
    projects = [Project(f) for f in folders]
    holders = {}  # unique_id -> projects that have it as an own node
    for p in projects:
        for uid in p.own:
            holders.setdefault(uid, []).append(p)
    owner = {}
    for uid, ps in holders.items():
        package = ps[0].own[uid].get("package_name") or ""
        home = [p for p in ps if p.name == package or package == ""]
        if home:
            owner[uid] = home[0].name
            continue
        ranked = sorted(sorted(ps, key=lambda p: p.name), key=lambda p: p.generated_at, reverse=True)
        owner[uid] = ranked[0].name
        if len(ranked) > 1:
            warn(f"warning: {uid} is defined by {', '.join(p.name for p in ranked)}; keeping {owner[uid]}")
    installs = {p.name: {e.get("package_name") for e in p.own.values()} - {p.name, None, ""} for p in projects}
    package_of = {}
    for p in projects:
        for uid, entry in list(p.own.items()) + list(p.injected.items()):
            package_of.setdefault(uid, entry.get("package_name"))
    external = {}
    for p in projects:
        for uid, entry in p.injected.items():
            if uid not in owner:
                external.setdefault(uid, entry["package_name"])

    def owner_of(uid):
        return owner.get(uid, external.get(uid))

    edges = set()  # (parent, child) over own nodes of every project, resolvable parents only
    for p in projects:
        for uid, entry in p.own.items():
            for parent in ((entry.get("depends_on") or {}).get("nodes") or []):
                if owner_of(parent) is not None:
                    edges.add((parent, uid))

    relations = {}  # normalised relation -> [(project, unique_id)] of own models/seeds/snapshots
    for p in projects:
        for uid, entry in p.own.items():
            if entry.get("resource_type") in ("model", "seed", "snapshot"):
                rel = relation_of(entry)
                if rel:
                    relations.setdefault(rel, []).append((p.name, uid))

    results = []
    for p in projects:
        own = p.own.values()
        models = [n for n in own if n.get("resource_type") == "model"]
        counts = {k: sum(1 for n in own if n.get("resource_type") == rt) for k, rt in BY_RESOURCE_TYPE.items()}
        counts["groups"] = len(p.groups)
        counts["public_models"] = sum(1 for n in models if top_or_config(n, "access") == "public")
        counts["contracted_models"] = sum(
            1 for n in models if (top_or_config(n, "contract") or {}).get("enforced") is True)
        counts["versioned_models"] = sum(1 for n in models if n.get("version") is not None)
        counts["cross_project_edges"] = sum(
            1 for parent, child in edges
            if owner.get(child) == p.name and owner_of(parent) != p.name
            and package_of.get(parent) not in installs[p.name])
        inferred = set()
        for uid, entry in p.own.items():
            if entry.get("resource_type") != "source":
                continue
            rel = relation_of(entry)
            for other, parent in relations.get(rel, []) if rel else []:
                if other != p.name and (parent, uid) not in edges:
                    inferred.add((parent, uid))
        counts["inferred_edges"] = len(inferred)
        results.append((str(p.folder), p.name, {k: counts[k] for k in COUNT_KEYS}))
    return results


SHORT = {
    "models": "mod", "sources": "src", "seeds": "seed", "snapshots": "snap", "tests": "test",
    "unit_tests": "unit", "exposures": "expo", "metrics": "metr", "semantic_models": "sem",
    "groups": "grp", "public_models": "pub", "contracted_models": "ctr", "versioned_models": "ver",
    "cross_project_edges": "xedge", "inferred_edges": "infer",
}


def print_table(rows):
    width = max([len("folder")] + [len(f) for f, _, _ in rows])
    pwidth = max([len("project")] + [len(p) for _, p, _ in rows])
    print(f"{'folder':<{width}}  {'project':<{pwidth}}  " + " ".join(f"{SHORT[k]:>5}" for k in COUNT_KEYS))
    for folder, project, counts in rows:
        print(f"{folder:<{width}}  {project:<{pwidth}}  " + " ".join(f"{counts[k]:>5}" for k in COUNT_KEYS))
    print("columns: " + ", ".join(f"{SHORT[k]}={k}" for k in COUNT_KEYS))


def demo_expected():
    out = {}
    rows = []
    for mesh in DEMO_MESHES:
        for folder, project, counts in index_mesh([HERE / f for f in mesh], warn=lambda m: print(m, file=sys.stderr)):
            rel = Path(folder).relative_to(HERE).as_posix()
            out[rel] = {"project": project, "counts": counts}
            rows.append((rel, project, counts))
    return dict(sorted(out.items())), rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mesh", nargs="+", action="append", metavar="DIR",
                    help="artifact folders indexed together as one mesh (repeatable); prints only")
    ap.add_argument("--check", action="store_true", help="fail if expected-counts.json is out of date")
    ap.add_argument("--json", action="store_true", help="with --mesh: print JSON instead of tables")
    args = ap.parse_args()

    if args.mesh and args.json:
        out = []
        for mesh in args.mesh:
            rows = index_mesh(mesh, warn=lambda m: print(m, file=sys.stderr))
            out.append({
                "folders": [Path(f).parent.name + "/" + Path(f).name for f in mesh],
                "counts": {project: counts for _, project, counts in rows},
            })
        print(json.dumps(out, indent=2))
        return 0
    if args.mesh:
        for i, mesh in enumerate(args.mesh):
            if i:
                print()
            print("mesh: " + " + ".join(mesh))
            print_table(index_mesh(mesh, warn=lambda m: print(m, file=sys.stderr)))
        return 0

    expected, rows = demo_expected()
    print_table(rows)
    text = json.dumps(expected, indent=2, sort_keys=False) + "\n"
    if args.check:
        current = OUT.read_text() if OUT.exists() else None
        if current != text:
            print(f"{OUT.name} is out of date: run {Path(__file__).name}", file=sys.stderr)
            return 1
        print(f"{OUT.name} is up to date")
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
