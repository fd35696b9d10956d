#!/usr/bin/env bash
# Rebuild the dbt 2.0 (Fusion) fixtures with real dbt 2.0 and refresh the committed artifacts.
#
#   DBT2_VENV=/work/venvs/dbt2 tests/fusion-mesh/regenerate.sh
#
# The venv (offline-installable; later 2.0.x wheels download a binary at install time):
#   python3 -m venv /work/venvs/dbt2 && /work/venvs/dbt2/bin/pip install --pre "dbt==2.0.0rc196"
#   npm pack @duckdb/node-bindings-linux-x64@1.5.4-r.1 && tar xzf duckdb-node-bindings-*.tgz
#   cp package/libduckdb.so /work/venvs/dbt2/lib/libduckdb.so
#
# core publishes its public models to a publication file (DBT_CLOUD_PUBLICATION_FILE_PATH);
# reports refs them across projects through dependencies.yml `projects:` and
# DBT_CLOUD_PUBLICATIONS_DIR. Each: dbt build (its run_results.json), then
# dbt compile --write-catalog (manifest.json and catalog.json), into artifacts/<project>/
# with this machine's path replaced by /home/analyst/fusion-mesh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DBT2_VENV="${DBT2_VENV:-/work/venvs/dbt2}"
DBT="$DBT2_VENV/bin/dbt"
FAKE_ROOT="/home/analyst/fusion-mesh"
if [[ ! -x "$DBT" ]]; then
    echo "dbt 2.0 not found at $DBT (set DBT2_VENV)" >&2
    exit 1
fi
# shellcheck source=/dev/null
source "$HERE/../dbt-env.sh"
rm -rf "$HERE/.warehouse" "$HERE/.publications"
mkdir -p "$HERE/.warehouse" "$HERE/.publications"
export FUSION_MESH_WAREHOUSE="$HERE/.warehouse/fusion_mesh.duckdb"
"$DBT" --version

build() {
    local project="$1"
    echo "===================== $project ====================="
    cd "$HERE/projects/$project"
    local out="$HERE/artifacts/$project"
    rm -rf target logs "$out"
    mkdir -p "$out"
    "$DBT" build --profiles-dir .
    cp target/run_results.json "$out/"
    "$DBT" compile --write-catalog --profiles-dir .
    cp target/manifest.json target/catalog.json "$out/"
    for f in "$out"/*.json; do
        sed -i "s#${HERE}#${FAKE_ROOT}#g" "$f"
        python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$f"
    done
    rm -rf target logs .user.yml
}

DBT_CLOUD_PUBLICATION_FILE_PATH="$HERE/.publications/core.json" build core
DBT_CLOUD_PUBLICATIONS_DIR="$HERE/.publications" build reports
rm -rf "$HERE/.warehouse" "$HERE/.publications"
echo "regenerate.sh done"
