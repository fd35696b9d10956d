#!/usr/bin/env bash
# Record real dbt's answers to the node selectors in selectors.txt -> expected.json.
#
#   DBT_VENV=/work/venvs/dbt111 tests/demo-mesh/selectors/record.sh      # ~20 minutes on 2 cores
#
# For every selector line (`<select>` or `<select> --exclude <exclude>`) and every
# project of the demo mesh, runs
#
#   dbt ls --select <select> [--exclude <exclude>] --resource-type all \
#          --output json --output-keys unique_id resource_type package_name original_file_path
#
# (default --indirect-selection, i.e. eager) and keeps what dbt printed. build_expected.py
# then writes expected.json (see README.md in this directory for its format).
#
# The projects are copied to a temp dir first (with `artifacts/` symlinked next to them,
# so the dbt-loom configs resolve), so nothing is written into tests/demo-mesh/projects.
# `dbt ls` parses but never queries the warehouse. Partial parsing is off, as in
# regenerate.sh. Set JOBS to change the parallelism (default: nproc), KEEP_WORK=1 to
# keep the temp dir (raw dbt output per selector and project in raw/).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MESH="$(cd "$HERE/.." && pwd)"
DBT_VENV="${DBT_VENV:-/work/venvs/dbt111}"
DBT="$DBT_VENV/bin/dbt"
PY="$DBT_VENV/bin/python"
JOBS="${JOBS:-$(nproc)}"
PROJECTS=(platform finance marketing exec_reporting)

if [[ ! -x "$DBT" ]]; then
    echo "dbt not found at $DBT (set DBT_VENV)" >&2
    exit 1
fi

# shellcheck source=/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/../../dbt-env.sh"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/meshlens-selectors.XXXXXX")"
if [[ "${KEEP_WORK:-0}" != 1 ]]; then
    trap 'rm -rf "$WORK"' EXIT
else
    echo "work dir: $WORK"
fi
mkdir -p "$WORK/projects" "$WORK/raw" "$WORK/run" "$WORK/warehouse"
ln -s "$MESH/artifacts" "$WORK/artifacts"
# Never created by `dbt ls`; set so the profiles do not point into the tree.
export DEMO_MESH_WAREHOUSE="$WORK/warehouse/demo.duckdb"

"$DBT" --version | head -n 8

for project in "${PROJECTS[@]}"; do
    mkdir -p "$WORK/projects/$project"
    (cd "$MESH/projects/$project" &&
        tar cf - --exclude=./target --exclude=./logs --exclude=./dbt_packages \
            --exclude=./package-lock.yml --exclude=./.user.yml .) |
        (cd "$WORK/projects/$project" && tar xf -)
    if [[ -f "$WORK/projects/$project/packages.yml" ]]; then
        (cd "$WORK/projects/$project" &&
            "$DBT" deps --profiles-dir . --log-path "$WORK/run/deps-$project" >/dev/null)
    fi
done

# Selector lines, numbered (blank lines and # comments skipped).
n=0
: >"$WORK/jobs"
while IFS= read -r line || [[ -n "$line" ]]; do
    [[ -z "${line// /}" || "$line" == \#* ]] && continue
    printf '%s\n' "$line" >"$WORK/raw/$n.selector"
    for project in "${PROJECTS[@]}"; do
        printf '%s %s\n' "$n" "$project" >>"$WORK/jobs"
    done
    n=$((n + 1))
done <"$HERE/selectors.txt"
echo "$n selectors x ${#PROJECTS[@]} projects, $JOBS at a time"

run_one() {
    local idx="$1" project="$2" line select exclude rc=0
    line="$(cat "$WORK/raw/$idx.selector")"
    select="$line"
    exclude=""
    if [[ "$line" == *" --exclude "* ]]; then
        select="${line%% --exclude *}"
        exclude="${line#* --exclude }"
    fi
    local args=(ls --select "$select")
    [[ -n "$exclude" ]] && args+=(--exclude "$exclude")
    args+=(--resource-type all --output json
        --output-keys unique_id resource_type package_name original_file_path
        --profiles-dir . --log-format json
        --target-path "$WORK/run/$idx-$project/target" --log-path "$WORK/run/$idx-$project/logs")
    (cd "$WORK/projects/$project" && "$DBT" "${args[@]}") \
        >"$WORK/raw/$idx.$project.jsonl" 2>"$WORK/raw/$idx.$project.stderr" || rc=$?
    echo "$rc" >"$WORK/raw/$idx.$project.rc"
    rm -rf "$WORK/run/$idx-$project"
    echo "  [$idx] $project rc=$rc: $line"
}
export -f run_one
export WORK DBT

xargs -P "$JOBS" -L 1 bash -c 'run_one "$@"' _ <"$WORK/jobs"

"$PY" "$HERE/build_expected.py" --selectors "$HERE/selectors.txt" --raw "$WORK/raw" \
    --work "$WORK" --out "$HERE/expected.json"
