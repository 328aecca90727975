"""The servers under test, each with the configuration that makes it do the same job:

  cache        a cache of CACHE_ENTRIES answers in front of the upstream (dnsd, CoreDNS: `cache`;
               dnsdist: its packet cache; Unbound: its message and RRset caches, forwarding `.`).
  forward      forwarding only, no cache: every query goes upstream. Unbound always caches, so it
               sits this one out.
  rewrite3     legacy names rewritten by 3 rules (exact, suffix, regex, all `answer auto`), no cache:
               every query is rewritten, forwarded and its answer mapped back.
  rewrite100k  the same with 99,998 exact rules before the suffix and regex rules.
  preset       dnsd's DC/OS preset (`rewrite dnsd_dcos`: every legacy family, and the legacy-name
               report counting each query), no cache. dnsd only: it is dnsd's own syntax.

dnsd and CoreDNS read the very same Corefile. dnsdist and Unbound cannot rewrite a name and map the
answer back, so they sit out the rewrite profiles. Metrics, logs and health endpoints are off in
every server: each is measured doing only the job."""

import os

from .proc import Child, wait_until
from .upstream import APP_NAMES, app_address, app_name, find_program, hot_address, hot_name

CACHE_ENTRIES = 200000
PROFILES = ("cache", "forward", "rewrite3", "rewrite100k", "preset")


def rewrite_rules(profile):
    """The rewrite lines of a rewrite profile, in match order."""
    exact = 1 if profile == "rewrite3" else 100000 - 2
    lines = [f"rewrite name exact legacy{k}.apps.internal {app_name((k - 1) % APP_NAMES + 1)} answer auto"
             for k in range(1, exact + 1)]
    lines.append("rewrite name suffix .l4lb.thisdcos.directory .svc.cluster.local answer auto")
    lines.append(r"rewrite name regex (.*)\.(.*)\.marathon\.mesos {1}.{2}-default.svc.cluster.local answer auto")
    return lines


class Server:
    """One server process under test: `start()` writes its configuration and waits until it answers
    correctly."""

    name = ""
    label = ""

    def __init__(self, binary, workdir, net, cpus, threads, port, upstream_port):
        self.binary = binary
        self.workdir = workdir
        self.net = net
        self.cpus = cpus
        self.threads = threads
        self.port = port
        self.upstream = f"{net.client_ip}:{upstream_port}"
        self.upstream_port = upstream_port
        self.child = None
        self.profile = None

    def supports(self, profile):
        return profile in ("cache", "forward")

    def version(self):
        return ""

    def command(self, profile, directory):
        """(argv, env) that start the server for `profile`, its files written into `directory`."""
        raise NotImplementedError

    def start(self, profile, dig, tag=""):
        self.profile = profile
        directory = os.path.join(self.workdir, f"{self.name}-{profile}-{self.threads}t{tag}")
        os.makedirs(directory, exist_ok=True)
        argv, env = self.command(profile, directory)
        argv = self.net.server_cmd(["taskset", "-c", self.cpus] + argv)
        self.child = Child(self.name, argv, os.path.join(directory, "server.log"),
                           env=dict(os.environ, **env), cwd=directory)
        probe = {"cache": hot_name(1), "forward": app_name(1),
                 "preset": "svc1.app.marathon.mesos"}.get(profile, "legacy1.apps.internal")
        want = [hot_address(1)] if profile == "cache" else [app_address(1)]
        # A 100,000-rule Corefile takes CoreDNS a while to set up.
        if not wait_until(lambda: dig(self.net.server_ip, self.port, probe) == want, 120, self.child):
            self.stop()
            raise RuntimeError(f"{self.label} did not answer {probe} with {want}:\n{self.child.log_tail()}")

    @property
    def pid(self):
        return self.child.pid

    def stop(self):
        """Stops the server; returns its exit status."""
        if self.child is None:
            return 0
        status = self.child.stop()
        return status


