"""CPU and memory of a running process group, measured while its streams demonstrably flow.

A group is a root process (relaygate's supervisor, nginx's master), its descendants, and
every process whose command line has `--supervisor-pid ROOT` (relaygate's workers).

usage:
  proc_usage.py wait --root PID --members K [--port PORT] [--timeout S]
      until PORT accepts connections and the group has K processes (fails if ROOT dies)
  proc_usage.py measure --name NAME --root PID --members K --stat URL --app APP
                        --streams 'cam{i}' --n N --bitrate BITS_PER_S [--warmup 10] --seconds S
      waits until all N streams (names from --streams, i = 1..N) publish in APP of the
      nginx-rtmp whose /stat is at URL, waits --warmup seconds, then over --seconds takes
      utime+stime deltas from /proc/PID/stat and PSS/RSS from /proc/PID/smaps_rollup (every
      5 s; the total once a minute on stderr, to show growth) of the group, and checks that
      every stream received at least 75 % of BITRATE. Prints one JSON line (CPU also split
      into user time); exits 1 if a stream is missing or slow, or the group changed.
  proc_usage.py table FILE...
      the JSON lines of `measure` as a Markdown table
"""
import argparse
import json
import os
import socket
import statistics
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET

TICK = os.sysconf("SC_CLK_TCK")
MEMORY_EVERY = 5.0


def log(message):
    print(message, file=sys.stderr, flush=True)


def fail(message):
    log(f"FAIL: {message}")
    sys.exit(1)


def stat_fields(pid):
    """Fields of /proc/PID/stat after the command name: [state, ppid, …]."""
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def cpu_ticks(pid):
    """(utime, stime, start time): the start time tells a reused pid apart."""
    fields = stat_fields(pid)
    return int(fields[11]), int(fields[12]), int(fields[19])


def group(root):
    """Pids of ROOT, its descendants, and processes started with `--supervisor-pid ROOT`."""
    parents, members = {}, {root}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        try:
            parents[pid] = int(stat_fields(pid)[1])
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except (FileNotFoundError, ProcessLookupError):
            continue
        for flag, value in zip(argv, argv[1:]):
            if flag == b"--supervisor-pid" and value == str(root).encode():
                members.add(pid)
    grew = True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in members}
        grew = not children <= members
        members |= children
    return members


