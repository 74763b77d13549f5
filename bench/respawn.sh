#!/usr/bin/env bash
# Worker respawn latency: `relaygate run` relays one stream to nginx-rtmp (app `live`); its
# worker is SIGKILLed K times, each time once its successor has published, and for each kill
# bench/respawn.py measures how long until (a) a new worker process runs and (b) nginx logs a
# new publish of the stream. The route restarts at once every time (backoff 0s..0s), so every
# kill measures an immediate restart (restart 1 of a real crash).
#   SOURCE=testsrc: the built-in test source through a small h264 profile (no input to open);
#   SOURCE=pull: an ffmpeg seller on nginx's `src/cam` (1 s GOP) pulled through passthrough,
#     so the new worker also waits for the live input's next keyframe.
#   usage: bench/respawn.sh [K=10] [SOURCE=testsrc|pull]
set -euo pipefail
cd "$(dirname "$0")/.."
k=${1:-10}
source_kind=${2:-testsrc}
. bench/lib.sh
bench_setup respawn "application src { live on; record off; }"

config="$work/config"
mkdir -p "$config/conf.d"
printf 'stats_interval: 1s\n' > "$config/relaygate.yaml"
if [ "$source_kind" = pull ]; then
  ffmpeg -hide_banner -nostdin -loglevel error -re -f lavfi -i "testsrc2=size=320x240:rate=25" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" -c:v libx264 -preset ultrafast -tune zerolatency -g 25 \
    -pix_fmt yuv420p -c:a aac -b:a 64k -f flv "rtmp://127.0.0.1:$rtmp_port/src/cam" >"$work/seller.log" 2>&1 &
  pids+=($!)
  sleep 2
  source="{ type: pull, url: \"rtmp://127.0.0.1:$rtmp_port/src/cam\" }"
  profile=passthrough
else
  source="{ type: testsrc, width: 320, height: 240, fps: 25, channels: 1 }"
  profile=tiny
fi
cat > "$config/conf.d/30-routes.yaml" <<YAML
profiles:
  tiny:
    type: h264
    video: { width: 320, height: 240, fps: 25, bitrate: 300k, gop: 1s, preset: ultrafast }
platforms:
  nginx: { type: rtmp, url: "rtmp://127.0.0.1:$rtmp_port/live/{channel}" }
routes:
  bench:
    channel: bench
    source: $source
    profile: $profile
    outputs: [nginx]
    restart: { backoff: 0s..0s, give_up_after: 1000 in 1m }
YAML
"$bin" run --config "$config" 2>"$work/relaygate.log" &
supervisor=$!
pids+=($supervisor)
python3 bench/respawn.py --supervisor "$supervisor" --nginx-log "$work/nginx/logs/error.log" --stream bench --kills "$k"
