#!/usr/bin/env python3
"""Expected column-level lineage of the column-mesh fixtures, computed with sqlglot.

An oracle for meshlens: it shares no code with meshlens. Needs only sqlglot and the
standard library (run it with the fixture venv's python):

    /var/tmp/venvs/dbt111/bin/python tests/column-mesh/oracle.py
        (re)write tests/column-mesh/expected-lineage.json
    /var/tmp/venvs/dbt111/bin/python tests/column-mesh/oracle.py --check
        recompute and exit 1 if expected-lineage.json is out of date (writes nothing)

What it does, per own model (package_name == the manifest's project) of every
artifacts/<project>/manifest.json:

- Parses compiled_code with sqlglot (dialect duckdb) and qualifies it against a schema
  built from every catalog.json (database.schema.table -> columns, lowercase), so
  `select *` and `* exclude (...)` expand.
- Output columns: the outermost query's projections. For each, sqlglot.lineage gives
  the tree down to physical tables. A leaf (database.schema.identifier) is mapped to
  the unique_id of the node in the model's depends_on.nodes with that relation (so a
  source that points at another project's table is reported as the source, not as
  the model). Kind: "copy" when every step from the output column down to that leaf
  is a bare column or an aliased bare column (UNION branches and CTE/subquery hops
  are transparent), else "transform". A leaf reached by both a copy path and a
  transform path is "transform".
- Filters: every column referenced in a JOIN ... ON, WHERE, GROUP BY, HAVING, QUALIFY
  or window PARTITION BY of any SELECT in the query (CTEs and subqueries included),
  resolved through CTEs/subqueries to physical columns with sqlglot's lineage walk.
  "filters" lists them all; "filters_only" lists those that feed no output column.
- A model sqlglot cannot parse or cannot build lineage for gets status
  "unparseable" and sqlglot's error as message.
"""
import argparse
import json
import sys
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.lineage import lineage, to_node
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, build_scope, find_all_in_scope
from sqlglot.schema import MappingSchema

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
OUT = HERE / "expected-lineage.json"
DIALECT = "duckdb"
QUALIFY_OPTS = {"validate_qualify_columns": False, "identify": False}


def norm_relation(name):
    """'"DB"."Schema"."t"' -> 'db.schema.t' (quotes removed, lowercase)."""
    return name.replace('"', "").replace("`", "").lower()


def load_projects():
    projects = []
    for folder in sorted(p for p in ARTIFACTS.iterdir() if p.is_dir()):
        manifest = json.loads((folder / "manifest.json").read_text())
        catalog_path = folder / "catalog.json"
        catalog = json.loads(catalog_path.read_text()) if catalog_path.exists() else {}
        name = manifest["metadata"].get("project_name") or folder.name
        projects.append((name, manifest, catalog))
    return projects


def build_schema(projects):
    """{database: {schema: {table: {column: type}}}} from every catalog, lowercase.

    A relation in several catalogs (analytics' catalog also lists core's tables) is
    taken from the first project that owns it, else from the first catalog with it."""
    tables = {}
    owned = set()
    for project, _manifest, catalog in projects:
        for uid, entry in sorted({**catalog.get("nodes", {}), **catalog.get("sources", {})}.items()):
            meta = entry["metadata"]
            key = (meta["database"].lower(), meta["schema"].lower(), meta["name"].lower())
            own = uid.split(".")[1] == project
            if key in tables and (key in owned or not own):
                continue
            cols = sorted(entry["columns"].values(), key=lambda c: c["index"])
            tables[key] = {c["name"].lower(): c["type"] for c in cols}
            if own:
                owned.add(key)
    nested = {}
    for (db, sch, tbl), cols in tables.items():
        nested.setdefault(db, {}).setdefault(sch, {})[tbl] = cols
    return MappingSchema(nested, dialect=DIALECT)


def table_key(table):
    return ".".join(p for p in (table.catalog, table.db, table.name) if p).lower()


def leaf_column(node):
    col = sqlglot.parse_one(node.name, dialect=DIALECT)
    return (col.name if isinstance(col, exp.Column) else node.name).lower()


def is_bare(projection):
    if isinstance(projection, exp.Alias):
        projection = projection.this
    return isinstance(projection, exp.Column)


def walk_lineage(root):
    """{(table key, column): copy?} for the physical columns under a lineage node."""
    found = {}
    problems = set()

    def visit(node, copy, seen):
        if id(node) in seen:
            return
        seen = seen | {id(node)}
        if not node.downstream:
            if isinstance(node.expression, exp.Table):
                col = leaf_column(node)
                if col == "*":
                    problems.add("unexpanded star over " + table_key(node.expression))
                key = (table_key(node.expression), col)
                found[key] = found.get(key, True) and copy
            elif isinstance(node.expression, exp.Placeholder):
                problems.add("unresolved column " + node.name)
            # else: a projection with no column in it (literal, count(*)): no upstream
            return
        step_copy = copy
        if not isinstance(node.source, exp.SetOperation):
            step_copy = copy and is_bare(node.expression)
        for child in node.downstream:
            visit(child, step_copy, seen)

    visit(root, True, frozenset())
    return found, problems


