#!/usr/bin/env bash
# Real-time pace: a looped 2 s file (640x360@25 H.264 + AAC, as in the relay tests) relayed
# at real-time pace for SECONDS of wall time into a private nginx-rtmp that records it —
# `relaygate relay IN rtmp://…/rec/rg --realtime true --loop --duration <SECONDS>s` side by
# side with `ffmpeg -re -stream_loop -1 -i IN -c copy -f flv rtmp://…/rec/ff` (stopped with
# SIGINT after SECONDS), one after the other, ROUNDS times alternating which goes first.
# Prints, per run, the wall time of the process and the media time nginx recorded (first to
# last video timestamp): a relay that keeps real time delivers media/wall ≈ 1 (a little
# less: start-up), one that falls behind less, one that does not pace far more.
#   usage: bench/realtime.sh [SECONDS=30] [ROUNDS=2]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
rounds=${2:-2}
. bench/lib.sh
bench_setup realtime

input="$work/input.flv"
ffmpeg -hide_banner -nostdin -loglevel error -y \
  -f lavfi -i "testsrc2=size=640x360:rate=25" -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 2 \
  -c:v libx264 -preset ultrafast -g 25 -keyint_min 25 -sc_threshold 0 -bf 0 -pix_fmt yuv420p \
  -c:a aac -b:a 128k "$input"

run() {  # NAME ROUND CMD…: runs CMD, prints NAME, wall seconds, recorded media seconds
  local name=$1 round=$2
  shift 2
  local start end
  start=$(date +%s.%N)
  "$@" >"$work/$name-$round.log" 2>&1 || true
  end=$(date +%s.%N)
  local media
  media=$(ffprobe -v error -select_streams v:0 -show_entries packet=dts_time -of csv=p=0 \
    "$work/nginx/rec/$name$round.flv" | awk 'NR == 1 { first = $1 } { last = $1 } END { printf "%.3f", last - first }')
  python3 -c "import sys; w = float(sys.argv[3]) - float(sys.argv[2]); m = float(sys.argv[4]); \
print(f'{sys.argv[1]:10} round {sys.argv[5]}: wall {w:7.3f} s, media {m:7.3f} s, media/wall {m / w:.4f}')" \
    "$name" "$start" "$end" "$media" "$round"
}

relay() { run relaygate "$1" "$bin" relay "$input" "rtmp://127.0.0.1:$rtmp_port/rec/relaygate$1" \
  --realtime true --loop --duration "${seconds}s" --log-level warning; }
cli() { run ffmpeg "$1" timeout -s INT "$seconds" ffmpeg -hide_banner -nostdin -loglevel error -re -stream_loop -1 \
  -i "$input" -c copy -f flv -flvflags no_duration_filesize "rtmp://127.0.0.1:$rtmp_port/rec/ffmpeg$1"; }

echo "${seconds}s of wall time per run, ${rounds} rounds, looped 2 s 640x360@25 H.264 + AAC input" >&2
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then relay "$round"; cli "$round"; else cli "$round"; relay "$round"; fi
done
