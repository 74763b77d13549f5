#!/usr/bin/env bash
# Passthrough benchmark: N relays of one 720p30 ~3 Mb/s H.264 + AAC input read at real-time
# pace, pushed to a local nginx-rtmp — first N `relaygate relay` processes, then N
# `ffmpeg -re -i IN -c copy -f flv OUT` processes, same input, same nginx, same duration.
# Prints CPU seconds per stream-second and peak RSS per stream for both, and their ratio.
#   usage: bench/passthrough.sh [N=4] [SECONDS=60]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-4}
seconds=${2:-60}
. bench/lib.sh
bench_setup bench

input="$work/input.mp4"
ffmpeg -hide_banner -nostdin -loglevel error -y \
  -f lavfi -i "testsrc2=size=1280x720:rate=30" -f lavfi -i "sine=frequency=440:sample_rate=48000" -t $((seconds + 5)) \
  -c:v libx264 -preset veryfast -g 60 -keyint_min 60 -sc_threshold 0 -b:v 3000k -maxrate 3000k -bufsize 3000k \
  -pix_fmt yuv420p -c:a aac -b:a 128k "$input"

echo "N=$n, ${seconds}s each, input 720p30 ~3 Mb/s H.264 + AAC (real-time pace)" >&2
relay=$(python3 bench/run_batch.py relaygate "$n" "$seconds" -- "$bin" relay "$input" "rtmp://127.0.0.1:$rtmp_port/live/rg{i}" \
  --realtime true --duration "${seconds}s" --log-level warning)
ffmpeg_=$(python3 bench/run_batch.py ffmpeg "$n" "$seconds" -- timeout -s INT "$seconds" ffmpeg -hide_banner -nostdin -loglevel error -re -i "$input" \
  -c copy -f flv -flvflags no_duration_filesize "rtmp://127.0.0.1:$rtmp_port/live/ff{i}")
python3 - "$relay" "$ffmpeg_" <<'PY'
import sys
rows = [line.split("\t") for line in sys.argv[1:]]
print(f"{'':10} {'CPU s / stream-s':>17} {'peak RSS MiB':>13} {'mean RSS MiB':>13} {'failed':>7}")
for name, cpu, peak, mean, bad in rows:
    print(f"{name:10} {float(cpu):17.5f} {float(peak):13.1f} {float(mean):13.1f} {bad:>7}")
ratio = float(rows[0][1]) / float(rows[1][1])
print(f"relaygate / ffmpeg CPU ratio: {ratio:.2f}")
PY
