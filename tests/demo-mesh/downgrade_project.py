#!/usr/bin/env python3
"""Copy a demo-mesh dbt project and rewrite its YAML so an older dbt-core can parse it.

    python downgrade_project.py SRC_PROJECT_DIR DST_DIR DBT_MINOR   # e.g. ... 1.7

Used by regenerate-old.sh on a temporary copy, so there is only one hand-maintained
version of each project. It needs PyYAML, which every dbt venv has. It changes only
what the old parser rejects, and prints each change:

  < 1.10  generic-test `arguments:` are flattened into the test's kwargs;
          column-level `config: {meta, tags}` become plain column `meta` / `tags`;
          group/exposure owner e-mail lists become their first e-mail (old Owner.email is a str)
  < 1.9   model `time_spine:` properties and group `description`s are dropped
  < 1.8   `data_tests:` is renamed to `tests:`; `unit_tests:` blocks are dropped
  < 1.6   `deprecation_date` is dropped; `semantic_models:` / `metrics:` / `saved_queries:` are dropped;
          folder-level `+access` in dbt_project.yml (ignored by 1.5) is copied onto each
          model as an `access:` property
"""
import shutil
import sys
from pathlib import Path

import yaml

SRC, DST, MINOR = Path(sys.argv[1]), Path(sys.argv[2]), tuple(int(x) for x in sys.argv[3].split("."))
SKIP_DIRS = {"target", "logs", "dbt_packages"}


def note(path, msg):
    print(f"  [{path}] {msg}")


def fix_tests(tests, where, path):
    out = []
    for t in tests:
        if isinstance(t, dict) and len(t) == 1:
            (name, body), = t.items()
            if isinstance(body, dict) and "arguments" in body and MINOR < (1, 10):
                body = dict(body)
                args = body.pop("arguments") or {}
                body = {**args, **body}
                note(path, f"{where}: flattened arguments of {name}")
                t = {name: body}
        out.append(t)
    return out


def fix_testable(obj, where, path):
    """A model/seed/snapshot/source/source table/column dict."""
    if not isinstance(obj, dict):
        return
    if "data_tests" in obj:
        obj["data_tests"] = fix_tests(obj["data_tests"], where, path)
        if MINOR < (1, 8):
            obj["tests"] = obj.pop("data_tests")
            note(path, f"{where}: data_tests -> tests")
    if "tests" in obj:
        obj["tests"] = fix_tests(obj["tests"], where, path)


def fix_owner(owner, where, path):
    if isinstance(owner, dict) and isinstance(owner.get("email"), list) and MINOR < (1, 10):
        owner["email"] = owner["email"][0]
        note(path, f"{where}: owner.email list -> {owner['email']!r}")


def fix_columns(columns, where, path):
    for col in columns or []:
        if not isinstance(col, dict) or "name" not in col:
            continue  # include/exclude entries of versions
        cw = f"{where}.{col['name']}"
        fix_testable(col, cw, path)
        cfg = col.get("config")
        if isinstance(cfg, dict) and MINOR < (1, 10):
            col.pop("config")
            if cfg.get("meta"):
                col["meta"] = {**cfg["meta"], **(col.get("meta") or {})}
            if cfg.get("tags"):
                col["tags"] = list(col.get("tags") or []) + list(cfg["tags"])
            note(path, f"{cw}: column config -> meta/tags")


