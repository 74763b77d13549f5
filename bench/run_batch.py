"""Runs N copies of a command at once and reports their CPU and memory from wait4().

usage: run_batch.py NAME N SECONDS -- CMD... ({i} in CMD becomes 1..N)
Prints one tab-separated line: name, CPU seconds per stream-second, peak RSS MiB,
mean RSS MiB, number of runs that failed. rusage from wait4 has microsecond CPU times
(GNU time rounds to 10 ms, too coarse for a ~0.5% load).
"""
import os
import subprocess
import sys

name, n, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
template = sys.argv[sys.argv.index("--") + 1:]
children = []
for i in range(1, n + 1):
    cmd = [part.replace("{i}", str(i)) for part in template]
    log = open(f"/tmp/bench-{name}-{i}.log", "w")
    children.append(subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL))
cpu, rss, failed = [], [], 0
for child in children:
    _, status, usage = os.wait4(child.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    # ffmpeg exits 255 when stopped by SIGINT, and `timeout` reports 124 when it sent it.
    failed += code not in (0, 124, 255)
    cpu.append(usage.ru_utime + usage.ru_stime)
    rss.append(usage.ru_maxrss / 1024)
print(f"{name}\t{sum(cpu) / (n * seconds):.5f}\t{max(rss):.1f}\t{sum(rss) / n:.1f}\t{failed}")
