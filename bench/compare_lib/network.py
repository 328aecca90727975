"""Where the processes of a run sit. `Loopback`: everything on 127.0.0.1. `NamespacePair`: the load
generator and the upstream in one network namespace, the server under test in another, joined by a
veth pair, with RPS steering each side's receive processing to that side's own CPUs.

On loopback the kernel delivers a datagram in the sender's context, so each process is charged for
its peer's receive work; across the veth pair with RPS the receiver's CPU does it, as with a NIC."""

import os

from .proc import on_exit, parse_cpu_list, run, say


def cpu_mask(cpu_list):
    """'0-1' -> '3': the hexadecimal mask rps_cpus takes."""
    return format(sum(1 << c for c in parse_cpu_list(cpu_list)), "x")


class Loopback:
    name = "loopback"
    server_ip = "127.0.0.1"
    client_ip = "127.0.0.1"

    def setup(self, server_cpus, client_cpus):
        return True

    def server_cmd(self, argv):
        return list(argv)

    def client_cmd(self, argv):
        return list(argv)

    def teardown(self):
        pass

    def describe(self):
        return "loopback (127.0.0.1): the sender's CPU also does the receiver's delivery"


class NamespacePair:
    """Two namespaces made for this run (names carry the pid) and removed when it ends. They have
    no route anywhere but each other."""

    name = "netns"
    client_ip = "10.201.0.1"
    server_ip = "10.201.0.2"

    def __init__(self):
        tag = os.getpid() % 100000
        self.client_ns = f"dnsd-bench-c{tag}"
        self.server_ns = f"dnsd-bench-s{tag}"
        self.client_link = f"dbc{tag}"
        self.server_link = f"dbs{tag}"
        self.made = False
        self.failure = ""

    def setup(self, server_cpus, client_cpus):
        steps = [
            ["ip", "netns", "add", self.client_ns],
            ["ip", "netns", "add", self.server_ns],
            ["ip", "link", "add", self.client_link, "netns", self.client_ns, "type", "veth",
             "peer", "name", self.server_link, "netns", self.server_ns],
            self._in(self.client_ns, ["ip", "link", "set", "lo", "up"]),
            self._in(self.server_ns, ["ip", "link", "set", "lo", "up"]),
            self._in(self.client_ns, ["ip", "addr", "add", f"{self.client_ip}/24", "dev", self.client_link]),
            self._in(self.server_ns, ["ip", "addr", "add", f"{self.server_ip}/24", "dev", self.server_link]),
            self._in(self.client_ns, ["ip", "link", "set", self.client_link, "up"]),
            self._in(self.server_ns, ["ip", "link", "set", self.server_link, "up"]),
        ]
        on_exit(self.teardown)
        self.made = True
        for step in steps:
            result = run(step, check=False)
            if result.returncode != 0:
                self.failure = f"{' '.join(step)}: {result.stderr.strip()}"
                return False
        self.steer(server_cpus, client_cpus)
        return True

    def steer(self, server_cpus, client_cpus):
        """RPS: datagrams arriving at each side are processed on that side's CPUs (lists: '0-1')."""
        for ns, link, cpus in ((self.server_ns, self.server_link, server_cpus),
                               (self.client_ns, self.client_link, client_cpus)):
            path = f"/sys/class/net/{link}/queues/rx-0/rps_cpus"
            result = run(self._in(ns, ["sh", "-c", f"echo {cpu_mask(cpus)} > {path}"]), check=False)
            if result.returncode != 0:
                say(f"warning: RPS not set on {link}: {result.stderr.strip()}")

    def _in(self, ns, argv):
        return ["ip", "netns", "exec", ns] + list(argv)

    def server_cmd(self, argv):
        return self._in(self.server_ns, argv)

    def client_cmd(self, argv):
        return self._in(self.client_ns, argv)

    def teardown(self):
        if not self.made:
            return
        self.made = False
        for ns in (self.client_ns, self.server_ns):
            run(["ip", "netns", "del", ns], check=False)

    def describe(self):
        return (f"veth pair between two network namespaces ({self.client_ip}: dnsperf and knotd; "
                f"{self.server_ip}: the server), RPS on each side to its own CPUs")


def make(name):
    return {"loopback": Loopback, "netns": NamespacePair}[name]()
