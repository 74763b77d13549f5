#!/usr/bin/env bash
# The demo: builds relaygate, starts a local nginx-rtmp that makes HLS, and runs the gateway
# with the shipped defaults (packaging/relaygate.yaml + conf.d/) plus one static demo route:
# the built-in synthetic seller (`testsrc`: moving bars, a burned-in UTC clock and frame
# counter, a tone with a beep each second) encoded to the built-in 720p profile. Prints the
# HLS URL once it decodes. Ctrl-C stops everything cleanly.
#   DEMO_SECONDS=N   stop by itself after N seconds (default: run until Ctrl-C)
#   RTMP_PORT, HTTP_PORT   nginx ports (default 1935 and 8080)
#   INGEST_PORT            relaygate's RTMP ingest (default 1936)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bash scripts/install-deps.sh
export PATH="/opt/swift/usr/bin:$PATH"
. scripts/lib/nginx.sh

rtmp_port=${RTMP_PORT:-1935}
http_port=${HTTP_PORT:-8080}
ingest_port=${INGEST_PORT:-1936}
work=$(mktemp -d /tmp/relaygate-demo.XXXXXX)
chmod 755 "$work"   # nginx workers (user nobody) must reach the HLS folder inside
gateway_pid=""
cleanup() {
  [ -n "$gateway_pid" ] && kill -TERM "$gateway_pid" 2>/dev/null && wait "$gateway_pid" 2>/dev/null || true
  nginx_stop "$work/nginx"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

echo "==> building relaygate (release)"
swift build -c release --product relaygate >/dev/null
bin="$root/.build/release/relaygate"

echo "==> starting nginx-rtmp on rtmp://127.0.0.1:$rtmp_port, HLS on http://127.0.0.1:$http_port/hls/"
nginx_start "$work/nginx" "$rtmp_port" "$http_port"

config="$work/config"
mkdir -p "$config"
cp packaging/relaygate.yaml "$config/relaygate.yaml"
# The shipped `sellers` route is pushed to: its ingest must not take nginx's port.
printf 'ingest:\n  listen: 127.0.0.1:%s\n' "$ingest_port" >> "$config/relaygate.yaml"
cp -r conf.d "$config/conf.d"
sed -i "s#rtmp://127.0.0.1:1935/live/#rtmp://127.0.0.1:$rtmp_port/live/#; s#http://127.0.0.1:8080/hls/#http://127.0.0.1:$http_port/hls/#" \
  "$config/conf.d/20-platforms.yaml"
cat > "$config/conf.d/90-demo.yaml" <<YAML
routes:
  demo:
    channel: demo
    source: { type: testsrc, width: 1280, height: 720, fps: 30 }
    profile: 720p
    outputs: [local]
YAML
"$bin" validate --config "$config"

echo "==> starting the gateway"
"$bin" run --config "$config" &
gateway_pid=$!

url="http://127.0.0.1:$http_port/hls/demo.m3u8"
for _ in $(seq 1 60); do
  if [ "$(curl -s "$url" | grep -c '\.ts')" -ge 2 ]; then break; fi
  sleep 1
done
ffprobe -v error -show_entries stream=codec_name,width,height,avg_frame_rate -of compact=p=0 "$url" | sort -u
# Proof that it plays: a player's worth of decoding, 3 s of the live playlist.
frames=$(ffmpeg -hide_banner -nostdin -loglevel error -i "$url" -t 3 -map 0:v -f null - -progress pipe:1 | awk -F= '/^frame=/{f=$2} END{print f}')
echo "decoded $frames video frames from the HLS playlist"
echo
echo "HLS: $url"
echo "(play it with: ffplay $url  — or any HLS player; Ctrl-C stops the demo)"
if [ -n "${DEMO_SECONDS:-}" ]; then
  sleep "$DEMO_SECONDS"
else
  wait "$gateway_pid"
fi
