"""The Google Benchmark micro-benchmarks of every hot path (bench/*_bench.cpp), run and collected
into the report: one JSON run of each binary."""

import json
import os
import subprocess

from .proc import say

# binary -> the hot path it measures, in the report's order.
HOT_PATHS = {
    "wire_bench": "parse (wire format)",
    "rules_bench": "rule match",
    "rewrite_bench": "rewrite: upstream query and revert",
    "cache_bench": "cache lookup and patch",
    "metrics_bench": "metrics increment",
    "log_bench": "log and errors",
    "random_bench": "query IDs",
    "legacy_report_bench": "legacy-name report",
    "rules_yaml_bench": "rule set load (slow path)",
}


SLOW = ("rules_yaml_bench",)  # fixed iterations of a 100,000-rule file: left out of --short


def run_all(bench_dir, min_time, short, error):
    """[{binary, hot_path, name, cpu_ns, real_ns, ...}] of every benchmark of every binary."""
    rows = []
    for binary, hot_path in HOT_PATHS.items():
        if short and binary in SLOW:
            continue
        path = os.path.join(bench_dir, binary)
        if not os.access(path, os.X_OK):
            error(f"micro-benchmark {path} not built (configure with -DDNSD_BUILD_BENCH=ON)")
            continue
        say(f"   micro-benchmarks: {binary}")
        argv = [path, "--benchmark_format=json", f"--benchmark_min_time={min_time}"]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            error(f"{binary} failed ({result.returncode}): {result.stderr[-500:]}")
            continue
        for bench in json.loads(result.stdout)["benchmarks"]:
            if bench.get("run_type") == "aggregate":
                continue
            scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[bench.get("time_unit", "ns")]
            row = {"binary": binary, "hot_path": hot_path, "name": bench["name"],
                   "cpu_ns": bench["cpu_time"] * scale, "real_ns": bench["real_time"] * scale,
                   "iterations": bench["iterations"]}
            counters = {k: v for k, v in bench.items() if k not in KNOWN_FIELDS and isinstance(v, (int, float))}
            if counters:
                row["counters"] = counters
            rows.append(row)
    return rows


KNOWN_FIELDS = {"name", "family_index", "per_family_instance_index", "run_name", "run_type", "repetitions",
                "repetition_index", "threads", "iterations", "real_time", "cpu_time", "time_unit"}
