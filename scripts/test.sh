#!/usr/bin/env bash
# The test command: installs what is missing, builds, runs every test against real
# libav*, nginx-rtmp, ffmpeg and ffprobe. Each test starts its own nginx on free ports.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
export PATH="/opt/swift/usr/bin:$PATH"
swift build --build-tests
# One test at a time: the integration tests run real encoders and a 2-core CI machine
# should not have them compete for CPU.
swift test --skip-build --no-parallel
