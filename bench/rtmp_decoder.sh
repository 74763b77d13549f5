#!/usr/bin/env bash
# RTMP chunk decoder speed (release build): the largest message the ingest accepts (8 MiB)
# in the smallest chunks (128 bytes), and 100 kB video frames in 4096-byte chunks (what
# publishers send after relaygate's Set Chunk Size), each next to a plain copy of the same
# payload bytes into one growing buffer. The measurement lives in the test bundle
# (Tests/RTMPProtocolTests/RTMPChunkDecoderBenchmark.swift, run only with RELAYGATE_BENCH
# set) because RTMPProtocol is a library target with no executable of its own.
#   usage: bench/rtmp_decoder.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
# -enable-testing: the test targets use @testable import. (The release tree is then rebuilt
# without it by the other benchmarks: expect a long build either way.)
if ! log=$(swift build -c release --build-tests -Xswiftc -enable-testing 2>&1); then
  echo "$log" >&2
  exit 1
fi
RELAYGATE_BENCH=1 .build/release/relaygatePackageTests.xctest --testing-library swift-testing \
  --filter RTMPChunkDecoderBenchmark 2>&1 | grep '^RTMP decoder bench'
