"""Turn the raw `dbt ls` output collected by record.sh into expected.json (stdlib only).

raw/<i>.selector            the i-th selector line of selectors.txt
raw/<i>.<project>.jsonl     dbt's stdout (--log-format json)
raw/<i>.<project>.rc        dbt's exit code

Per selector: per_project = every unique_id dbt printed in that project (dbt-loom
injected copies included); expected = union over projects of the ids each project
defines itself (an id is dropped when original_file_path is "" and package_name is not
the project's); error = dbt's error text if dbt rejected the selector.
"""

import argparse
import json
import os
import sys

PROJECTS = ["platform", "finance", "marketing", "exec_reporting"]


def parse_line(line):
    if " --exclude " in line:
        select, exclude = line.split(" --exclude ", 1)
        return select, exclude
    return line, None


def read_project(raw, idx, project, work):
    rc = int(open(os.path.join(raw, f"{idx}.{project}.rc")).read().strip())
    rows, errors = [], []
    with open(os.path.join(raw, f"{idx}.{project}.jsonl")) as f:
        for text in f:
            text = text.strip()
            if not text.startswith("{"):
                continue
            try:
                event = json.loads(text)
            except json.JSONDecodeError:
                continue
            info = event.get("info", {})
            data = event.get("data", {})
            if info.get("name") == "PrintEvent":
                try:
                    row = json.loads(data.get("msg", ""))
                except json.JSONDecodeError:
                    continue
                if isinstance(row, dict) and "unique_id" in row:
                    rows.append(row)
            elif info.get("level") == "error":
                msg = data.get("exc") or info.get("msg", "")
                errors.append(msg.replace(work, "<work>").strip())
    if rc != 0 and not errors:
        stderr = open(os.path.join(raw, f"{idx}.{project}.stderr")).read()
        errors.append((stderr.strip() or f"dbt exited with {rc}").replace(work, "<work>"))
    return rc, rows, errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--selectors", required=True)
    ap.add_argument("--raw", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    lines = [
        l.rstrip("\n")
        for l in open(args.selectors)
        if l.strip() and not l.startswith("#")
    ]
    out = []
    problems = []
    for idx, line in enumerate(lines):
        recorded = open(os.path.join(args.raw, f"{idx}.selector")).read().rstrip("\n")
        if recorded != line:
            sys.exit(f"selector {idx} mismatch: {recorded!r} != {line!r}")
        select, exclude = parse_line(line)
        per_project, errors, own = {}, {}, set()
        for project in PROJECTS:
            rc, rows, errs = read_project(args.raw, idx, project, args.work)
            per_project[project] = sorted({r["unique_id"] for r in rows})
            if rc != 0 or errs:
                errors[project] = "\n".join(errs)
                if rows:
                    problems.append(f"{line!r} in {project}: error and rows")
            for r in rows:
                injected = r.get("original_file_path", "") == "" and r.get("package_name") != project
                if not injected:
                    if r.get("package_name") != project:
                        problems.append(f"{line!r} in {project}: own node {r['unique_id']} of package {r.get('package_name')}")
                    own.add(r["unique_id"])
        if not errors:
            error = None
        elif len(errors) == len(PROJECTS) and len(set(errors.values())) == 1:
            error = next(iter(errors.values()))
        else:
            error = "\n".join(f"[{p}] {e}" for p, e in errors.items())
        out.append(
            {
                "select": select,
                "exclude": exclude,
                "expected": sorted(own),
                "per_project": per_project,
                "error": error,
            }
        )
        status = "ERROR" if error else f"{len(own)} ids"
        print(f"  {line!r}: {status}")

    with open(args.out, "w") as f:
        json.dump(out, f, indent=1, sort_keys=False)
        f.write("\n")
    print(f"wrote {args.out}: {len(out)} selectors")
    for p in problems:
        print("WARNING:", p, file=sys.stderr)


if __name__ == "__main__":
    main()
