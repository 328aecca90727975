#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/ (run from anywhere; needs knotd and kdig).

Messages are real: kdig's queries and knot's answers, captured by a relay between the two while
knotd serves tests/integration/data/svc.cluster.local.zone. Corefiles and YAML rule sets are the
fenced examples of README.md and docs/*.md and the Corefiles of tests/shell. Existing seed files
are replaced; reproducers (files named repro-*) are left alone.
"""
import os
import pathlib
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests/fuzz/corpus"
ZONE = ROOT / "tests/integration/data/svc.cluster.local.zone"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_knot(workdir):
    port = free_port()
    (workdir / "zones").mkdir()
    shutil.copy(ZONE, workdir / "zones/svc.cluster.local.zone")
    (workdir / "run").mkdir()
    (workdir / "knot.conf").write_text(f"""server:
    rundir: "{workdir}/run"
    listen: 127.0.0.1@{port}
    udp-max-payload: 1232
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "{workdir}/storage"
template:
  - id: default
    storage: "{workdir}/zones"
    zonefile-sync: -1
    journal-content: none
zone:
  - domain: svc.cluster.local.
    file: svc.cluster.local.zone
""")
    knot = subprocess.Popen(["knotd", "-c", str(workdir / "knot.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if subprocess.run(["kdig", f"@127.0.0.1", "-p", str(port), "+time=1", "+retry=0",
                           "svc.cluster.local", "SOA"], capture_output=True).stdout.find(b"NOERROR") >= 0:
            return knot, port
        time.sleep(0.1)
    knot.kill()
    raise SystemExit("knotd did not answer")


class Relay:
    """UDP relay kdig -> knot that keeps the last query and answer."""

    def __init__(self, upstream_port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.upstream = ("127.0.0.1", upstream_port)
        self.query = self.response = None
        threading.Thread(target=self.run, daemon=True).start()

    def run(self):
        up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        up.settimeout(2)
        while True:
            query, client = self.sock.recvfrom(65535)
            up.sendto(query, self.upstream)
            response, _ = up.recvfrom(65535)
            self.query, self.response = query, response
            self.sock.sendto(response, client)

    def exchange(self, name, qtype="A", *options):
        self.query = self.response = None
        subprocess.run(["kdig", "@127.0.0.1", "-p", str(self.port), "+time=2", "+retry=0",
                        "+ignore", name, qtype, *options], capture_output=True, check=True)
        return self.query, self.response


def write(folder, name, data):
    path = CORPUS / folder
    path.mkdir(parents=True, exist_ok=True)
    (path / name).write_bytes(data)


def pair(first, second):
    return len(first).to_bytes(2, "big") + first + second


# (name, type, kdig options): answers, NODATA, NXDOMAIN, delegation-like, CNAME, SRV, TXT, a big
# (truncated) answer, EDNS variants and a mixed-case question.
EXCHANGES = [
    ("svc1.ns1-default.svc.cluster.local", "A", []),
    ("svc2.ns2-default.svc.cluster.local", "AAAA", ["+dnssec"]),
    ("svc3.ns3-default.svc.cluster.local", "TXT", ["+noedns"]),
    ("svc1.ns1-default.svc.cluster.local", "SRV", ["+nsid"]),
    ("_http._tcp.svc2.ns1-default.svc.cluster.local", "SRV", ["+subnet=192.0.2.0/24"]),
    ("cname.svc.cluster.local", "A", ["+cookie"]),
    ("svc.cluster.local", "SOA", []),
    ("svc.cluster.local", "NS", ["+cd"]),
    ("nothere.svc.cluster.local", "A", []),
    ("svc1.ns1-default.svc.cluster.local", "MX", ["+norecurse"]),
    ("ns1-default.svc.cluster.local", "A", []),
    ("medium.svc.cluster.local", "A", ["+bufsize=1232"]),
    ("big.svc.cluster.local", "A", ["+noedns"]),
    ("SvC1.Ns1-DeFault.svc.Cluster.LOCAL", "A", ["+padding=64"]),
]

# Reverter seeds: (rule set in reverter_fuzz.cpp, the client's name, the name the rules ask knot).
REWRITES = [
    (0, "svc1.ns1.marathon.mesos", "svc1.ns1-default.svc.cluster.local", "A"),
    (0, "SVC2.ns1.Marathon.Mesos", "svc2.ns1-default.svc.cluster.local", "SRV"),
    (0, "cname.x.marathon.mesos", "cname.x-default.svc.cluster.local", "A"),
    (1, "svc1.ns1-default.marathon.mesos", "svc1.ns1-default.svc.cluster.local", "SRV"),
    (1, "cname.marathon.mesos", "cname.svc.cluster.local", "A"),
    (1, "nothere.marathon.mesos", "nothere.svc.cluster.local", "A"),
    (2, "svc1.ns1.mesos", "svc1.ns1-default.svc.cluster.local", "A"),
    (2, "svc1.ns1.mesos", "svc1.ns1-default.svc.cluster.local", "TXT"),
    (3, "svc3.ns1-default.legacy.test", "svc3.ns1-default.svc.cluster.local", "SRV"),
    (3, "cname.legacy.test", "cname.svc.cluster.local", "A"),
    (4, "old.ns1-default.svc.cluster.local", "svc1.ns1-default.svc.cluster.local", "AAAA"),
    (4, "svc2.ns2-default.legacy.cluster.local", "svc2.ns2-default.svc.cluster.local", "A"),
]

# Local-answer seeds (rule sets 0 and 1 end with the preset-style local rules): the client's query
# only, no upstream (nothing is asked upstream).
LOCALS = [
    (1, "Leader.Mesos", "A", []),
    (0, "agent1.slave.mesos", "AAAA", ["+dnssec"]),
    (1, "mesos", "SOA", ["+noedns"]),
]


def capture_messages():
    with tempfile.TemporaryDirectory() as tmp:
        knot, port = start_knot(pathlib.Path(tmp))
        try:
            relay = Relay(port)
            for i, (name, qtype, options) in enumerate(EXCHANGES):
                query, response = relay.exchange(name, qtype, *options)
                write("wire", f"query-{i:02}", query)
                write("wire", f"response-{i:02}", response)
                write("cache", f"exchange-{i:02}", pair(query, response))
            for i, (selector, client_name, upstream_name, qtype) in enumerate(REWRITES):
                options = ["+dnssec"] if i % 3 == 1 else (["+noedns"] if i % 3 == 2 else [])
                client, _ = relay.exchange(client_name, qtype, *options)
                _, response = relay.exchange(upstream_name, qtype, *options)
                write("reverter", f"rewrite-{i:02}", bytes([selector]) + pair(client, response))
            for i, (selector, client_name, qtype, options) in enumerate(LOCALS):
                client, _ = relay.exchange(client_name, qtype, *options)
                write("reverter", f"local-{i:02}", bytes([selector]) + pair(client, b""))
        finally:
            knot.terminate()
            knot.wait()


FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def capture_texts():
    sources = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    corefiles, yamls = [], []
    for source in sources:
        for lang, body in FENCE.findall(source.read_text()):
            if lang == "corefile" or (lang == "" and re.search(r"^\S.*\{\s*$", body, re.M)
                                      and "forward" in body):
                corefiles.append((source.stem, body))
            elif lang == "yaml" and "rules:" in body:
                yamls.append((source.stem, body))
    for script in sorted((ROOT / "tests/shell").glob("*.sh")):
        for body in re.findall(r"<<'?EOF'?\n(.*?)^EOF", script.read_text(), re.S | re.M):
            if "{" in body:
                corefiles.append((script.stem, body))
    for i, (stem, body) in enumerate(corefiles):
        write("corefile", f"{stem}-{i:02}", body.encode())
        if "rewrite" in body:
            write("rewrite_line", f"{stem}-{i:02}", body.encode())
    for i, (stem, body) in enumerate(yamls):
        write("rules_yaml", f"{stem}-{i:02}", body.encode())


def clear_seeds():
    for folder in CORPUS.glob("*"):
        for f in folder.glob("*"):
            if not f.name.startswith("repro-") and not f.name.startswith("extra-"):
                f.unlink()


if __name__ == "__main__":
    clear_seeds()
    capture_messages()
    capture_texts()
    for folder in sorted(CORPUS.glob("*")):
        print(f"{folder.name}: {len(list(folder.iterdir()))} files")
