#!/usr/bin/env bash
# Installs the Debian 12 packages relaygate builds and tests with. Idempotent; needs root
# (or sudo). The Swift toolchain itself is expected at /opt/swift or on PATH.
set -euo pipefail

packages=(
  pkg-config ca-certificates curl procps openssl
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev
  libyaml-dev zlib1g-dev
  libpq-dev postgresql
  ffmpeg nginx libnginx-mod-rtmp
  libnginx-mod-stream  # tests: nginx's TLS in front of nginx-rtmp, the rtmps peer
  python3 python3-pip  # tests: the fake AWS IVS (moto, below)
)

# The fake AWS IVS for tests (Tests/FakeIVS/fake_ivs.py): moto's IVS backend behind a front
# that checks SigV4 signatures with botocore. Pinned: the fake relies on moto's IVS models.
# Debian 12's own python3 refuses pip installs outside a venv unless told (PEP 668).
install_moto() {
  python3 -c 'import moto.server, botocore, flask, werkzeug' 2>/dev/null && return 0
  echo "installing: moto[server]==5.2.1 (pip)" >&2
  python3 -m pip install --quiet 'moto[server]==5.2.1' \
    || python3 -m pip install --quiet --break-system-packages 'moto[server]==5.2.1'
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  install_moto
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}" >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
# The Debian nginx package starts a system nginx on port 80; tests and the demo run their
# own instances, so leave it alone but make sure it is not what we talk to.
# Likewise the postgresql package creates and starts a cluster on port 5432: tests start
# their own PostgreSQL 15 (/usr/lib/postgresql/15/bin) on free ports and never use it.
install_moto