def fix_doc(doc, path):
    if MINOR < (1, 8) and doc.pop("unit_tests", None) is not None:
        note(path, "dropped unit_tests")
    if MINOR < (1, 6):
        for key in ("semantic_models", "metrics", "saved_queries"):
            if doc.pop(key, None) is not None:
                note(path, f"dropped {key}")
    for g in doc.get("groups") or []:
        fix_owner(g.get("owner"), f"group {g.get('name')}", path)
        if MINOR < (1, 9) and g.pop("description", None) is not None:
            note(path, f"group {g.get('name')}: dropped description")
    for e in doc.get("exposures") or []:
        fix_owner(e.get("owner"), f"exposure {e.get('name')}", path)
    for kind in ("models", "seeds", "snapshots"):
        for node in doc.get(kind) or []:
            where = f"{kind[:-1]} {node.get('name')}"
            fix_testable(node, where, path)
            fix_columns(node.get("columns"), where, path)
            if MINOR < (1, 9) and node.pop("time_spine", None) is not None:
                note(path, f"{where}: dropped time_spine")
            if MINOR < (1, 6) and node.pop("deprecation_date", None) is not None:
                note(path, f"{where}: dropped deprecation_date")
            for v in node.get("versions") or []:
                fix_columns(v.get("columns"), f"{where} v{v.get('v')}", path)
                if MINOR < (1, 6) and v.pop("deprecation_date", None) is not None:
                    note(path, f"{where} v{v.get('v')}: dropped deprecation_date")
    for src in doc.get("sources") or []:
        fix_testable(src, f"source {src.get('name')}", path)
        for table in src.get("tables") or []:
            where = f"source {src.get('name')}.{table.get('name')}"
            fix_testable(table, where, path)
            fix_columns(table.get("columns"), where, path)
    return doc


def folder_access(project_root):
    """{folder path under models/: access} from dbt_project.yml `+access` entries."""
    proj = yaml.safe_load((project_root / "dbt_project.yml").read_text())
    name = proj["name"]
    out = {}

    def walk(cfg, prefix):
        for key, val in (cfg or {}).items():
            if key == "+access":
                out[prefix] = val
            elif isinstance(val, dict) and not key.startswith("+"):
                walk(val, prefix + (key,))

    walk((proj.get("models") or {}).get(name), ())
    return out


def access_for(rel_parts, rules):
    """Most specific folder rule for a path relative to models/."""
    best = None
    for prefix, access in rules.items():
        if tuple(rel_parts[: len(prefix)]) == prefix and (best is None or len(prefix) > len(best[0])):
            best = (prefix, access)
    return best[1] if best else None


def copy_access_properties():
    rules = folder_access(DST)
    if not rules:
        return
    models_dir = DST / "models"
    listed = set()
    for path in sorted(models_dir.rglob("*.yml")):
        doc = yaml.safe_load(path.read_text())
        if not isinstance(doc, dict) or not doc.get("models"):
            continue
        access = access_for(path.relative_to(models_dir).parent.parts, rules)
        for model in doc["models"]:
            listed.add(model.get("name"))
            for v in model.get("versions") or []:
                listed.add(v.get("defined_in") or f"{model.get('name')}_v{v.get('v')}")
            if access and "access" not in model:
                model["access"] = access
                note(path.relative_to(DST), f"model {model.get('name')}: access: {access} (from dbt_project.yml)")
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
    extra = []
    for sql in sorted(models_dir.rglob("*.sql")):
        access = access_for(sql.relative_to(models_dir).parent.parts, rules)
        if access and sql.stem not in listed and "access=" not in sql.read_text():
            extra.append({"name": sql.stem, "access": access})
            note(sql.relative_to(DST), f"model {sql.stem}: access: {access} (from dbt_project.yml)")
    if extra:
        (models_dir / "_downgrade_access.yml").write_text(yaml.safe_dump({"version": 2, "models": extra}, sort_keys=False))


def main():
    if DST.exists():
        shutil.rmtree(DST)
    shutil.copytree(SRC, DST, ignore=lambda d, names: [n for n in names if n in SKIP_DIRS])
    for path in sorted(DST.rglob("*.yml")):
        rel = path.relative_to(DST)
        if rel.parts[0] in ("dbt_project.yml", "profiles.yml", "packages.yml", "dbt_loom.config.yml"):
            continue
        doc = yaml.safe_load(path.read_text())
        if not isinstance(doc, dict):
            continue
        before = yaml.safe_dump(doc, sort_keys=False)
        doc = fix_doc(doc, rel)
        after = yaml.safe_dump(doc, sort_keys=False)
        if after != before:
            path.write_text(after)
    if MINOR < (1, 6):
        copy_access_properties()


main()
