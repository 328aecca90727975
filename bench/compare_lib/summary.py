"""Per (network, workload, server): the median and spread over the rounds of every figure, and
dnsd's ratio to each other server. Stored in the JSON beside the raw runs, so runs compare."""

import statistics


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values):
    values = [v for v in values if v is not None]
    return (min(values), max(values)) if values else (None, None)


def summarize_runs(runs):
    cpu = sum(r["cpu"] for r in runs)
    completed = sum(r["completed"] for r in runs)
    busy = sum(r["cpus_busy"] for r in runs)
    s = {
        "rounds": len(runs),
        "qps": median([r["qps"] for r in runs]),
        "qps_range": spread([r["qps"] for r in runs]),
        "per_cpu_second": median([r["per_cpu_second"] for r in runs]),
        "per_cpu_second_range": spread([r["per_cpu_second"] for r in runs]),
        "cpu_per_run": median([r["cpu"] for r in runs]),
        "user_share": sum(r["cpu_user"] for r in runs) / cpu if cpu else None,
        "kernel_share": sum(r["cpu_kernel"] for r in runs) / cpu if cpu else None,
        # Busy time of the server's CPUs, softirq included: on the namespace setup this is the
        # server's whole cost, its receive processing too.
        "per_busy_cpu_second": completed / busy if busy else None,
        "softirq_share": sum(r["cpus_softirq"] for r in runs) / busy if busy else None,
        "lost": sum(r["lost"] for r in runs),
        "sent": sum(r["sent"] for r in runs),
        "upstream_per_query": sum(r["upstream_queries"] for r in runs) / completed if completed else None,
        "avg_latency_ms": median([r["avg_latency_ms"] for r in runs]),
    }
    for key in ("p50_ms", "p99_ms", "p999_ms"):
        if any(key in r for r in runs):
            s[key] = median([r.get(key) for r in runs])
            s[key + "_range"] = spread([r.get(key) for r in runs])
    return s


def summarize(results):
    """results["summary"][network][workload][server] and results["memory_summary"][network][server]."""
    summary = {}
    for run in results["runs"]:
        summary.setdefault(run["network"], {}).setdefault(run["workload"], {}).setdefault(run["server"], []).append(run)
    for network in summary.values():
        for workload in network.values():
            for server, runs in workload.items():
                workload[server] = summarize_runs(runs)
            base = workload.get("dnsd", {}).get("per_cpu_second")
            for server, s in workload.items():
                mine = s.get("per_cpu_second")
                s["dnsd_ratio"] = base / mine if base and mine else None
    memory = {}
    for row in results["memory"]:
        memory.setdefault(row["network"], {}).setdefault(row["server"], []).append(row)
    for network in memory.values():
        for server, rows in network.items():
            network[server] = {
                "rounds": len(rows),
                "idle_rss_kib": median([r["idle_rss_kib"] for r in rows]),
                "loaded_rss_kib": median([r["loaded_rss_kib"] for r in rows]),
                "bytes_per_entry": median([r["bytes_per_entry"] for r in rows]),
                "bytes_per_entry_range": spread([r["bytes_per_entry"] for r in rows]),
                "entries": median([r["entries"] for r in rows]),
            }
    results["summary"] = summary
    results["memory_summary"] = memory
    results["targets"] = targets(summary)
    return results


def ratio(summary, network, workload, a, b, key="per_cpu_second"):
    try:
        x, y = summary[network][workload][a][key], summary[network][workload][b][key]
    except KeyError:
        return None
    return x / y if x and y else None


def scaling(summary, network, server, workload):
    """(throughput ratio, CPU-normalized ratio) of 2 workers to 1 on `workload`."""
    one = summary.get(network, {}).get(workload, {}).get(server)
    two = summary.get(network, {}).get(workload + "-2w", {}).get(server)
    if not one or not two or not one["qps"] or not one["per_cpu_second"]:
        return None, None
    return two["qps"] / one["qps"], 2 * two["per_cpu_second"] / one["per_cpu_second"]


def ceiling(summary, network, workload, measured):
    """The ratio dnsd would reach if its user-space CPU were zero and its kernel work stayed: how
    far user-space work can still move it."""
    kernel = summary.get(network, {}).get(workload, {}).get("dnsd", {}).get("kernel_share")
    return measured / kernel if measured and kernel else None


def targets(summary):
    """Issue 13's targets, per network setup: what, want, measured and (for ratios to another
    server) the ceiling user-space work cannot pass."""
    rows = []
    for network in summary:
        for what, workload, other, want in (
                ("forward path (misses) per CPU-second, dnsd / dnsdist", "misses", "dnsdist", 1.3),
                ("forward path (misses) per CPU-second, dnsd / CoreDNS", "misses", "coredns", 4.0),
                ("cache hits per CPU-second, dnsd / dnsdist", "hits", "dnsdist", 1.3)):
            measured = ratio(summary, network, workload, "dnsd", other)
            rows.append((network, what, want, measured, ceiling(summary, network, workload, measured)))
        for workload in ("misses", "hits"):
            raw, normalized = scaling(summary, network, "dnsd", workload)
            rows.append((network, f"dnsd 2 workers / 1 worker, {workload}: queries/s", 1.8, raw, None))
            rows.append((network, f"dnsd 2 workers / 1 worker, {workload}: 2 x per-CPU-second ratio", 1.8,
                         normalized, None))
    return [{"network": n, "what": w, "want": want, "measured": m, "ceiling": c} for n, w, want, m, c in rows]
