"""Unit tests of bench/compare's own logic (ctest: bench.compare_unit): dnsperf output parsing,
option errors, summaries and ratios, the report and --diff, the namespace fallback. The tool's
end-to-end test is its short run (bench.compare_short)."""

import copy
import importlib.machinery
import importlib.util
import io
import json
import os
import stat
import sys
import tempfile
import unittest
from contextlib import redirect_stderr

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(HERE))

from compare_lib import network, report, summary  # noqa: E402
from compare_lib.load import cdf_points, parse_statistics, percentile  # noqa: E402
from compare_lib.runner import Runner  # noqa: E402

COMPARE = os.path.join(os.path.dirname(HERE), "compare")
loader = importlib.machinery.SourceFileLoader("compare_main", COMPARE)
spec = importlib.util.spec_from_loader("compare_main", loader)
compare = importlib.util.module_from_spec(spec)
loader.exec_module(compare)

DNSPERF_TCP = """[Status] Testing complete (time limit)

Statistics:

  Queries sent:         23207
  Queries completed:    23190 (99.93%)
  Queries lost:         17 (0.07%)

  Response codes:       NOERROR 23180 (99.96%), SERVFAIL 10 (0.04%)
  Average packet size:  request 37, response 53
  Run time (s):         0.300093
  Queries per second:   77332.693532

  Average Latency (s):  0.000767 (min 0.000020, max 0.031389)
  Latency StdDev (s):   0.001162

Connection Statistics:

  Reconnections:        0

  Average Latency (s):  0.000391 (min 0.000391, max 0.000391)
"""


def run_record(server, qps, cpu, workload="misses", network_name="netns", **extra):
    record = {"network": network_name, "workload": workload, "server": server, "threads": 1, "round": 1,
              "qps": qps, "completed": int(qps * 10), "sent": int(qps * 10), "lost": 0, "cpu": cpu,
              "cpu_user": cpu * 0.2, "cpu_kernel": cpu * 0.8, "cpus_busy": cpu * 1.1, "cpus_softirq": cpu * 0.3,
              "upstream_queries": int(qps * 10), "avg_latency_ms": 1.0, "rate": None,
              "per_cpu_second": qps * 10 / cpu}
    record.update(extra)
    return record


def sample_results():
    runs = []
    for r, (dnsd, dnsdist) in enumerate(((200000, 140000), (210000, 150000), (190000, 160000)), start=1):
        runs.append(run_record("dnsd", dnsd, 10.0, round=r))
        runs.append(run_record("dnsdist", dnsdist, 10.0, round=r))
        runs.append(run_record("dnsd", dnsd * 2, 10.0, workload="hits", round=r))
        runs.append(run_record("dnsdist", dnsdist, 10.0, workload="hits", round=r))
        runs.append(run_record("dnsd", dnsd * 1.9, 19.0, workload="misses-2w", round=r))
    return {
        "meta": {"command": "bench/compare", "date": "2026-12-07 00:00 UTC", "duration_s": 1.0, "cpus": 2,
                 "cpu_model": "test", "kernel": "test", "tools": {}, "rounds": 3, "seconds": 10,
                 "clients": 20, "outstanding": 200, "client_cpus": "0", "server_cpus_1": "1",
                 "server_cpus_2": "0-1", "micro_time": 0.3},
        "servers": {"dnsd": {"label": "dnsd", "version": "x"}, "dnsdist": {"label": "dnsdist", "version": "y"}},
        "networks": {"netns": "veth"}, "runs": runs,
        "memory": [{"network": "netns", "server": "dnsd", "round": 1, "idle_rss_kib": 100, "warm_rss_kib": 110,
                    "loaded_rss_kib": 120, "entries": 1000, "bytes_per_entry": 180.0, "lost": 0}],
        "micro": [{"binary": "wire_bench", "hot_path": "parse", "name": "BM_Parse", "cpu_ns": 14.0,
                   "real_ns": 14.0, "iterations": 1}],
        "profiles": [], "errors": [], "notes": [],
    }


class DnsperfOutput(unittest.TestCase):
    def test_statistics_and_rcodes_are_read(self):
        s = parse_statistics(DNSPERF_TCP)
        self.assertEqual((s["sent"], s["completed"], s["lost"]), (23207, 23190, 17))
        self.assertEqual(s["rcodes"], {"NOERROR": 23180, "SERVFAIL": 10})
        self.assertAlmostEqual(s["qps"], 77332.693532)
        # The first Average Latency is the queries'; the connection statistics' comes after.
        self.assertAlmostEqual(s["avg_latency_ms"], 0.767)

    def test_output_without_statistics_gives_zeros(self):
        s = parse_statistics("Error: socket: Address already in use\n")
        self.assertEqual((s["sent"], s["completed"], s["qps"]), (0, 0, 0.0))

    def test_percentiles_and_cdf(self):
        values = [float(v) for v in range(1, 1001)]
        self.assertEqual(percentile(values, 0.5), 500.0)
        self.assertEqual(percentile(values, 0.99), 990.0)
        self.assertEqual(percentile(values, 0.999), 999.0)
        self.assertIsNone(percentile([], 0.5))
        points = cdf_points(values)
        self.assertEqual(points[-1], (1000.0, 1.0))
        self.assertEqual([p[1] for p in points], sorted(p[1] for p in points))


