"""Where a server's CPU goes under a workload: `perf record -e cpu-clock` of its process during one
extra run (not one of the measured rounds), summed by user space vs kernel and by top symbols.
cpu-clock sampling works in a VM without hardware counters."""

import os
import re
import shutil
import subprocess

from .proc import run, say

WORKLOADS = ("hits", "misses")
SERVERS = ("dnsd", "dnsdist")
TOP = 12
_LINE = re.compile(r"^\s*([0-9.]+)%\s+(\S+)\s+\[(.)\]\s+(.+?)\s*$")
_DSO = re.compile(r"^\s*([0-9.]+)%\s+(\S+)\s*$")


def record(server, load, seconds, workdir):
    """Runs `load()` while perf samples the server; returns a summary dict or None without perf."""
    perf = shutil.which("perf")
    if perf is None:
        say("perf not installed (Debian package linux-perf): no profile")
        return None
    data = os.path.join(workdir, f"perf-{server.name}.data")
    sampler = subprocess.Popen([perf, "record", "-q", "-e", "cpu-clock", "-F", "999", "-p", str(server.pid),
                                "-o", data, "--", "sleep", str(seconds + 1)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result = load()
    sampler.wait()
    def report(sort, limit):
        return run([perf, "report", "-i", data, "--stdio", "--no-children", "--sort", sort,
                    "--percent-limit", limit], check=False, timeout=120).stdout

    symbols = []
    for line in report("dso,sym", "0.5").splitlines():
        match = _LINE.match(line)
        if match:
            symbols.append({"share": float(match.group(1)), "dso": match.group(2),
                            "kernel": match.group(3) == "k", "symbol": match.group(4)})
    kernel = user = 0.0
    for line in report("dso", "0").splitlines():  # every sample, by object: the kernel's and the rest
        match = _DSO.match(line)
        if match:
            if match.group(2).startswith("[kernel"):
                kernel += float(match.group(1))
            else:
                user += float(match.group(1))
    os.unlink(data)
    return {"qps": result["qps"], "per_cpu_second": result["per_cpu_second"],
            "kernel_share": kernel, "user_share": user, "top": symbols[:TOP]}
