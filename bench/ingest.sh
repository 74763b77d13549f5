#!/usr/bin/env bash
# RTMP ingest benchmark: N ffmpeg publishers push one looped 720p30 ~3 Mb/s H.264 + AAC FLV
# in real time to an ingest that relays every stream on to a second nginx-rtmp ("nginx #2",
# app `relayed`: live only, no HLS, no recording). Two runs, one after the other, with the
# same input, publishers and nginx #2:
#   1. `relaygate run` with `ingest:` and N static routes (rtmp source key k<i>, passthrough,
#      output rtmp://…nginx2/relayed/cam<i>);
#   2. nginx-rtmp as the ingest ("nginx #1": `live on; push rtmp://…nginx2/relayed;`).
# Once all N streams publish at nginx #2, after a warm-up, it measures the ingest side only
# (relaygate's supervisor and workers; nginx #1's master and worker) for SECONDS: CPU from
# /proc/PID/stat, PSS and RSS from /proc/PID/smaps_rollup (bench/proc_usage.py), and fails
# unless every stream kept arriving at nginx #2 at ≥ 75 % of the input's bitrate.
#   usage: bench/ingest.sh [N=50] [SECONDS=60]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50}
seconds=${2:-60}
warmup=10
. bench/lib.sh
bench_setup ingest "application relayed { live on; record off; }"
stat_url="http://127.0.0.1:$http_port/stat"
measure=(python3 bench/proc_usage.py measure --stat "$stat_url" --app relayed --n "$n" --warmup "$warmup" --seconds "$seconds")

input="$work/input.flv"
ffmpeg -hide_banner -nostdin -loglevel error -y \
  -f lavfi -i "testsrc2=size=1280x720:rate=30" -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 60 \
  -c:v libx264 -preset veryfast -g 60 -keyint_min 60 -sc_threshold 0 -b:v 3000k -maxrate 3000k -bufsize 3000k \
  -x264-params nal-hrd=cbr -pix_fmt yuv420p -c:a aac -b:a 128k -f flv "$input"
bitrate=$(ffprobe -v error -show_entries format=bit_rate -of csv=p=0 "$input")

# N publishers, the same for both runs: publish RUN URL_PREFIX → URL_PREFIX1 … URL_PREFIX<N>.
publishers=()
publish() {
  publishers=()
  for i in $(seq 1 "$n"); do
    ffmpeg -hide_banner -nostdin -loglevel error -re -stream_loop -1 -i "$input" -c copy \
      -f flv -flvflags no_duration_filesize "$2$i" >"$work/$1-publisher-$i.log" 2>&1 &
    publishers+=($!)
    pids+=($!)
  done
}
stop() { kill "$@" 2>/dev/null || true; wait "$@" 2>/dev/null || true; }
# Stops the publishers (before the ingest, so that they log only errors of the run itself).
stop_publishers() {
  stop "${publishers[@]}"
  for i in $(seq 1 "$n"); do
    if [ -s "$work/$1-publisher-$i.log" ]; then echo "$1 publisher $i: $(tail -n 1 "$work/$1-publisher-$i.log")" >&2; fi
  done
}
# The ffprobe verdict on one relayed stream at nginx #2, e.g. "h264 1280x720, aac".
probe() {
  timeout 30 ffprobe -v error -show_entries stream=codec_name,width,height -of csv=p=0 \
    "rtmp://127.0.0.1:$rtmp_port/relayed/$1" | sed 's/,*$//' | paste -sd ' '
}

echo "N=$n, warm-up ${warmup}s, ${seconds}s measured; input 720p30 H.264 + AAC, $((bitrate / 1000)) kb/s; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# 1. relaygate
ingest_port=$(free_port)
conf="$work/relaygate"
mkdir -p "$conf/conf.d"
printf 'log_level: warning\nstats_interval: 1h\ningest:\n  listen: 127.0.0.1:%s\n' "$ingest_port" >"$conf/relaygate.yaml"
printf 'platforms:\n  nginx2:\n    type: rtmp\n    url: "rtmp://127.0.0.1:%s/relayed/{channel}"\n' "$rtmp_port" \
  >"$conf/conf.d/20-platforms.yaml"
{
  echo "routes:"
  for i in $(seq 1 "$n"); do
    printf '  cam%d:\n    channel: cam%d\n    source: { type: rtmp, key: "k%d" }\n    profile: passthrough\n    outputs: [nginx2]\n' \
      "$i" "$i" "$i"
  done
} >"$conf/conf.d/30-routes.yaml"
"$bin" run --config "$conf" 2>"$work/relaygate.log" &
gateway=$!
pids+=("$gateway")
# Publishers only once every relay has its worker (a key not yet claimed is refused).
python3 bench/proc_usage.py wait --root "$gateway" --members $((n + 1)) --port "$ingest_port"
publish relaygate "rtmp://127.0.0.1:$ingest_port/live/k"
"${measure[@]}" --name relaygate --root "$gateway" --members $((n + 1)) --streams 'cam{i}' --bitrate "$bitrate" \
  >"$work/relaygate.json" || { tail -n 20 "$work/relaygate.log" >&2; exit 1; }
echo "relaygate: nginx #2 serves cam1 as: $(probe cam1)" >&2
stop_publishers relaygate
stop "$gateway"
if [ -s "$work/relaygate.log" ]; then
  echo "relaygate log (warning and above), $(wc -l <"$work/relaygate.log") lines:" >&2
  head -n 10 "$work/relaygate.log" >&2
fi

# 2. nginx-rtmp as the ingest
nginx1_rtmp=$(free_port)
nginx1_http=$(free_port)
nginx_start "$work/nginx1" "$nginx1_rtmp" "$nginx1_http" \
  "application ingest { live on; record off; push rtmp://127.0.0.1:$rtmp_port/relayed; }"
for _ in $(seq 50); do [ -s "$work/nginx1/nginx.pid" ] && break; sleep 0.1; done
master=$(cat "$work/nginx1/nginx.pid")
python3 bench/proc_usage.py wait --root "$master" --members 2 --port "$nginx1_rtmp"
# The master, its worker, and nginx's cache manager (idle here, but one of its processes).
members=$((1 + $(pgrep -c -P "$master")))
publish nginx "rtmp://127.0.0.1:$nginx1_rtmp/ingest/k"
"${measure[@]}" --name nginx-rtmp --root "$master" --members "$members" --streams 'k{i}' --bitrate "$bitrate" >"$work/nginx.json"
echo "nginx-rtmp: nginx #2 serves k1 as: $(probe k1)" >&2
stop_publishers nginx
nginx_stop "$work/nginx1"

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 bench/proc_usage.py table "$work/relaygate.json" "$work/nginx.json"