def filter_columns(root_scope, schema):
    """Physical (table key, column) of every column in a filtering clause of any SELECT."""
    found = set()
    problems = set()
    for scope in root_scope.traverse():
        select = scope.expression
        if not isinstance(select, exp.Select):
            continue
        clauses = []
        for join in select.args.get("joins") or []:
            if join.args.get("on") is not None:
                clauses.append(join.args["on"])
            if join.args.get("using"):
                problems.add("JOIN USING not resolved: " + join.sql(DIALECT))
        for arg in ("where", "group", "having", "qualify"):
            if select.args.get(arg) is not None:
                clauses.append(select.args[arg])
        for window in find_all_in_scope(select, exp.Window):
            clauses.extend(window.args.get("partition_by") or [])
        for clause in clauses:
            for col in find_all_in_scope(clause, exp.Column):
                src = scope.sources.get(col.table)
                if isinstance(src, exp.Table):
                    found.add((table_key(src), col.name.lower()))
                    continue
                if isinstance(src, Scope):
                    target, name = src, col.name
                elif not col.table and col.name in select.named_selects:
                    # an output alias used in WHERE / GROUP BY / HAVING (DuckDB allows it)
                    target, name = scope, col.name
                else:
                    problems.add("filter column not resolved: " + col.sql(DIALECT))
                    continue
                node = to_node(name, scope=target, dialect=DIALECT, schema=schema)
                leaves, more = walk_lineage(node)
                found.update(leaves)
                problems |= more
    return found, problems


def analyse(model, relation_to_dep, schema):
    sql = model["compiled_code"]
    expression = sqlglot.parse_one(sql, dialect=DIALECT)
    qualified = qualify(expression, dialect=DIALECT, schema=schema, **QUALIFY_OPTS)
    root_scope = build_scope(qualified)
    if root_scope is None:
        # What sqlglot.lineage itself raises for a statement that is not a query.
        raise SqlglotError(
            f"Cannot build lineage, sql must be SELECT (sqlglot parsed it as exp.{type(expression).__name__})"
        )
    per_column = lineage(None, qualified, schema, dialect=DIALECT, scope=root_scope)

    problems = set()

    def resolve(key):
        deps = relation_to_dep.get(key[0])
        if not deps:
            problems.add(f"relation {key[0]} is not in depends_on.nodes")
            return "?" + key[0]
        if len(deps) > 1:
            problems.add(f"relation {key[0]} matches several depends_on nodes: {sorted(deps)}")
        return sorted(deps)[0]

    columns = {}
    fed = set()
    for name, node in per_column.items():
        leaves, more = walk_lineage(node)
        problems |= more
        edges = []
        for key, copy in leaves.items():
            uid = resolve(key)
            fed.add((uid, key[1]))
            edges.append({"node": uid, "column": key[1], "kind": "copy" if copy else "transform"})
        columns[name.lower()] = sorted(edges, key=lambda e: (e["node"], e["column"], e["kind"]))

    filter_keys, more = filter_columns(root_scope, schema)
    problems |= more
    filters = sorted({(resolve(k), k[1]) for k in filter_keys})
    return columns, filters, fed, problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="fail if expected-lineage.json is out of date")
    args = ap.parse_args()

    projects = load_projects()
    schema = build_schema(projects)
    models = {}
    for project, manifest, catalog in projects:
        everything = {**manifest.get("nodes", {}), **manifest.get("sources", {})}
        for uid, model in sorted(manifest.get("nodes", {}).items()):
            if model.get("resource_type") != "model" or model.get("package_name") != project:
                continue
            relation_to_dep = {}
            for dep in model.get("depends_on", {}).get("nodes", []):
                rel = (everything.get(dep) or {}).get("relation_name")
                if rel:
                    relation_to_dep.setdefault(norm_relation(rel), set()).add(dep)
            entry = {"status": "ok", "message": "", "columns": {}, "filters": [], "filters_only": []}
            try:
                columns, filters, fed, problems = analyse(model, relation_to_dep, schema)
            except (SqlglotError, ValueError) as err:
                entry["status"] = "unparseable"
                entry["message"] = f"{type(err).__name__}: {' '.join(str(err).split())}"
                models[uid] = entry
                continue
            catalog_cols = (catalog.get("nodes", {}).get(uid) or {}).get("columns", {})
            catalog_names = sorted(c.lower() for c in catalog_cols)
            if catalog_names and catalog_names != sorted(columns):
                problems.add(f"output columns {sorted(columns)} != catalog columns {catalog_names}")
            entry["columns"] = columns
            entry["filters"] = [{"node": n, "column": c} for n, c in filters]
            entry["filters_only"] = [{"node": n, "column": c} for n, c in filters if (n, c) not in fed]
            entry["message"] = "; ".join(sorted(problems))
            models[uid] = entry

    result = {"sqlglot_version": sqlglot.__version__, "models": models}
    text = json.dumps(result, indent=2, sort_keys=True) + "\n"
    if args.check:
        current = OUT.read_text() if OUT.exists() else None
        if current != text:
            print(f"{OUT.name} is out of date: run {Path(__file__).name}", file=sys.stderr)
            return 1
        print(f"{OUT.name} is up to date")
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT} ({len(models)} models, sqlglot {sqlglot.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
