"""One run of bench/compare: per network setup, the upstream, each group of servers with the same
configuration, interleaved rounds of the workloads (A B C A B C ...), the memory phase, then the
micro-benchmarks. Everything measured lands in one results dict (written as JSON)."""

import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
from itertools import groupby

from . import micro, network, profile
from .load import Dnsperf
from .proc import on_exit, rss_kib, run, say
from .servers import CLASSES, find_binaries
from .upstream import Knot
from .workloads import WORKLOADS, expected_answers, write_query_files, write_unique_names

LOSS_LIMIT = 0.01        # above this share of lost queries a run is an error
NON_NOERROR_LIMIT = 0.01  # every name asked exists: more answers than this that are not NOERROR is an error
MISS_NAMES_PER_SECOND = 300000  # unique names written per second of a miss run (more than any server answers)


def free_port():
    """A port free for UDP and TCP on 127.0.0.1, below Linux's ephemeral range."""
    while True:
        port = random.randint(20000, 32000)
        try:
            for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                with socket.socket(socket.AF_INET, kind) as s:
                    s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue


class Runner:
    def __init__(self, options, results):
        self.o = options
        self.results = results
        self.workdir = tempfile.mkdtemp(prefix="dnsd-compare.")
        if not options.keep:
            on_exit(lambda: shutil.rmtree(self.workdir, ignore_errors=True))
        self.files = write_query_files(self.workdir)
        ncpu = os.cpu_count() or 1
        self.client_cpus = "0"
        self.server_cpus_1 = str(ncpu - 1)
        self.server_cpus_2 = f"{max(0, ncpu - 2)}-{ncpu - 1}"
        self.binaries = find_binaries(options.dnsd, options.coredns)

    # ---- helpers -------------------------------------------------------------------------------

    def error(self, message):
        say(f"ERROR: {message}")
        self.results["errors"].append(message)

    def note(self, message):
        say(f"note: {message}")
        self.results["notes"].append(message)

    def server_cpus(self, threads):
        return self.server_cpus_1 if threads == 1 else self.server_cpus_2

    def dig_answer(self, net, ip, port, name, tcp=False):
        """(owner names, A addresses) of the answer section, or ([], []) when there is none."""
        argv = ["dig", f"@{ip}", "-p", str(port), "+time=2", "+tries=1", "+noall", "+answer", name, "A"]
        if tcp:
            argv.append("+tcp")
        try:
            out = run(net.client_cmd(argv), check=False, timeout=10).stdout
        except subprocess.TimeoutExpired:
            return [], []
        owners, addresses = [], []
        for line in out.splitlines():
            fields = line.split()
            if len(fields) >= 5 and fields[3] == "A":
                owners.append(fields[0].rstrip("."))
                addresses.append(fields[4])
        return owners, addresses

    def check_answers(self, net, server, kind, when):
        """Asks a sample of the workload's names with dig: the address and the owner name (the name
        asked: `answer auto` maps the rewritten name back) must be right, over UDP and TCP."""
        for name, address in expected_answers(kind):
            for tcp in (False, True):
                owners, addresses = self.dig_answer(net, net.server_ip, server.port, name, tcp)
                if addresses != [address] or owners != [name]:
                    self.error(f"{net.name}: {server.label} ({server.profile}, {when}) answered "
                               f"{name} over {'TCP' if tcp else 'UDP'} with {list(zip(owners, addresses))}, "
                               f"want [({name!r}, {address!r})]")
                    return False
        return True

    # ---- the run ---------------------------------------------------------------------------------

    def run(self):
        pending = list(self.o.networks)
        while pending:
            net = network.make(pending.pop(0))
            if not net.setup(self.server_cpus_1, self.client_cpus):
                instead = "loopback" not in self.o.networks
                self.note(f"network namespaces cannot be created here ({net.failure}): the namespace "
                          f"setup is skipped, {'loopback instead' if instead else 'loopback only'}")
                net.teardown()
                if instead:
                    pending.append("loopback")
                continue
            self.results["networks"][net.name] = net.describe()
            try:
                self.run_network(net)
            finally:
                net.teardown()
        if self.o.micro:
            self.results["micro"] = micro.run_all(self.o.bench_dir, self.o.micro_time, self.o.short, self.error)

    def run_network(self, net):
        knot = Knot(os.path.join(self.workdir, net.name), net, self.client_cpus, free_port())
        digger = lambda ip, port, name: self.dig_answer(net, ip, port, name)[1]  # noqa: E731
        knot.start(digger)
        say(f"== {net.name}: knotd on {net.client_ip}:{knot.port}")
        try:
            wanted = [w for w in WORKLOADS if w.key in self.o.workloads]
            for (profile_name, threads), group in groupby(wanted, key=lambda w: (w.profile, w.threads)):
                self.run_group(net, knot, profile_name, threads, list(group), digger)
            if "memory" in self.o.workloads:
                self.run_memory(net, knot, digger)
        finally:
            knot.stop()

    def make_servers(self, net, knot, profile_name, threads):
        servers = []
        for name in self.o.servers:
            cls = CLASSES[name]
            server = cls(self.binaries[name], self.workdir, net, self.server_cpus(threads), threads,
                         free_port(), knot.port)
            if server.supports(profile_name):
                servers.append(server)
        return servers

    def start(self, server, profile_name, digger, tag=""):
        say(f"   starting {server.label} ({profile_name}, {server.threads} worker(s), CPUs {server.cpus})")
        try:
            server.start(profile_name, digger, tag)
            return True
        except RuntimeError as failure:
            self.error(f"{server.net.name}: {failure}")
            return False

    def stop(self, server):
        status = server.stop()
        # dnsd must stop cleanly on SIGTERM; the others are not ours to judge.
        if server.name == "dnsd" and status != 0:
            self.error(f"{server.net.name}: dnsd exited with status {status} on SIGTERM")

    def run_group(self, net, knot, profile_name, threads, workloads, digger):
        cpus = self.server_cpus(threads)
        if isinstance(net, network.NamespacePair):
            net.steer(cpus, self.client_cpus)
        servers = [s for s in self.make_servers(net, knot, profile_name, threads)
                   if self.start(s, profile_name, digger)]
        loader = Dnsperf(net, self.client_cpus, self.o.clients, self.o.outstanding, self.o.timeout)
        try:
            for server in servers:
                if profile_name == "cache":
                    # Warm, not measured: over both transports, as dnsdist keys its cache by transport
                    # (once the misses have filled its cache it would forward every TCP hit).
                    for mode in ("udp", "tcp"):
                        loader.run(server, self.files["hot"], cpus, maxruns=2, mode=mode)
                self.check_answers(net, server, workloads[0].queries, "before the runs")
            for round_index in range(1, self.o.rounds + 1):
                for workload in workloads:
                    for server in servers:
                        self.measure(net, knot, loader, server, workload, round_index)
            if self.o.profile:
                for workload in workloads:
                    if workload.key in profile.WORKLOADS:
                        for server in servers:
                            if server.name in profile.SERVERS:
                                self.profile(net, loader, server, workload)
            for server in servers:
                self.check_answers(net, server, workloads[0].queries, "after the runs")
        finally:
            for server in servers:
                self.stop(server)

    def query_file(self, workload, server, net, round_index):
        if workload.queries != "miss":
            return self.files[workload.queries], None
        path = os.path.join(self.workdir, "miss.txt")
        tag = f"{net.name[0]}{round_index}{server.name[:3]}{workload.threads}{random.randint(0, 1 << 30):x}"
        return write_unique_names(path, int(self.o.seconds * MISS_NAMES_PER_SECOND), tag), path

    def dnsperf_options(self, workload):
        options = {"seconds": self.o.seconds, "mode": workload.mode, "outstanding": workload.outstanding}
        if workload.queries == "miss":
            options["maxruns"] = 1  # each name once: every query a miss
        if workload.fixed_rate:
            options["rate"] = self.o.rate
        return options

    def measure(self, net, knot, loader, server, workload, round_index):
        datafile, scratch = self.query_file(workload, server, net, round_index)
        options = self.dnsperf_options(workload)
        upstream0 = knot.queries()
        result = loader.run(server, datafile, server.cpus, latencies=workload.fixed_rate, **options)
        result["upstream_queries"] = knot.queries() - upstream0
        result["rss_kib"] = rss_kib(server.pid) if server.child.alive() else None
        if scratch:
            os.unlink(scratch)
        result.update(network=net.name, workload=workload.key, server=server.name, threads=server.threads,
                      round=round_index, mode=workload.mode, rate=options.get("rate"))
        self.results["runs"].append(result)
        per_cpu = result["per_cpu_second"]
        say(f"   {net.name} {workload.key:<11} round {round_index} {server.label:<8} "
            f"{result['qps']:>9.0f} q/s  {per_cpu or 0:>9.0f} q/CPU-s  lost {result['lost']}")
        self.validate(net, server, workload, result)

    def validate(self, net, server, workload, result):
        where = f"{net.name}: {server.label}, {workload.key}, round {result['round']}"
        if not server.child.alive():
            self.error(f"{where}: the server exited during the run:\n{server.child.log_tail()}")
        if not result["completed"]:
            self.error(f"{where}: no query completed:\n{result['output_tail']}")
            return
        if result["lost"] > LOSS_LIMIT * max(1, result["sent"]):
            self.error(f"{where}: {result['lost']} of {result['sent']} queries lost (limit {LOSS_LIMIT:.0%})")
        other = result["completed"] - result["rcodes"].get("NOERROR", 0)
        if other > NON_NOERROR_LIMIT * result["completed"]:
            self.error(f"{where}: {other} of {result['completed']} answers not NOERROR ({result['rcodes']})")

    def profile(self, net, loader, server, workload):
        datafile, scratch = self.query_file(workload, server, net, 0)
        options = self.dnsperf_options(workload)
        summary = profile.record(server, lambda: loader.run(server, datafile, server.cpus,
                                                            latencies=workload.fixed_rate, **options),
                                 self.o.seconds, self.workdir)
        if scratch:
            os.unlink(scratch)
        if summary:
            summary.update(network=net.name, workload=workload.key, server=server.name)
            self.results["profiles"].append(summary)

    # ---- memory ------------------------------------------------------------------------------------

    def run_memory(self, net, knot, digger):
        """Per round and server, a fresh process: RSS idle, after the hot set, and after `fill` new
        names; the growth over the new names / the entries the upstream was asked for is the memory
        per cached entry."""
        loader = Dnsperf(net, self.client_cpus, self.o.clients, self.o.outstanding, self.o.timeout)
        if isinstance(net, network.NamespacePair):
            net.steer(self.server_cpus_1, self.client_cpus)
        for round_index in range(1, self.o.memory_rounds + 1):
            for server in self.make_servers(net, knot, "cache", 1):
                if not self.start(server, "cache", digger, tag=f"-mem{round_index}"):
                    continue
                try:
                    time.sleep(1)
                    idle = rss_kib(server.pid)
                    loader.run(server, self.files["hot"], server.cpus, maxruns=1)
                    warm = rss_kib(server.pid)
                    path = os.path.join(self.workdir, "fill.txt")
                    write_unique_names(path, self.o.fill, f"r{round_index}{net.name[0]}{random.randint(0, 1 << 30):x}",
                                       zone="mem")
                    upstream0 = knot.queries()
                    fill = loader.run(server, path, server.cpus, maxruns=1, rate=self.o.fill_rate)
                    entries = knot.queries() - upstream0
                    time.sleep(0.5)
                    loaded = rss_kib(server.pid)
                    os.unlink(path)
                    per_entry = (loaded - warm) * 1024 / entries if entries else None
                    self.results["memory"].append({
                        "network": net.name, "server": server.name, "round": round_index,
                        "idle_rss_kib": idle, "warm_rss_kib": warm, "loaded_rss_kib": loaded,
                        "entries": entries, "bytes_per_entry": per_entry, "lost": fill["lost"]})
                    say(f"   {net.name} memory round {round_index} {server.label:<8} idle {idle} KiB, "
                        f"loaded {loaded} KiB, {per_entry or 0:.0f} B/entry over {entries} entries")
                    if fill["lost"] > LOSS_LIMIT * max(1, fill["sent"]):
                        self.error(f"{net.name}: {server.label}, memory fill: {fill['lost']} of {fill['sent']} lost")
                finally:
                    self.stop(server)
