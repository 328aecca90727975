"""SVG plots drawn by gnuplot (Debian package gnuplot-nox): throughput bars, latency CDF, scaling."""

import os
import shutil
import subprocess

from .workloads import THROUGHPUT

HEADER = """set terminal svg size 960,440 dynamic background rgb 'white' font 'sans,12'
set output '{output}'
set grid ytics
set key outside right top
"""
HISTOGRAM = """set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [0:*]
set datafile missing '?'
set xtics nomirror rotate by -25
"""


def gnuplot(directory, name, script, data):
    """Writes data files and runs the script; returns the SVG's file name, or None."""
    if shutil.which("gnuplot") is None:
        return None
    for file_name, text in data.items():
        with open(os.path.join(directory, file_name), "w") as f:
            f.write(text)
    output = f"{name}.svg"
    full = HEADER.format(output=output) + script
    result = subprocess.run(["gnuplot"], input=full, text=True, cwd=directory, capture_output=True)
    for file_name in data:
        os.unlink(os.path.join(directory, file_name))
    return output if result.returncode == 0 else None


def labels(results):
    return {name: info["label"] for name, info in results["servers"].items()}


def throughput(directory, results, network):
    summary = results["summary"].get(network, {})
    servers = [s for s in results["servers"] if any(s in summary.get(w, {}) for w in THROUGHPUT)]
    rows = []
    for workload in THROUGHPUT:
        if workload not in summary:
            continue
        values = [summary[workload].get(s, {}).get("per_cpu_second") for s in servers]
        rows.append(workload + "\t" + "\t".join("?" if v is None else f"{v:.0f}" for v in values))
    if not rows:
        return None
    names = labels(results)
    plot = ", ".join(f"'t.dat' using {i + 2}{':xtic(1)' if i == 0 else ''} title '{names[s]}'"
                     for i, s in enumerate(servers))
    script = HISTOGRAM + f"""set title 'Queries per server CPU-second ({network}; median of the rounds)'
set ylabel 'queries per CPU-second'
set format y '%.0s%c'
plot {plot}
"""
    return gnuplot(directory, f"throughput-{network}", script, {"t.dat": "\n".join(rows) + "\n"})


def latency_cdf(directory, results, network):
    runs = [r for r in results["runs"] if r["network"] == network and r.get("cdf")]
    if not runs:
        return None
    # The median round's CDF of each server (by p99).
    chosen = {}
    for server in results["servers"]:
        mine = sorted((r for r in runs if r["server"] == server), key=lambda r: r["p99_ms"] or 0)
        if mine:
            chosen[server] = mine[len(mine) // 2]
    names = labels(results)
    data = {f"cdf-{s}.dat": "".join(f"{ms}\t{fraction}\n" for ms, fraction in r["cdf"]) for s, r in chosen.items()}
    plot = ", ".join(f"'cdf-{s}.dat' using 1:2 with lines lw 2 title '{names[s]}'" for s in chosen)
    rate = next(iter(chosen.values()))["rate"]
    script = f"""set title 'Latency CDF at {rate} queries/s ({network}, cache hits)'
set xlabel 'latency (ms, log scale)'
set ylabel 'fraction of queries'
set logscale x
set yrange [0:1]
set key bottom right inside
plot {plot}
"""
    return gnuplot(directory, f"latency-{network}", script, data)


def scaling(directory, results, network):
    summary = results["summary"].get(network, {})
    names = labels(results)
    rows = []
    for server in results["servers"]:
        for workload in ("hits", "misses"):
            one = summary.get(workload, {}).get(server, {}).get("qps")
            two = summary.get(workload + "-2w", {}).get(server, {}).get("qps")
            if one and two:
                rows.append(f'"{names[server]} {workload}"\t{one:.0f}\t{two:.0f}')
    if not rows:
        return None
    script = HISTOGRAM + f"""set title 'Queries/s with 1 and 2 workers ({network})'
set ylabel 'queries/s'
set format y '%.0s%c'
plot 's.dat' using 2:xtic(1) title '1 worker', '' using 3 title '2 workers'
"""
    return gnuplot(directory, f"scaling-{network}", script, {"s.dat": "\n".join(rows) + "\n"})


def draw_all(directory, results):
    """network -> {kind: svg file name}"""
    plots = {}
    for network in results["summary"]:
        plots[network] = {kind: f(directory, results, network)
                          for kind, f in (("throughput", throughput), ("latency", latency_cdf),
                                          ("scaling", scaling))}
    return plots
