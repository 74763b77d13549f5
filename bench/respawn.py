"""Kills the relay worker of `--supervisor` K times and prints, per kill, the time until a new
worker process runs and until nginx's error log shows a new publish of `--stream`; then the
median and the maximum of each. Used by bench/respawn.sh."""
import argparse
import os
import signal
import statistics
import sys
import time


def workers(supervisor):
    found = []
    needle = f"--supervisor-pid {supervisor} ".encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ")
        except OSError:
            continue
        if needle in cmdline:
            found.append(int(entry))
    return found


def publishes(log, stream):
    try:
        with open(log, encoding="utf-8", errors="replace") as f:
            return f.read().count(f"publish: name='{stream}'")
    except OSError:
        return 0


def wait_for(condition, timeout=60.0, every=0.002):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    sys.exit("timed out")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--supervisor", type=int, required=True)
    parser.add_argument("--nginx-log", required=True)
    parser.add_argument("--stream", required=True)
    parser.add_argument("--kills", type=int, default=10)
    args = parser.parse_args()
    # The first worker publishes; then each kill waits for the successor's publish first.
    wait_for(lambda: workers(args.supervisor) and publishes(args.nginx_log, args.stream) >= 1)
    time.sleep(2)
    respawns, republishes = [], []
    for kill in range(1, args.kills + 1):
        victim = wait_for(lambda: workers(args.supervisor))[0]
        sessions = publishes(args.nginx_log, args.stream)
        killed = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: [pid for pid in workers(args.supervisor) if pid != victim])
        respawn = time.monotonic() - killed
        wait_for(lambda: publishes(args.nginx_log, args.stream) > sessions)
        republish = time.monotonic() - killed
        respawns.append(respawn)
        republishes.append(republish)
        print(f"kill {kill}: new worker after {respawn * 1000:.0f} ms, republished at nginx after {republish * 1000:.0f} ms")
        time.sleep(1)
    print(f"new worker: median {statistics.median(respawns) * 1000:.0f} ms, max {max(respawns) * 1000:.0f} ms")
    print(f"republished: median {statistics.median(republishes) * 1000:.0f} ms, max {max(republishes) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
