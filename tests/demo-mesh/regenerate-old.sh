#!/usr/bin/env bash
# Build the demo projects with old dbt-core versions into artifacts-dbt<ver>/<project>/.
#
#   DBT17_VENV=/work/venvs/dbt17 DBT15_VENV=/work/venvs/dbt15 tests/demo-mesh/regenerate-old.sh
#
# Venvs:
#   python3 -m venv /work/venvs/dbt17 && /work/venvs/dbt17/bin/pip install "dbt-core==1.7.*" "dbt-duckdb==1.7.*"
#   python3 -m venv /work/venvs/dbt15 && /work/venvs/dbt15/bin/pip install "dbt-core==1.5.*" "dbt-duckdb==1.5.*"
#
# Only `platform` is built: the other projects need dbt-loom for their
# cross-project refs, and the old venvs do not have it. The project is copied to
# a temp dir and downgrade_project.py rewrites the YAML the old parser rejects
# (unit tests dropped, data_tests -> tests, owner e-mail list -> first e-mail, ...),
# so there is no second hand-maintained copy. A venv that is missing is
# reported and skipped.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FAKE_ROOT="/home/analyst/demo-mesh"
OLD_PROJECTS=(platform)
declare -A VENVS=(
    [1.7]="${DBT17_VENV:-/work/venvs/dbt17}"
    [1.5]="${DBT15_VENV:-/work/venvs/dbt15}"
)

# shellcheck source=/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/../dbt-env.sh"

start=$(date +%s)
status=0

for ver in 1.7 1.5; do
    venv="${VENVS[$ver]}"
    dbt="$venv/bin/dbt"
    py="$venv/bin/python"
    echo
    echo "##################### dbt $ver ($venv) #####################"
    if [[ ! -x "$dbt" ]]; then
        echo "SKIPPED: no dbt at $dbt"
        continue
    fi
    "$dbt" --version 2>&1 | sed -n '1,3p'

    work="$(mktemp -d)"
    export DEMO_MESH_WAREHOUSE="$work/.warehouse/demo.duckdb"
    mkdir -p "$work/.warehouse"

    for project in "${OLD_PROJECTS[@]}"; do
        echo "===================== $project (dbt $ver) ====================="
        out_dir="$HERE/artifacts-dbt$ver/$project"
        rm -rf "$out_dir"
        mkdir -p "$out_dir"
        proj="$work/projects/$project"
        "$py" "$HERE/downgrade_project.py" "$HERE/projects/$project" "$proj" "$ver" || { status=1; continue; }
        cd "$proj"

        rc=0; "$dbt" build --profiles-dir . || rc=$?
        echo "    -> dbt build exited with $rc (1 expected for platform: one failing test)"
        if [[ ! -f target/run_results.json ]]; then
            echo "ERROR: dbt $ver build produced no run_results.json"; status=1; cd "$HERE"; continue
        fi
        cp target/run_results.json "$work/run_results.json"

        if [[ "$project" == platform ]]; then
            rc=0; "$dbt" source freshness --profiles-dir . || rc=$?
            echo "    -> dbt source freshness exited with $rc (1 expected: one stale source)"
            cp target/sources.json "$work/sources.json"
        fi

        if ! "$dbt" docs generate --profiles-dir .; then
            echo "ERROR: dbt $ver docs generate failed"; status=1; cd "$HERE"; continue
        fi
        cp target/manifest.json target/catalog.json "$out_dir/"
        cp "$work/run_results.json" "$out_dir/"
        [[ -f "$work/sources.json" ]] && cp "$work/sources.json" "$out_dir/"
        rm -f "$work/run_results.json" "$work/sources.json"

        for f in "$out_dir"/*.json; do
            sed -i "s#${work}#${FAKE_ROOT}#g" "$f"
            "$py" -c 'import json,sys; json.load(open(sys.argv[1]))' "$f" || status=1
        done
        cd "$HERE"
    done
    rm -rf "$work"

    "$py" - "$HERE/artifacts-dbt$ver" <<'EOF'
import json, sys
from pathlib import Path
root = Path(sys.argv[1])
for proj in sorted(p for p in root.iterdir() if p.is_dir()):
    print(f"  {proj.name}:")
    for f in sorted(proj.glob("*.json")):
        doc = json.loads(f.read_text())
        line = f"    {f.name:18} {doc['metadata']['dbt_schema_version'].rsplit('/', 2)[-2:]} {f.stat().st_size} bytes"
        if f.name in ("run_results.json", "sources.json"):
            odd = {r["unique_id"]: r["status"] for r in doc["results"] if r["status"] not in ("pass", "success")}
            line += f" non-pass: {odd}"
        print(line)
EOF
done

end=$(date +%s)
echo "regenerate-old.sh finished in $((end - start))s (status $status)"
exit $status
