"""Child processes of a run and what /proc says about them: CPU time (user and kernel), RSS, and
per-CPU busy time. Every child is stopped when the run ends, however it ends."""

import atexit
import os
import signal
import subprocess
import sys
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_children = []
_cleanups = []
_started = time.monotonic()


def say(message):
    print(f"[{time.monotonic() - _started:6.1f}s] {message}", file=sys.stderr, flush=True)


class Child:
    """A process started for the run, its output in `log_path`."""

    def __init__(self, name, argv, log_path, env=None, cwd=None):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.popen = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env,
                                          cwd=cwd, stdin=subprocess.DEVNULL)
        _children.append(self)

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def stop(self, timeout=10):
        """SIGTERM, then SIGKILL after `timeout` s; returns the exit status (negative: a signal)."""
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        if self in _children:
            _children.remove(self)
        return self.popen.returncode

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""


def on_exit(cleanup):
    """Runs `cleanup` after every child is stopped, at exit or on SIGINT/SIGTERM."""
    _cleanups.append(cleanup)


def _stop_everything():
    for child in list(_children):
        child.stop(timeout=5)
    for cleanup in reversed(_cleanups):
        try:
            cleanup()
        except Exception as error:  # noqa: BLE001 - cleanup must go on
            say(f"cleanup failed: {error}")
    _cleanups.clear()


def install_cleanup():
    atexit.register(_stop_everything)

    def interrupted(signum, _frame):
        say(f"stopped by signal {signum}")
        sys.exit(128 + signum)

    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)


def cpu_times(pid):
    """(user, kernel) CPU seconds of `pid`, all its threads, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # After the command name: state is field 3, so utime (14) and stime (15) are [11] and [12].
    return int(fields[11]) / CLOCK_TICKS, int(fields[12]) / CLOCK_TICKS


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_busy_seconds(cpus):
    """Busy (non-idle, non-iowait) seconds of the given CPUs so far, and of those the softirq part."""
    busy = softirq = 0
    with open("/proc/stat") as f:
        for line in f:
            name, *values = line.split()
            if not name.startswith("cpu") or name == "cpu" or int(name[3:]) not in cpus:
                continue
            v = [int(x) for x in values]
            # user nice system idle iowait irq softirq steal
            busy += v[0] + v[1] + v[2] + v[5] + v[6] + v[7]
            softirq += v[6]
    return busy / CLOCK_TICKS, softirq / CLOCK_TICKS


def run(argv, timeout=60, check=True, **kwargs):
    """Runs a short command, returns its CompletedProcess (text output)."""
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({result.returncode}): {result.stderr.strip()}")
    return result


def wait_until(predicate, seconds, child=None, step=0.1):
    """True once `predicate()` holds; False after `seconds` or at once if `child` has exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if child is not None and not child.alive():
            return False
        if predicate():
            return True
        time.sleep(step)
    return False


def parse_cpu_list(text):
    """'0,2-3' -> {0, 2, 3}"""
    cpus = set()
    for part in text.split(","):
        if "-" in part:
            low, high = part.split("-")
            cpus.update(range(int(low), int(high) + 1))
        elif part:
            cpus.add(int(part))
    return cpus
