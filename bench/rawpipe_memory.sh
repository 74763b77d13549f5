#!/usr/bin/env bash
# Worker memory under a raw writer far faster than real time: `relaygate run` reads a rawpipe
# source (1280x720 yuv420p + s16le stereo from two FIFOs, clock CLOCK) and encodes it to the
# built-in 480p profile for nginx-rtmp, while ffmpeg writes a flat picture and a tone into the
# FIFOs as fast as they take it. It prints the worker's VmRSS every 3 s for SAMPLES samples
# and the last stats line's dropped_in (input the relay dropped to keep its pace).
#   usage: bench/rawpipe_memory.sh [CLOCK=declared|arrival] [SAMPLES=10]
set -euo pipefail
cd "$(dirname "$0")/.."
clock=${1:-declared}
samples=${2:-10}
. bench/lib.sh
bench_setup rawpipe

config="$work/config"
pipes="$work/pipes"
mkdir -p "$config/conf.d" "$pipes"
printf 'stats_interval: 1s\n' > "$config/relaygate.yaml"
cat > "$config/conf.d/30-routes.yaml" <<YAML
platforms:
  nginx: { type: rtmp, url: "rtmp://127.0.0.1:$rtmp_port/live/{channel}" }
routes:
  piped:
    channel: fast
    source:
      type: rawpipe
      video:
        path: $pipes/{channel}.yuv
        width: 1280
        height: 720
        fps: 30
      audio:
        path: $pipes/{channel}.pcm
        sample_rate: 48000
        channels: 2
      clock: $clock
    profile: 480p
    outputs: [nginx]
YAML
"$bin" run --config "$config" 2>"$work/relaygate.log" &
supervisor=$!
pids+=($supervisor)
# The FIFOs are relaygate's: a writer opening a missing path would make a regular file.
for _ in $(seq 1 300); do [ -p "$pipes/fast.yuv" ] && [ -p "$pipes/fast.pcm" ] && break; sleep 0.1; done
worker=$(pgrep -f -- "--supervisor-pid $supervisor " | head -1 || true)
[ -n "$worker" ] || { cat "$work/relaygate.log" >&2; exit 1; }
ffmpeg -hide_banner -nostdin -loglevel error -y -f lavfi -i "color=size=1280x720:rate=30" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000" \
  -map 0:v -f rawvideo -pix_fmt yuv420p "$pipes/fast.yuv" -map 1:a -f s16le -ac 2 -ar 48000 "$pipes/fast.pcm" \
  >"$work/writer.log" 2>&1 &
pids+=($!)
rss=()
for _ in $(seq 1 "$samples"); do
  sleep 3
  rss+=("$(awk '/^VmRSS:/ { print $2 }' "/proc/$worker/status")")
done
echo "clock $clock: worker VmRSS kB every 3 s: ${rss[*]}"
grep 'relay stats' "$work/relaygate.log" | tail -1 | grep -o 'dropped_in=[0-9]*' || echo "no dropped_in in the stats line"
