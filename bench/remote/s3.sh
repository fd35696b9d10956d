#!/usr/bin/env bash
# The remote-source benchmark (`cargo xtask bench remote`): the 50-project benchmark
# mesh indexed from disk and from a local S3 server (moto), then a no-change re-index
# from S3, with its requests counted from moto's log; then a fleet: the index published
# to S3, a replica started from it, and the time the replica takes to serve a new
# generation once CURRENT moves. Prints the README's table.
#
# Environment: MESHLENS_BIN (release build), MESHLENS_BENCH_BIN, MESHLENS_MOTO_SERVER,
# MESHLENS_BENCH_WORK (meshes and indexes, kept between runs).
set -euo pipefail
bin=${MESHLENS_BIN:?}
bench=${MESHLENS_BENCH_BIN:?}
moto=${MESHLENS_MOTO_SERVER:?}
work=${MESHLENS_BENCH_WORK:-/var/tmp/meshlens-bench/remote}
mesh=$work/fifty
mkdir -p "$work"
[ -d "$mesh" ] || "$bench" generate --out "$mesh" --projects 50 --models 250 >&2
bytes=$(cat "$mesh"/*/manifest.json "$mesh"/*/run_results.json | wc -c)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$work/moto.log
"$moto" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto_pid=$!
replica_pid=
trap 'kill $moto_pid $replica_pid 2>/dev/null || true' EXIT
until python3 -c "import socket; socket.create_connection(('127.0.0.1',$port))" 2>/dev/null; do sleep 0.2; done

export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1
export AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_ALLOW_HTTP=true
# Upload with boto3 (it comes with moto).
"$(dirname "$moto")/python" - "$mesh" <<'PY'
import os, sys, boto3
s3 = boto3.client("s3")
s3.create_bucket(Bucket="bench")
root = sys.argv[1]
for project in sorted(os.listdir(root)):
    for name in os.listdir(os.path.join(root, project)):
        s3.upload_file(os.path.join(root, project, name), "bench", f"mesh/{project}/{name}")
PY
urls=()
for p in "$mesh"/*; do urls+=("s3://bench/mesh/$(basename "$p")/"); done

# Read once, so the disk run measures meshlens and not the disk.
cat "$mesh"/*/*.json >/dev/null
seconds() { local s=$(date +%s.%N); "$@" >/dev/null; awk -v a="$(date +%s.%N)" -v b="$s" 'BEGIN{print a-b}'; }
rm -rf "$work/data-disk" "$work/data-s3"
disk=$(seconds "$bin" index --data "$work/data-disk" "$mesh"/*)
s3=$(seconds "$bin" index --data "$work/data-s3" "${urls[@]}")
before=$(grep -c '"GET\|GET /' "$log" || true)
again=$(seconds "$bin" index --data "$work/data-s3" "${urls[@]}")
gets=$(( $(grep -c '"GET\|GET /' "$log") - before ))
not_modified=$(grep 'GET' "$log" | tail -n "$gets" | grep -c '" 304' || true)

# The fleet: publish, start a replica, publish the next generation, time the follow.
rm -rf "$work/fleet-indexer" "$work/fleet-replica"
publish=$(seconds "$bin" index --data s3://bench/fleet/ --cache "$work/fleet-indexer" "$mesh"/*)
published_mb=$(du -sm "$work/fleet-indexer/generations" | cut -f1)
replica_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
poll=10
start=$(date +%s.%N)
MESHLENS_LOG=info "$bin" serve --addr "127.0.0.1:$replica_port" --data s3://bench/fleet/ --cache "$work/fleet-replica" \
  --poll-every "${poll}s" >"$work/replica.log" 2>&1 &
replica_pid=$!
projects() { curl -sf "http://127.0.0.1:$replica_port/api/v1/projects" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["projects"]))' 2>/dev/null || echo 0; }
until [ "$(projects)" = 50 ]; do sleep 0.05; done
cold=$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN{print a-b}')
"$bin" remove --data s3://bench/fleet/ --cache "$work/fleet-indexer" "$(basename "$(ls -d "$mesh"/* | head -1)")" >/dev/null
moved=$(date +%s.%N)
until [ "$(projects)" = 49 ]; do sleep 0.05; done
follow=$(awk -v a="$(date +%s.%N)" -v b="$moved" 'BEGIN{print a-b}')
download=$(grep 'newly published' "$work/replica.log" | sed -E 's/.* seconds=([0-9.]+).*/\1/' | tail -1)

calc() { awk "BEGIN{print $1}"; }
mb=$(calc "$bytes / 1000000")
printf '| measure | result |\n|---|---|\n'
printf '| index 50 projects (%.0f MB of manifests and run results) from disk | %.2f s (%.0f MB/s) |\n' "$mb" "$disk" "$(calc "$mb / $disk")"
printf '| the same from S3 (moto on loopback), fetched and indexed | %.2f s (%.0f MB/s), %.0f%% over disk |\n' "$s3" "$(calc "$mb / $s3")" "$(calc "($s3 - $disk) * 100 / $disk")"
printf '| no-change re-index of the 50 from S3 | %.2f s, %d requests (%d answered 304), 0 bytes downloaded |\n' "$again" "$gets" "$not_modified"
printf '| publish the 50-project index to S3 (index from disk, upload %d MB, move CURRENT) | %.2f s |\n' "$published_mb" "$publish"
printf '| a new replica: download the published generation, then serve | %.2f s |\n' "$cold"
printf '| a running replica follows a new generation (poll every %d s) | %.2f s after CURRENT moved, of which %.2f s downloading |\n' "$poll" "$follow" "${download:-0}"