class Options(unittest.TestCase):
    def refused(self, argv):
        err = io.StringIO()
        with redirect_stderr(err), self.assertRaises(SystemExit) as exit_:
            compare.parse_args(argv)
        self.assertEqual(exit_.exception.code, 2)
        return err.getvalue()

    def test_unknown_server_workload_and_network_are_named_with_what_is_expected(self):
        text = self.refused(["--servers", "dnsd,bind", "--workloads", "hits,cold", "--networks", "lo",
                             "--dnsd", "/bin/true"])
        self.assertIn("unknown server 'bind' (want dnsd, dnsdist, unbound, coredns)", text)
        self.assertIn("unknown workload 'cold'", text)
        self.assertIn("unknown setup 'lo' (want loopback, netns)", text)

    def test_a_missing_binary_says_how_to_get_one(self):
        text = self.refused(["--servers", "dnsd", "--dnsd", "/nonexistent/dnsd"])
        self.assertIn("dnsd: no executable at /nonexistent/dnsd", text)
        text = self.refused(["--servers", "dnsd", "--dnsd", "/bin/true", "--coredns", "/nonexistent/coredns"])
        self.assertIn("coredns: no executable at /nonexistent/coredns: pass --coredns PATH", text)

    def test_short_mode_defaults(self):
        o = compare.parse_args(["--short", "--servers", "dnsd", "--dnsd", "/bin/true"])
        self.assertEqual((o.rounds, o.seconds, o.memory_rounds, o.timeout, o.profile), (3, 0.5, 1, 2, False))
        self.assertTrue(o.out.endswith("build/bench-compare-short"))


class Summaries(unittest.TestCase):
    def test_medians_ratios_and_targets(self):
        results = summary.summarize(sample_results())
        misses = results["summary"]["netns"]["misses"]
        self.assertEqual(misses["dnsd"]["per_cpu_second"], 200000.0)
        self.assertEqual(misses["dnsd"]["per_cpu_second_range"], (190000.0, 210000.0))
        self.assertEqual(misses["dnsdist"]["per_cpu_second"], 150000.0)
        self.assertAlmostEqual(misses["dnsdist"]["dnsd_ratio"], 200000 / 150000)
        self.assertAlmostEqual(misses["dnsd"]["user_share"], 0.2)
        targets = {t["what"]: t["measured"] for t in results["targets"]}
        self.assertAlmostEqual(targets["forward path (misses) per CPU-second, dnsd / dnsdist"], 4 / 3)
        self.assertIsNone(targets["forward path (misses) per CPU-second, dnsd / CoreDNS"])
        self.assertAlmostEqual(targets["dnsd 2 workers / 1 worker, misses: queries/s"], 1.9)
        self.assertAlmostEqual(targets["dnsd 2 workers / 1 worker, misses: 2 x per-CPU-second ratio"], 2 * 1.9 / 1.9)

    def test_report_and_diff(self):
        old = summary.summarize(sample_results())
        new = copy.deepcopy(sample_results())
        for run in new["runs"]:
            if run["server"] == "dnsd" and run["workload"] == "misses":
                run["qps"] *= 1.5
                run["completed"] = int(run["qps"] * 10)
                run["per_cpu_second"] = run["completed"] / run["cpu"]
        new = summary.summarize(new)
        with tempfile.TemporaryDirectory() as d:
            report.write(os.path.join(d, "report.md"), new, {"netns": {"throughput": "t.svg"}}, image_prefix="b/")
            with open(os.path.join(d, "report.md")) as f:
                text = f.read()
            self.assertIn("| misses | netns | **300,000** | 150,000 (2.00×) |", text)
            self.assertIn("![queries per CPU-second, netns](b/t.svg)", text)
            self.assertIn("| netns | forward path (misses) per CPU-second, dnsd / dnsdist | ≥ 1.3 | 2.00 | yes |", text)
            for name, results in (("old.json", old), ("new.json", new)):
                with open(os.path.join(d, name), "w") as f:
                    json.dump(results, f)
            text = report.diff(os.path.join(d, "old.json"), os.path.join(d, "new.json"))
        self.assertIn("| netns | misses | dnsd | q/CPU-s | 200,000 | 300,000 | +50.0 % better |", text)
        self.assertIn("| netns | hits | dnsdist | q/CPU-s | 150,000 | 150,000 | +0.0 % |", text)


class NamespaceFallback(unittest.TestCase):
    """`ip` replaced by one that refuses, as where the sandbox has no CAP_SYS_ADMIN."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        fake = os.path.join(self.dir.name, "ip")
        with open(fake, "w") as f:
            f.write("#!/bin/sh\necho 'mount --make-shared /run/netns failed: Operation not permitted' >&2\nexit 1\n")
        os.chmod(fake, stat.S_IRWXU)
        self.path = os.environ["PATH"]
        os.environ["PATH"] = f"{self.dir.name}:{self.path}"

    def tearDown(self):
        os.environ["PATH"] = self.path
        self.dir.cleanup()

    def test_a_refused_namespace_is_reported_not_fatal(self):
        pair = network.NamespacePair()
        self.assertFalse(pair.setup("1", "0"))
        pair.teardown()
        self.assertIn("ip netns add", pair.failure)
        self.assertIn("Operation not permitted", pair.failure)

    def test_the_run_goes_on_over_loopback_and_says_so(self):
        o = compare.parse_args(["--networks", "netns", "--servers", "dnsd", "--dnsd", "/bin/true", "--no-micro"])
        results = {"runs": [], "memory": [], "micro": [], "profiles": [], "errors": [], "notes": [], "networks": {}}
        runner = Runner(o, results)
        ran = []
        runner.run_network = lambda net: ran.append(net.name)
        runner.run()
        self.assertEqual(ran, ["loopback"])
        self.assertEqual(len(results["notes"]), 1)
        self.assertIn("network namespaces cannot be created here (ip netns add", results["notes"][0])
        self.assertIn("loopback instead", results["notes"][0])
        self.assertEqual(results["errors"], [])


if __name__ == "__main__":
    unittest.main()
