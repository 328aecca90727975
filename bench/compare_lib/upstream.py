"""The upstream every server forwards to: knotd serving zones written for the run, counting the
queries it receives (mod-stats) so a run can show what reached it.

Zones:
  bench.test.         svcN.hot (N = 1..1000, A 10.H.L.1): the hot set; *.miss and *.mem wildcards
                      for names that are never repeated (misses, memory fill).
  svc.cluster.local.  svcN.app-default (A 10.1.H.L): what the legacy names are rewritten to."""

import os
import shutil

from .proc import Child, run, wait_until

HOT_NAMES = 1000
APP_NAMES = 1000


def hot_name(n):
    return f"svc{n}.hot.bench.test"


def hot_address(n):
    return f"10.{n // 256}.{n % 256}.1"


def app_name(n):
    return f"svc{n}.app-default.svc.cluster.local"


def app_address(n):
    return f"10.1.{n // 256}.{n % 256}"


def write_zones(zone_dir):
    os.makedirs(zone_dir, exist_ok=True)
    soa = "@ IN SOA ns hostmaster 1 7200 1800 86400 3600\n@ IN NS ns\nns IN A 10.96.0.53\n"
    with open(os.path.join(zone_dir, "bench.test.zone"), "w") as f:
        f.write("$ORIGIN bench.test.\n$TTL 3600\n" + soa)
        f.write("*.miss IN A 10.255.0.1\n*.mem IN A 10.254.0.1\n")
        for n in range(1, HOT_NAMES + 1):
            f.write(f"svc{n}.hot IN A {hot_address(n)}\n")
    with open(os.path.join(zone_dir, "svc.cluster.local.zone"), "w") as f:
        f.write("$ORIGIN svc.cluster.local.\n$TTL 3600\n" + soa)
        for n in range(1, APP_NAMES + 1):
            f.write(f"svc{n}.app-default IN A {app_address(n)}\n")


def find_program(name):
    found = shutil.which(name)
    if found:
        return found
    for directory in ("/usr/local/sbin", "/usr/sbin", "/sbin"):
        candidate = os.path.join(directory, name)
        if os.access(candidate, os.X_OK):
            return candidate
    return None


class Knot:
    def __init__(self, workdir, net, cpus, port):
        self.dir = os.path.join(workdir, "knot")
        self.net = net
        self.cpus = cpus
        self.port = port
        self.child = None
        self.knotc = find_program("knotc")

    def start(self, dig):
        knotd = find_program("knotd")
        if knotd is None or self.knotc is None:
            raise RuntimeError("knotd/knotc not installed (Debian package knot)")
        for sub in ("run", "storage", "zones"):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
        write_zones(os.path.join(self.dir, "zones"))
        conf = os.path.join(self.dir, "knot.conf")
        with open(conf, "w") as f:
            f.write(f"""server:
    rundir: "{self.dir}/run"
    pidfile: "{self.dir}/run/knot.pid"
    listen: {self.net.client_ip}@{self.port}
    udp-max-payload: 1232
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "{self.dir}/storage"
control:
    listen: "{self.dir}/run/knot.sock"
log:
  - target: stderr
    any: warning
mod-stats:
  - id: count
    request-protocol: on
    server-operation: off
    request-bytes: off
    response-bytes: off
    edns-presence: off
    flag-presence: off
    response-code: off
    reply-nodata: off
    query-type: off
    query-size: off
    reply-size: off
template:
  - id: default
    storage: "{self.dir}/zones"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    global-module: mod-stats/count
zone:
  - domain: bench.test.
    file: bench.test.zone
  - domain: svc.cluster.local.
    file: svc.cluster.local.zone
""")
        argv = self.net.client_cmd(["taskset", "-c", self.cpus, knotd, "-c", conf])
        self.child = Child("knotd", argv, os.path.join(self.dir, "knotd.log"))
        if not wait_until(lambda: dig(self.net.client_ip, self.port, hot_name(1)) == [hot_address(1)],
                          15, self.child):
            raise RuntimeError(f"knotd did not start:\n{self.child.log_tail()}")

    def queries(self):
        """Queries knotd has received so far (all protocols)."""
        out = run([self.knotc, "-s", f"{self.dir}/run/knot.sock", "stats", "mod-stats"], check=False).stdout
        return sum(int(line.split("=")[1]) for line in out.splitlines() if "request-protocol" in line)

    def stop(self):
        if self.child:
            self.child.stop()
            self.child = None
