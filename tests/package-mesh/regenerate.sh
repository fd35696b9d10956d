#!/usr/bin/env bash
# Rebuild the package-pattern fixtures with real dbt and refresh the committed artifacts.
#
#   DBT_VENV=/work/venvs/dbt111 tests/package-mesh/regenerate.sh
#
# Needs a venv with dbt-core 1.11 and dbt-duckdb:
#   python3 -m venv /work/venvs/dbt111
#   /work/venvs/dbt111/bin/pip install "dbt-core==1.11.*" dbt-duckdb
#
# src_proj_a is a project of its own; dest_proj_a and dest_proj_b install it as a dbt
# package (packages.yml, `local:`), the way teams shared models before dbt Mesh. For
# each: dbt deps, dbt build, dbt docs generate, then manifest, catalog and run_results
# into artifacts/<project>/ with this machine's path replaced by /home/analyst/package-mesh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DBT_VENV="${DBT_VENV:-/work/venvs/dbt111}"
DBT="$DBT_VENV/bin/dbt"
PY="$DBT_VENV/bin/python"
FAKE_ROOT="/home/analyst/package-mesh"
PROJECTS=(src_proj_a dest_proj_a dest_proj_b)

if [[ ! -x "$DBT" ]]; then
    echo "dbt not found at $DBT (set DBT_VENV)" >&2
    exit 1
fi

# shellcheck source=/dev/null
source "$HERE/../dbt-env.sh"

rm -rf "$HERE/.warehouse"
mkdir -p "$HERE/.warehouse"
export PACKAGE_MESH_WAREHOUSE="$HERE/.warehouse/package_mesh.duckdb"
"$DBT" --version | head -n 5

for project in "${PROJECTS[@]}"; do
    echo "===================== $project ====================="
    cd "$HERE/projects/$project"
    out_dir="$HERE/artifacts/$project"
    rm -rf target logs dbt_packages package-lock.yml "$out_dir"
    mkdir -p "$out_dir"
    if [[ -f packages.yml ]]; then
        "$DBT" deps --profiles-dir .
    fi
    "$DBT" build --profiles-dir .
    cp target/run_results.json "$out_dir/run_results.json"
    "$DBT" docs generate --profiles-dir .
    cp target/manifest.json target/catalog.json "$out_dir/"
    for f in "$out_dir"/*.json; do
        sed -i "s#${HERE}#${FAKE_ROOT}#g" "$f"
        "$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$f"
    done
    rm -rf target logs dbt_packages package-lock.yml
done
rm -rf "$HERE/.warehouse"
echo "regenerate.sh done"
