"""The fixed workloads and the query files they send."""

import os
from dataclasses import dataclass

from .upstream import APP_NAMES, HOT_NAMES, app_address, app_name, hot_address, hot_name


@dataclass(frozen=True)
class Workload:
    key: str
    title: str
    profile: str      # the servers' configuration (servers.PROFILES)
    threads: int      # server workers
    queries: str      # query file: hot, miss (never repeated), legacy3, legacy100k
    mode: str = "udp"
    fixed_rate: bool = False  # dnsperf -Q: latency percentiles at a rate every server sustains
    outstanding: int = 0      # dnsperf -q for this workload (0: the run's --outstanding)


# In run order: consecutive workloads with the same profile and workers share one start of the servers.
WORKLOADS = (
    Workload("hits", "cache hits (1,000 hot names, warmed)", "cache", 1, "hot"),
    Workload("misses", "misses through forward (every name new: cache miss, forward, insert)", "cache", 1, "miss"),
    Workload("tcp", "cache hits over TCP, pipelined", "cache", 1, "hot", mode="tcp"),
    Workload("latency", "latency at a fixed rate (cache hits)", "cache", 1, "hot", fixed_rate=True),
    Workload("forward", "forwarding only, no cache (Kubernetes names; every query upstream)", "forward", 1, "k8s"),
    Workload("rewrite3", "legacy names through rewrite, 3 rules (no cache)", "rewrite3", 1, "legacy3"),
    # 20 outstanding: CoreDNS walks its rules one by one and answers ~80 queries/s here; 200 in
    # flight would wait seconds in its queue and count as lost.
    Workload("rewrite100k", "legacy names through rewrite, 100,000 rules (no cache)", "rewrite100k", 1, "legacy100k",
             outstanding=20),
    Workload("preset", "legacy Marathon names through dnsd's DC/OS preset and legacy-name report (no cache)",
             "preset", 1, "marathon"),
    Workload("hits-2w", "cache hits, 2 workers", "cache", 2, "hot"),
    Workload("misses-2w", "misses through forward, 2 workers", "cache", 2, "miss"),
)

# Workloads that appear in the throughput tables and plots, in order.
THROUGHPUT = ("hits", "misses", "forward", "tcp", "rewrite3", "rewrite100k", "preset", "hits-2w", "misses-2w")


def legacy_names(kind):
    """(name, expected A) of the rewrite workloads: per app a regex name, a suffix name and an exact
    one (rewrite3 has a single exact rule; rewrite100k's exact names are spread over its rules);
    the preset's: Marathon names only; k8s: the names they are rewritten to."""
    names = []
    for n in range(1, APP_NAMES + 1):
        if kind == "k8s":
            names.append((app_name(n), app_address(n)))
            continue
        names.append((f"svc{n}.app.marathon.mesos", app_address(n)))
        if kind == "marathon":
            continue
        names.append((f"svc{n}.app-default.l4lb.thisdcos.directory", app_address(n)))
        k = 1 if kind == "legacy3" else (n * 97) % 99998 + 1
        names.append((f"legacy{k}.apps.internal", app_address((k - 1) % APP_NAMES + 1)))
    return names


def expected_answers(kind):
    """A sample of (name, expected A) for the answer check of a query file."""
    if kind in ("hot", "miss"):
        return [(hot_name(n), hot_address(n)) for n in (1, 7, 500, HOT_NAMES)]
    names = legacy_names(kind)
    return [names[i] for i in (0, 1, 2, len(names) - 3, len(names) - 2, len(names) - 1)]


def write_query_files(directory):
    """The fixed query files; returns kind -> path."""
    files = {}
    files["hot"] = os.path.join(directory, "hot.txt")
    with open(files["hot"], "w") as f:
        f.writelines(f"{hot_name(n)} A\n" for n in range(1, HOT_NAMES + 1))
    for kind in ("k8s", "legacy3", "legacy100k", "marathon"):
        files[kind] = os.path.join(directory, f"{kind}.txt")
        with open(files[kind], "w") as f:
            f.writelines(f"{name} A\n" for name, _ in legacy_names(kind))
    return files


def write_unique_names(path, count, tag, zone="miss"):
    """`count` names under the wildcard `zone` that no other run asks (tag makes them unique)."""
    with open(path, "w") as f:
        f.writelines(f"m{i}-{tag}.{zone}.bench.test A\n" for i in range(count))
    return path
