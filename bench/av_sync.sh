#!/usr/bin/env bash
# A/V sync soak: a live publisher (the ffmpeg CLI, real time) sends a white flash on every
# whole second of video and a 100 ms beep on every whole second of audio (44.1 kHz, so
# relaygate must resample) into nginx-rtmp; `relaygate relay` transcodes it to the 480p
# profile and pushes it back; two ffmpeg viewers record the source and relaygate's output.
# For each recording, every beep is paired with its flash: the script prints the A/V
# offset in the first and last minute and the drift between them.
#   usage: bench/av_sync.sh [SECONDS=600]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
. bench/lib.sh
bench_setup avsync
rtmp="rtmp://127.0.0.1:$rtmp_port/live"

ffmpeg -hide_banner -nostdin -loglevel error -re \
  -f lavfi -i "color=c=black:s=640x360:r=25,drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='eq(mod(n\,25)\,0)'" \
  -f lavfi -i "aevalsrc=0.8*sin(2*PI*1000*t)*lt(mod(t\,1)\,0.1):s=44100" -t "$((seconds + 10))" \
  -c:v libx264 -preset veryfast -tune zerolatency -g 50 -pix_fmt yuv420p -c:a aac -b:a 128k -ar 44100 \
  -f flv "$rtmp/source" 2>"$work/publisher.log" &
pids+=($!)
sleep 2
"$bin" relay "$rtmp/source" "$rtmp/output" --profile 480p --duration "$((seconds + 5))s" --log-level warning \
  2>"$work/relaygate.log" &
pids+=($!)
sleep 2
for name in source output; do
  timeout -s INT "$seconds" ffmpeg -hide_banner -nostdin -loglevel error -i "$rtmp/$name" -c copy \
    -f flv "$work/$name.flv" 2>"$work/rec-$name.log" &
  pids+=($!)
done
echo "recording ${seconds}s of source and output (started $(date -u +%H:%M:%S) UTC)" >&2
sleep "$((seconds + 3))"

python3 - "$work/source.flv" "$work/output.flv" <<'PY'
import re, subprocess, sys

def events(path):
    """(beep onsets, flash times) in the recording's own timestamps (s)."""
    out = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-copyts", "-i", path,
         "-filter_complex", "[0:a]silencedetect=n=-40dB:d=0.3[a];"
         "[0:v]signalstats,metadata=print:key=lavfi.signalstats.YAVG[v]",
         "-map", "[a]", "-map", "[v]", "-f", "null", "-"],
        capture_output=True, text=True).stderr
    beeps = [float(m) for m in re.findall(r"silence_end: ([0-9.]+)", out)]
    flashes, t = [], None
    for line in out.splitlines():
        m = re.search(r"pts_time:([0-9.]+)", line)
        if m:
            t = float(m.group(1))
        m = re.search(r"YAVG=([0-9.]+)", line)
        if m and t is not None and float(m.group(1)) > 128:
            flashes.append(t)
    return beeps[:-1], flashes  # the last silence_end is the end of the input

def offsets(path):
    beeps, flashes = events(path)
    pairs = []
    for b in beeps:
        f = min(flashes, key=lambda f: abs(f - b), default=None)
        if f is not None and abs(f - b) < 0.5:
            pairs.append((f, (b - f) * 1000))
    return pairs

def mean(xs):
    return sum(xs) / len(xs) if xs else float("nan")

print(f"{'':8} {'pairs':>6} {'first min (ms)':>15} {'last min (ms)':>14} {'drift (ms)':>11} {'max |offset|':>13}")
for name, path in zip(["source", "output"], sys.argv[1:]):
    pairs = offsets(path)
    if not pairs:
        print(f"{name:8} no beep/flash pairs found"); continue
    t0, t1 = pairs[0][0], pairs[-1][0]
    first = mean([o for t, o in pairs if t < t0 + 60])
    last = mean([o for t, o in pairs if t > t1 - 60])
    print(f"{name:8} {len(pairs):6d} {first:15.1f} {last:14.1f} {last - first:11.1f} {max(abs(o) for _, o in pairs):13.1f}"
          f"   over {t1 - t0:.0f} s")
PY
