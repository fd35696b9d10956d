#!/usr/bin/env bash
# Regenerate the "head" manifests for `meshlens diff` tests.
#
#   DBT_VENV=/work/venvs/dbt111 tests/demo-mesh/diffs/make.sh [CASE...]
#
# For each case: copy projects/<project> (without target/, logs/, dbt_packages/) into a
# fresh temp dir laid out like tests/demo-mesh (temp/projects/<project>, plus
# temp/artifacts -> the committed artifacts/, so dbt-loom's relative manifest paths
# resolve to the committed upstream manifests), apply <case>/change.patch with
# `patch -p1`, run `dbt deps` (if packages.yml) and `dbt ls -s state:modified` (which
# parses like `dbt parse` and writes the same manifest.json), and copy
# target/manifest.json to <case>/manifest.json with the temp path rewritten to
# /home/analyst/demo-mesh (the same fake root as the committed artifacts). dbt's own
# state:modified verdict goes to <case>/dbt_state_modified.json.
# Then expected.py rewrites expected.json from the committed base artifacts, and
# verify.py checks every head shows its intended change and nothing else.
# With CASE arguments only those cases are regenerated (both scripts still run on all).
#
# No warehouse is touched: parsing does not open the DuckDB file. The warehouse
# path still has to end in demo.duckdb, since dbt-duckdb names the database after it.
# Runtime: about 5 s per case with dbt 1.11 on 2 cores (75 s for all 14).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MESH="$(cd "$HERE/.." && pwd)"
DBT_VENV="${DBT_VENV:-/work/venvs/dbt111}"
DBT="$DBT_VENV/bin/dbt"
PY="$DBT_VENV/bin/python"
FAKE_ROOT="/home/analyst/demo-mesh"

# case:project  (the project whose manifest is the head)
CASES=(
    unchanged:platform
    contract_disabled:platform
    column_removed:platform
    column_type_changed:platform
    constraint_removed:platform
    materialization_changed:platform
    access_narrowed:platform
    version_removed:platform
    version_deprecated:platform
    latest_version_moved:platform
    model_removed:platform
    model_renamed:platform
    non_breaking:platform
    finance_access_narrowed:finance
)

if [[ ! -x "$DBT" ]]; then
    echo "dbt not found at $DBT (set DBT_VENV)" >&2
    exit 1
fi

# shellcheck source=/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/../../dbt-env.sh"

wanted=("$@")
start=$(date +%s)
tmp=""
trap 'if [[ -n "$tmp" ]]; then rm -rf "$tmp"; fi' EXIT

for entry in "${CASES[@]}"; do
    case="${entry%%:*}"
    project="${entry#*:}"
    if (( ${#wanted[@]} )) && [[ ! " ${wanted[*]} " == *" $case "* ]]; then
        continue
    fi
    echo "===================== $case ($project) ====================="
    patch_file="$HERE/$case/change.patch"
    [[ -f "$patch_file" ]] || { echo "missing $patch_file" >&2; exit 1; }

    tmp="$(mktemp -d)"
    work="$tmp/projects/$project"
    mkdir -p "$work" "$tmp/.warehouse"
    ln -s "$MESH/artifacts" "$tmp/artifacts"
    tar -C "$MESH/projects/$project" \
        --exclude=./target --exclude=./logs --exclude=./dbt_packages \
        --exclude=./package-lock.yml --exclude=./.user.yml -cf - . | tar -C "$work" -xf -

    cd "$work"
    # An empty patch (the control case) is a no-op.
    if [[ -s "$patch_file" ]]; then
        patch -p1 -F0 --batch --forward --no-backup-if-mismatch -s < "$patch_file"
    fi
    export DEMO_MESH_WAREHOUSE="$tmp/.warehouse/demo.duckdb"
    if [[ -f packages.yml ]]; then
        "$DBT" deps --profiles-dir . -q
    fi
    # `dbt ls` parses the project and writes the same target/manifest.json as
    # `dbt parse` (compared: equal apart from timestamps and ids), and on top of that
    # gives dbt's own verdict: state:modified against the committed base manifest
    # plus the breaking-change warnings/errors it logs. A deleted contracted
    # *versioned* model is an error (exit 2) after the manifest was written, so a
    # non-zero exit is recorded, not fatal; verify.py checks the exit code per case.
    rm -rf logs  # dbt deps logs in text format; keep only the JSON log of dbt ls
    rc=0
    "$DBT" -q ls --profiles-dir . --log-format-file json \
        --select state:modified --state "$MESH/artifacts/$project" \
        --indirect-selection empty --output json --output-keys unique_id \
        > "$tmp/ls.out" || rc=$?
    [[ -f target/manifest.json ]] || { echo "dbt wrote no manifest for $case" >&2; cat "$tmp/ls.out" >&2; exit 1; }
    echo "    dbt ls exited with $rc; selected: $(grep -c '^{' "$tmp/ls.out" || true)"

    mkdir -p "$HERE/$case"
    out="$HERE/$case/manifest.json"
    sed -e "s#${tmp}#${FAKE_ROOT}#g" -e "s#${MESH}#${FAKE_ROOT}#g" target/manifest.json > "$out"
    "$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$out"
    "$PY" - "$tmp/ls.out" logs/dbt.log "$rc" "$project" > "$HERE/$case/dbt_state_modified.json" <<'PYEOF'
import json, sys
ls_out, log_path, rc, project = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
selected = sorted(json.loads(l)["unique_id"] for l in open(ls_out) if l.startswith('{"unique_id"'))
events = []
for line in open(log_path):
    if not line.startswith("{"):
        continue
    e = json.loads(line)
    if e["info"]["level"] in ("warn", "error"):
        events.append({"name": e["info"]["name"], "level": e["info"]["level"], "data": e.get("data", {})})
json.dump({
    "command": f"dbt ls --select state:modified --indirect-selection empty --state artifacts/{project}",
    "exit_code": rc, "selected": selected, "events": events,
}, sys.stdout, indent=2, sort_keys=True)
print()
PYEOF
    cd "$HERE"
    rm -rf "$tmp"
    tmp=""
done

"$PY" "$HERE/expected.py"
"$PY" "$HERE/verify.py"

end=$(date +%s)
echo "make.sh finished in $((end - start))s"
