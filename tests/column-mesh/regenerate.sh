#!/usr/bin/env bash
# Rebuild the column-lineage dbt Mesh from scratch, refresh the committed artifacts,
# then recompute the oracle (expected-lineage.json) and expected-counts.json.
#
#   DBT_VENV=/var/tmp/venvs/dbt111 tests/column-mesh/regenerate.sh
#
# Needs a venv with dbt-core 1.11, dbt-duckdb, dbt-loom and sqlglot:
#   python3 -m venv /var/tmp/venvs/dbt111
#   /var/tmp/venvs/dbt111/bin/pip install "dbt-core==1.11.*" dbt-duckdb dbt-loom sqlglot
#
# For each project, in dependency order (core, then analytics): dbt build, keep its
# run_results.json, dbt docs generate, then copy manifest/catalog/run_results into
# artifacts/<project>/ with this machine's path replaced by /home/analyst/column-mesh.
# analytics reads core's manifest from artifacts/ through dbt-loom.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DBT_VENV="${DBT_VENV:-/var/tmp/venvs/dbt111}"
DBT="$DBT_VENV/bin/dbt"
PY="$DBT_VENV/bin/python"
FAKE_ROOT="/home/analyst/column-mesh"
PROJECTS=(core analytics)

if [[ ! -x "$DBT" ]]; then
    echo "dbt not found at $DBT (set DBT_VENV)" >&2
    exit 1
fi

# shellcheck source=/dev/null
source "$HERE/../dbt-env.sh"

start=$(date +%s)
"$DBT" --version | head -n 20
"$PY" -c 'import sqlglot; print("sqlglot", sqlglot.__version__)'

# Fresh warehouse: one duckdb file (database name column_mesh) shared by both
# projects, one schema per project.
rm -rf "$HERE/.warehouse"
mkdir -p "$HERE/.warehouse"
export COLUMN_MESH_WAREHOUSE="$HERE/.warehouse/column_mesh.duckdb"

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

    # Every model, seed and test must build.
    "$DBT" build --profiles-dir .
    cp target/run_results.json "$scratch/run_results.json"

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
        if grep -q "$HERE" "$f"; then
            echo "machine path left in $f" >&2
            exit 1
        fi
    done
    rm -rf target logs dbt_packages package-lock.yml
    ls -l "$out_dir"
done

cd "$HERE"
echo
"$PY" "$HERE/oracle.py"
# Per-project counts by the demo mesh's counting oracle (stdlib only, read-only here).
"$PY" "$HERE/../demo-mesh/expected_counts.py" --json \
    --mesh artifacts/core artifacts/analytics > "$HERE/expected-counts.json"
cat "$HERE/expected-counts.json"

end=$(date +%s)
echo "regenerate.sh finished in $((end - start))s"
