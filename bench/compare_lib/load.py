"""One dnsperf run against a server: its statistics, and with `latencies` every query's latency
(dnsperf -v), for percentiles and the CDF."""

import re
import subprocess

from .proc import cpu_busy_seconds, cpu_times, parse_cpu_list


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, int(round(fraction * len(sorted_values))) - 1))
    return sorted_values[index]


def parse_statistics(text):
    """dnsperf's closing statistics -> dict (sent, completed, lost, qps, avg_latency_ms, rcodes)."""
    def number(pattern, cast=float):
        match = re.search(pattern, text)
        return cast(match.group(1)) if match else None

    rcodes = {}
    match = re.search(r"Response codes:\s+(.*)", text)
    if match:
        for code, count in re.findall(r"([A-Z]+) (\d+) \(", match.group(1)):
            rcodes[code] = int(count)
    avg = number(r"Average Latency \(s\):\s+([0-9.]+)")
    return {
        "sent": number(r"Queries sent:\s+(\d+)", int) or 0,
        "completed": number(r"Queries completed:\s+(\d+)", int) or 0,
        "lost": number(r"Queries lost:\s+(\d+)", int) or 0,
        "qps": number(r"Queries per second:\s+([0-9.]+)") or 0.0,
        "run_time": number(r"Run time \(s\):\s+([0-9.]+)") or 0.0,
        "avg_latency_ms": avg * 1000 if avg is not None else None,
        "rcodes": rcodes,
    }


class Dnsperf:
    """dnsperf pinned to the client CPUs, in the client's network namespace."""

    def __init__(self, net, cpus, clients, outstanding, timeout):
        self.net = net
        self.cpus = cpus
        self.clients = clients
        self.outstanding = outstanding
        self.timeout = timeout  # a query unanswered this long is lost (and the run waits for it)

    def argv(self, server, datafile, seconds=None, maxruns=None, mode="udp", rate=None,
             verbose=False, clients=None, outstanding=None):
        argv = ["taskset", "-c", self.cpus, "dnsperf", "-s", server.net.server_ip, "-p", str(server.port),
                "-m", mode, "-d", datafile, "-c", str(clients or self.clients),
                "-q", str(outstanding or self.outstanding), "-t", str(self.timeout)]
        if seconds:
            argv += ["-l", str(seconds)]
        if maxruns:
            argv += ["-n", str(maxruns)]
        if rate:
            argv += ["-Q", str(rate)]
        if verbose:
            argv.append("-v")
        return self.net.client_cmd(argv)

    def run(self, server, datafile, server_cpus, latencies=False, **options):
        """Runs dnsperf to its end and returns the statistics plus the server's CPU over the run:
        user and kernel seconds of its process, and the busy seconds of its CPUs (softirq included,
        which in the namespace setup is the server's receive processing)."""
        cpus = parse_cpu_list(server_cpus)
        user0, kernel0 = cpu_times(server.pid)
        busy0, softirq0 = cpu_busy_seconds(cpus)
        argv = self.argv(server, datafile, verbose=latencies, **options)
        values = []
        lines = []
        with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as p:
            for line in p.stdout:
                if line.startswith("> "):
                    if latencies:
                        try:
                            values.append(float(line.rsplit(None, 1)[1]) * 1000)
                        except ValueError:
                            pass
                else:
                    lines.append(line)
        user1, kernel1 = cpu_times(server.pid)
        busy1, softirq1 = cpu_busy_seconds(cpus)
        text = "".join(lines)
        result = parse_statistics(text)
        result["exit_status"] = p.returncode
        result["output_tail"] = text[-2000:] if p.returncode != 0 or not result["completed"] else ""
        result["cpu_user"] = user1 - user0
        result["cpu_kernel"] = kernel1 - kernel0
        result["cpu"] = result["cpu_user"] + result["cpu_kernel"]
        result["cpus_busy"] = busy1 - busy0
        result["cpus_softirq"] = softirq1 - softirq0
        result["per_cpu_second"] = result["completed"] / result["cpu"] if result["cpu"] > 0 else None
        if latencies:
            values.sort()
            result["p50_ms"] = percentile(values, 0.50)
            result["p99_ms"] = percentile(values, 0.99)
            result["p999_ms"] = percentile(values, 0.999)
            result["cdf"] = cdf_points(values)
        return result


def cdf_points(sorted_values, points=200):
    """About `points` (latency ms, fraction) pairs of the CDF, denser in the tail."""
    n = len(sorted_values)
    if n == 0:
        return []
    fractions = sorted({i / points for i in range(points)} |
                       {1 - 10 ** (-k / 10) for k in range(10, 41)} | {1.0})
    out = []
    for fraction in fractions:
        index = min(n - 1, int(fraction * n))
        out.append((round(sorted_values[index], 4), round((index + 1) / n, 6)))
    return out
