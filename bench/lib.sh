# Shared by the benchmarks: dependencies, a release build, a scratch folder and a private
# nginx-rtmp on free ports. Source it from the repository root after `set -euo pipefail`.
#   bench_setup NAME [APPS] → $root, $bin (release relaygate; $RELAYGATE_BIN instead, if set,
#                        without building), $work (scratch, removed at exit
#                        unless KEEP is set), $rtmp_port and $http_port (nginx in $work/nginx,
#                        with APPS as in nginx_start); processes appended to $pids are killed
#                        at exit, and every nginx started in $work/nginx* is stopped.

. scripts/lib/nginx.sh

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

bench_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for prefix in "$work"/nginx*; do nginx_stop "$prefix"; done
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}

bench_setup() {
  root=$(pwd)
  bash scripts/install-deps.sh
  export PATH="/opt/swift/usr/bin:$PATH"
  work=$(mktemp -d "/tmp/relaygate-$1.XXXXXX")
  chmod 755 "$work"   # nginx workers (user nobody) must reach the folders inside
  pids=()
  trap bench_cleanup EXIT
  if [ -n "${RELAYGATE_BIN:-}" ]; then
    bin=$RELAYGATE_BIN
  else
    swift build -c release --product relaygate >/dev/null
    bin="$root/.build/release/relaygate"
  fi
  rtmp_port=$(free_port)
  http_port=$(free_port)
  nginx_start "$work/nginx" "$rtmp_port" "$http_port" "${2:-}"
}
