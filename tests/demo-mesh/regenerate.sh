#!/usr/bin/env bash
# Rebuild the demo dbt Mesh from scratch and refresh the committed artifacts.
#
#   DBT_VENV=/work/venvs/dbt111 tests/demo-mesh/regenerate.sh
#
# Needs a venv with dbt-core 1.11, dbt-duckdb and dbt-loom:
#   python3 -m venv /work/venvs/dbt111
#   /work/venvs/dbt111/bin/pip install "dbt-core==1.11.*" dbt-duckdb dbt-loom
#
# For each project, in dependency order: dbt deps (if packages.yml), dbt build
# (platform exits non-zero on purpose: one failing test), keep its run_results.json,
# dbt source freshness (platform only; exits non-zero on purpose: one stale source),
# dbt docs generate, then copy manifest/catalog/run_results/sources into
# artifacts/<project>/ with this machine's path replaced by /home/analyst/demo-mesh.
# Downstream projects read upstream manifests from artifacts/ through dbt-loom.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DBT_VENV="${DBT_VENV:-/work/venvs/dbt111}"
DBT="$DBT_VENV/bin/dbt"
PY="$DBT_VENV/bin/python"
FAKE_ROOT="/home/analyst/demo-mesh"
PROJECTS=(platform finance marketing exec_reporting)

if [[ ! -x "$DBT" ]]; then
    echo "dbt not found at $DBT (set DBT_VENV)" >&2
    exit 1
fi

# shellcheck source=/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/../dbt-env.sh"

start=$(date +%s)
"$DBT" --version | head -n 20

# Fresh warehouse: one duckdb file shared by all projects, one schema per project.
rm -rf "$HERE/.warehouse"
mkdir -p "$HERE/.warehouse"
export DEMO_MESH_WAREHOUSE="$HERE/.warehouse/demo.duckdb"

# Run a dbt command, tolerating a non-zero exit (the checks below decide).
run_dbt_tolerant() {
    local rc=0
    "$DBT" "$@" --profiles-dir . || rc=$?
    echo "    -> dbt $1 exited with $rc"
}

for project in "${PROJECTS[@]}"; do
    echo
    echo "===================== $project ====================="
    proj_dir="$HERE/projects/$project"
    out_dir="$HERE/artifacts/$project"
    cd "$proj_dir"
    rm -rf target logs dbt_packages package-lock.yml
    rm -rf "$out_dir"
    mkdir -p "$out_dir"
    scratch="$(mktemp -d)"

    if [[ -f packages.yml ]]; then
        "$DBT" deps --profiles-dir .
    fi

    # platform: one test fails on purpose; every other project must build cleanly.
    if [[ "$project" == platform ]]; then
        run_dbt_tolerant build
    else
        "$DBT" build --profiles-dir .
    fi
    cp target/run_results.json "$scratch/run_results.json"

    if [[ "$project" == platform ]]; then
        # One stale source on purpose -> non-zero exit.
        run_dbt_tolerant source freshness
        cp target/sources.json "$scratch/sources.json"
    fi

    # docs generate rewrites manifest.json and writes catalog.json (and its own
    # run_results.json, which we do not want).
    "$DBT" docs generate --profiles-dir .
    cp target/manifest.json target/catalog.json "$out_dir/"
    cp "$scratch"/*.json "$out_dir/"
    rm -rf "$scratch"

    # Make the fixtures machine-independent, then check they are still valid JSON.
    for f in "$out_dir"/*.json; do
        sed -i "s#${HERE}#${FAKE_ROOT}#g" "$f"
        "$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$f"
    done
    ls -l "$out_dir"
done

cd "$HERE"
# Keep the machine-local run state out of the tree.
for project in "${PROJECTS[@]}"; do
    rm -f "projects/$project/package-lock.yml"
done

echo
"$PY" "$HERE/verify_artifacts.py" "$HERE/artifacts"

end=$(date +%s)
echo "regenerate.sh finished in $((end - start))s"