def alive(pid):
    try:
        return stat_fields(pid)[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


def memory(pid):
    """(PSS, RSS) in KiB from /proc/PID/smaps_rollup."""
    values = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if parts[0] in ("Pss:", "Rss:"):
                values[parts[0]] = int(parts[1])
    return values["Pss:"], values["Rss:"]


def streams(url, app):
    """{name: bytes_in} of the streams being published in APP."""
    with urllib.request.urlopen(url, timeout=5) as response:
        tree = ET.fromstring(response.read())
    result = {}
    for application in tree.iter("application"):
        if application.findtext("name") != app:
            continue
        for stream in application.iter("stream"):
            if stream.find("publishing") is not None:
                result[stream.findtext("name")] = int(stream.findtext("bytes_in") or 0)
    return result


def wait(args):
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        if not alive(args.root):
            fail(f"process {args.root} ended")
        listening = True
        if args.port:
            with socket.socket() as s:
                listening = s.connect_ex(("127.0.0.1", args.port)) == 0
        count = len(group(args.root))
        if listening and count >= args.members:
            return
        time.sleep(0.2)
    fail(f"after {args.timeout} s: port {args.port} listening: {listening}, {count} of {args.members} processes")


def measure(args):
    expected = [args.streams.replace("{i}", str(i)) for i in range(1, args.n + 1)]
    deadline = time.monotonic() + 60 + args.n
    while True:
        if not alive(args.root):
            fail(f"{args.name}: process {args.root} ended")
        missing = sorted(set(expected) - set(streams(args.stat, args.app)))
        if not missing:
            break
        if time.monotonic() > deadline:
            fail(f"{args.name}: {len(missing)} of {args.n} streams never arrived: {' '.join(missing[:10])}")
        time.sleep(1)
    log(f"{args.name}: all {args.n} streams arrived; warming up {args.warmup:g} s, then measuring {args.seconds:g} s")
    time.sleep(args.warmup)

    members = group(args.root)
    if len(members) != args.members:
        fail(f"{args.name}: {len(members)} processes, expected {args.members}")
    before = {pid: cpu_ticks(pid) for pid in members}
    bytes_before = streams(args.stat, args.app)
    start = time.monotonic()
    samples = []  # per sample: {pid: (pss, rss)}
    while True:
        samples.append({pid: memory(pid) for pid in members})
        if len(samples) % round(60 / MEMORY_EVERY) == 1:  # memory growth, once a minute
            pss = [sum(sample[pid][0] for pid in members) / 1024 for sample in (samples[0], samples[-1])]
            log(f"{args.name}: {time.monotonic() - start:4.0f} s: PSS {pss[1]:.1f} MiB ({pss[1] - pss[0]:+.1f}), "
                f"of which pid {args.root} (supervisor or master) {samples[-1][args.root][0] / 1024:.1f} MiB")
        left = start + args.seconds - time.monotonic()
        if left <= 0:
            break
        time.sleep(min(MEMORY_EVERY, left))
    after = {pid: cpu_ticks(pid) for pid in members}
    elapsed = time.monotonic() - start
    bytes_after = streams(args.stat, args.app)

    if group(args.root) != members or any(after[pid][2] != before[pid][2] for pid in members):
        fail(f"{args.name}: processes ended or started while measuring (a worker restarted?)")
    rates = []
    for name in expected:
        if name not in bytes_after or name not in bytes_before:
            fail(f"{args.name}: stream {name} stopped publishing while measuring")
        rates.append((bytes_after[name] - bytes_before[name]) * 8 / elapsed)
    slow = [(name, rate) for name, rate in zip(expected, rates) if rate < 0.75 * args.bitrate]
    if slow:
        fail(f"{args.name}: {len(slow)} streams below 75 % of {args.bitrate / 1000:.0f} kb/s, e.g. "
             + ", ".join(f"{name} {rate / 1000:.0f} kb/s" for name, rate in slow[:5]))

    def mean_kib(pids, which):
        return statistics.mean(sum(sample[pid][which] for pid in pids) for sample in samples)

    def cpu_s(pids, which=(0, 1)):
        return sum(after[p][i] - before[p][i] for p in pids for i in which) / TICK

    root = {args.root}
    result = {
        "name": args.name, "n": args.n, "seconds": round(elapsed, 2), "processes": len(members),
        "cpu_s": cpu_s(members), "cpu_root_s": cpu_s(root),
        "cpu_user_s": cpu_s(members, (0,)), "cpu_root_user_s": cpu_s(root, (0,)),
        "pss_mib": mean_kib(members, 0) / 1024, "rss_mib": mean_kib(members, 1) / 1024,
        "pss_root_mib": mean_kib(root, 0) / 1024, "rss_root_mib": mean_kib(root, 1) / 1024,
        "pss_first_mib": sum(samples[0][p][0] for p in members) / 1024,
        "pss_last_mib": sum(samples[-1][p][0] for p in members) / 1024,
        "pss_root_first_mib": samples[0][args.root][0] / 1024, "pss_root_last_mib": samples[-1][args.root][0] / 1024,
        "received_kbps_min": min(rates) / 1000, "received_kbps_median": statistics.median(rates) / 1000,
    }
    print(json.dumps(result))


def table(args):
    runs = [json.loads(line) for path in args.files for line in open(path) if line.strip()]
    print("| | processes | CPU s / stream-s | % of a core per stream | CPU total, % of a core (user share) "
          "| PSS per stream | PSS total | RSS per stream | RSS total | PSS total, first → last sample |")
    print("|---|---|---|---|---|---|---|---|---|---|")

    def row(label, processes, cpu, user, pss, rss, n, seconds, growth):
        per_stream = cpu / (n * seconds)
        print(f"| {label} | {processes} | {per_stream:.5f} | {per_stream * 100:.2f} % | {cpu / seconds * 100:.1f} % "
              f"({user / cpu * 100:.0f} % user) | {pss / n:.1f} MiB | {pss:.0f} MiB | {rss / n:.1f} MiB | {rss:.0f} MiB "
              f"| {growth[0]:.1f} → {growth[1]:.1f} MiB |")

    for run in runs:
        n, seconds = run["n"], run["seconds"]
        row(f"**{run['name']}**", run["processes"], run["cpu_s"], run["cpu_user_s"], run["pss_mib"], run["rss_mib"], n,
            seconds, (run["pss_first_mib"], run["pss_last_mib"]))
        if run["name"] == "relaygate":  # the supervisor (ingest server) and the workers apart
            root = (run["pss_root_first_mib"], run["pss_root_last_mib"])
            row("↳ supervisor (ingest server)", 1, run["cpu_root_s"], run["cpu_root_user_s"], run["pss_root_mib"],
                run["rss_root_mib"], n, seconds, root)
            row("↳ workers", run["processes"] - 1, run["cpu_s"] - run["cpu_root_s"],
                run["cpu_user_s"] - run["cpu_root_user_s"], run["pss_mib"] - run["pss_root_mib"],
                run["rss_mib"] - run["rss_root_mib"], n, seconds,
                (run["pss_first_mib"] - root[0], run["pss_last_mib"] - root[1]))
    if len(runs) == 2:
        a, b = runs
        cpu = (a["cpu_s"] / a["seconds"]) / (b["cpu_s"] / b["seconds"])
        print(f"\n{a['name']} / {b['name']}: CPU {cpu:.1f}×, PSS {a['pss_mib'] / b['pss_mib']:.1f}×")
    for run in runs:
        print(f"{run['name']}: received per stream at nginx #2 {run['received_kbps_min']:.0f} kb/s min, "
              f"{run['received_kbps_median']:.0f} kb/s median over {run['seconds']:g} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("wait")
    p.add_argument("--root", type=int, required=True)
    p.add_argument("--members", type=int, required=True)
    p.add_argument("--port", type=int)
    p.add_argument("--timeout", type=float, default=120)
    p = commands.add_parser("measure")
    p.add_argument("--name", required=True)
    p.add_argument("--root", type=int, required=True)
    p.add_argument("--members", type=int, required=True)
    p.add_argument("--stat", required=True)
    p.add_argument("--app", required=True)
    p.add_argument("--streams", required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--bitrate", type=float, required=True)
    p.add_argument("--warmup", type=float, default=10)
    p.add_argument("--seconds", type=float, required=True)
    p = commands.add_parser("table")
    p.add_argument("files", nargs="+")
    args = parser.parse_args()
    {"wait": wait, "measure": measure, "table": table}[args.command](args)


if __name__ == "__main__":
    main()