class CorefileServer(Server):
    """dnsd and CoreDNS: one Corefile for both; GOMAXPROCS sets the workers of each."""

    def corefile(self, profile):
        body = [f"bind {self.net.server_ip}"]
        if profile == "cache":
            body.append(f"cache {{\n        success {CACHE_ENTRIES}\n        denial {CACHE_ENTRIES}\n    }}")
        elif profile == "preset":
            body.append("rewrite dnsd_dcos")
        elif profile != "forward":
            body.extend(rewrite_rules(profile))
        body.append(f"forward . {self.upstream}")
        return f".:{self.port} {{\n" + "".join(f"    {line}\n" for line in body) + "}\n"

    def command(self, profile, directory):
        path = os.path.join(directory, "Corefile")
        with open(path, "w") as f:
            f.write(self.corefile(profile))
        return [self.binary, "-conf", path, "-quiet"], {"GOMAXPROCS": str(self.threads)}



class Dnsd(CorefileServer):
    name = "dnsd"
    label = "dnsd"

    def supports(self, profile):
        return profile in PROFILES


class CoreDns(CorefileServer):
    name = "coredns"
    label = "CoreDNS"

    def supports(self, profile):
        return profile in ("cache", "forward", "rewrite3", "rewrite100k")


class Dnsdist(Server):
    name = "dnsdist"
    label = "dnsdist"

    def command(self, profile, directory):
        t = self.threads
        listen = f"{self.net.server_ip}:{self.port}"
        # maxInFlight: pipelined TCP queries are answered out of order, as dnsd does (128 a connection).
        lines = ["setSecurityPollSuffix('')", "setMaxUDPOutstanding(65535)", f"setMaxTCPClientThreads({t})",
                 f"setLocal('{listen}', {{reusePort=true, maxInFlight=128}})"]
        lines += [f"addLocal('{listen}', {{reusePort=true, maxInFlight=128}})" for _ in range(t - 1)]
        lines.append(f"newServer{{address='{self.upstream}', sockets={t}, checkInterval=3600}}")
        if profile == "cache":
            lines.append(f"pc = newPacketCache({CACHE_ENTRIES}, {{maxTTL=86400, minTTL=0, temporaryFailureTTL=60, "
                         "staleTTL=60, dontAge=false, numberOfShards=20})")
            lines.append("getPool(''):setCache(pc)")
        path = os.path.join(directory, "dnsdist.lua")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return [self.binary, "--supervised", "--disable-syslog", "-C", path], {}


class Unbound(Server):
    name = "unbound"
    label = "Unbound"

    def supports(self, profile):
        return profile == "cache"

    def command(self, profile, directory):
        path = os.path.join(directory, "unbound.conf")
        slabs = 1 << max(0, (self.threads - 1).bit_length())
        with open(path, "w") as f:
            f.write(f"""server:
    interface: {self.net.server_ip}@{self.port}
    port: {self.port}
    num-threads: {self.threads}
    so-reuseport: yes
    do-daemonize: no
    chroot: ""
    username: ""
    directory: "{directory}"
    pidfile: "{directory}/unbound.pid"
    use-syslog: no
    logfile: ""
    verbosity: 0
    access-control: 0.0.0.0/0 allow
    do-not-query-localhost: no
    do-ip6: no
    module-config: "iterator"
    msg-cache-size: 256m
    rrset-cache-size: 256m
    msg-cache-slabs: {slabs}
    rrset-cache-slabs: {slabs}
    infra-cache-slabs: {slabs}
    key-cache-slabs: {slabs}
    num-queries-per-thread: 4096
    outgoing-range: 8192
    incoming-num-tcp: 1024
    edns-buffer-size: 1232
    minimal-responses: yes
    qname-minimisation: no
    prefetch: no
    statistics-interval: 0
    # test. is special-use (RFC 6761): Unbound answers it NXDOMAIN itself unless told not to.
    local-zone: "test." nodefault
remote-control:
    control-enable: no
forward-zone:
    name: "."
    forward-addr: {self.net.client_ip}@{self.upstream_port}
""")
        return [self.binary, "-d", "-c", path], {}


def find_binaries(dnsd_path, coredns_path):
    """name -> binary path of every server that can run here (None: not installed)."""
    return {"dnsd": dnsd_path, "dnsdist": find_program("dnsdist"), "unbound": find_program("unbound"),
            "coredns": coredns_path}


CLASSES = {"dnsd": Dnsd, "dnsdist": Dnsdist, "unbound": Unbound, "coredns": CoreDns}
