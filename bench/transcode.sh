#!/usr/bin/env bash
# Transcode benchmark: relaygate's built-in 720p and 480p profiles against the ffmpeg CLI with
# identical x264, scaler and AAC settings, on one 1080p30 H.264 + AAC input read as fast as
# possible, both pushing FLV over RTMP to the same local nginx-rtmp (which records it).
# Rounds interleave the tools (and alternate which goes first), so whatever else loads this
# machine hits both alike. Prints the median CPU seconds per stream-second and peak RSS of
# each, their CPU ratio, and PSNR/SSIM of each output against the source scaled to its size.
#   usage: bench/transcode.sh [ROUNDS=3] [SECONDS=60]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
seconds=${2:-60}
. bench/lib.sh
bench_setup bench
rec="$work/nginx/rec"

# Moving pattern with fresh grain in every frame, so x264 has to work for its bitrate; FLV, as
# a seller's RTMP push carries it. The tone starts 1024 samples late so that AAC's priming frame
# lands at 0 and the video starts at 0 too: otherwise the muxer shifts the video to 21 ms, both
# tools repeat the first picture into the 0 slot, and outputs no longer match the source frame
# for frame.
input="$work/input.flv"
ffmpeg -hide_banner -nostdin -loglevel error -y \
  -f lavfi -i "testsrc2=size=1920x1080:rate=30,noise=alls=12:allf=t" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
  -af asetpts=PTS+1024 -t "$seconds" -c:v libx264 -preset ultrafast -g 60 -b:v 8000k -maxrate 8000k -bufsize 8000k -pix_fmt yuv420p \
  -c:a aac -b:a 128k -ac 2 "$input"

# The ffmpeg CLI doing what the built-in profile does (plugins/H264Transcoder, MediaEngine/Codec):
# one decoder thread (libavcodec's default, which relaygate keeps; the CLI would pick "auto"),
# bicubic swscale to the profile's size, constant 30 fps, libx264 with its default threads,
# veryfast/zerolatency/high, a closed 2 s GOP without scene cuts, CBR-like VBV of 1 s, AAC-LC
# 128k 48 kHz stereo.
frames() { ffprobe -v error -select_streams v -count_packets -show_entries stream=nb_read_packets -of csv=p=0 "$1"; }
run() { # TOOL PROFILE WIDTH HEIGHT BITRATE ROUND
  local url="rtmp://127.0.0.1:$rtmp_port/rec/$1-$2-$6" cmd
  if [ "$1" = relaygate ]; then
    cmd=("$bin" relay "$input" "$url" --profile "$2" --realtime false --log-level warning)
  else
    cmd=(ffmpeg -hide_banner -nostdin -loglevel error -threads 1 -i "$input" -map 0:v -map 0:a
      -vf "scale=$3:$4:flags=bicubic" -fps_mode cfr -r 30
      -c:v libx264 -preset veryfast -tune zerolatency -profile:v high -g 60 -keyint_min 60
      -x264-params keyint=60:min-keyint=60:scenecut=0:open-gop=0 -b:v "$5" -maxrate "$5" -bufsize "$5" -pix_fmt yuv420p
      -c:a aac -b:a 128k -ar 48000 -ac 2 -f flv -flvflags no_duration_filesize "$url")
  fi
  python3 bench/run_batch.py "$1" 1 "$seconds" -- "${cmd[@]}" | sed "s/^/$2\t$6\t/"
  sleep 1   # nginx closes the recording after the publisher disconnects
}

echo "input: 1080p30 ${seconds}s ($(frames "$input") frames) H.264 8 Mb/s + AAC; $rounds interleaved rounds; $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p')" >&2
results="$work/results.tsv"
for round in $(seq 1 "$rounds"); do
  for spec in "720p 1280 720 3000k" "480p 854 480 1200k"; do
    set -- $spec
    if [ $((round % 2)) -eq 1 ]; then order="relaygate ffmpeg"; else order="ffmpeg relaygate"; fi
    for tool in $order; do run "$tool" "$1" "$2" "$3" "$4" "$round" >> "$results"; done
  done
done

# Quality of the last round's outputs: each against the source scaled to its size (bicubic),
# frame n against frame n (the frame counts are printed: they must equal the source's).
quality() { # FILE WIDTH HEIGHT
  ffmpeg -hide_banner -nostdin -i "$1" -i "$input" -lavfi \
    "[0:v]setpts=N/(30*TB)[out];[1:v]scale=$2:$3:flags=bicubic,setpts=N/(30*TB),split[r1][r2];[out][r1]psnr[x];[x][r2]ssim" \
    -f null - 2>&1 | python3 -c '
import re, sys
text = sys.stdin.read()
found = [re.search(pattern, text) for pattern in (r"PSNR .*average:(\S+)", r"SSIM .*All:(\S+)")]
print("\t".join(m.group(1) if m else "?" for m in found))'
}
for spec in "720p 1280 720" "480p 854 480"; do
  set -- $spec
  for tool in relaygate ffmpeg; do
    file="$rec/$tool-$1-$rounds.flv"
    printf '%s\t%s\t%s\t%s\n' "$1" "$tool" "$(frames "$file")" "$(quality "$file" "$2" "$3")" >> "$work/quality.tsv"
  done
done

python3 - "$results" "$work/quality.tsv" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    profile, _round, tool, cpu, peak, _mean, failed = line.rstrip("\n").split("\t")
    if failed != "0":
        sys.exit(f"a {tool} {profile} run failed; see /tmp/bench-{tool}-1.log")
    runs.setdefault((profile, tool), []).append((float(cpu), float(peak)))
quality = {}
for line in open(sys.argv[2]):
    profile, tool, frames, psnr, ssim = line.rstrip("\n").split("\t")
    quality[(profile, tool)] = (frames, psnr, ssim)
print(f"{'profile':8} {'tool':10} {'CPU s/stream-s':>15} {'peak RSS MiB':>13} {'frames':>7} {'PSNR dB':>8} {'SSIM':>9}  (median of {len(runs[('720p', 'relaygate')])} rounds)")
for profile in ("720p", "480p"):
    med = {}
    for tool in ("relaygate", "ffmpeg"):
        cpus, peaks = zip(*runs[(profile, tool)])
        med[tool] = statistics.median(cpus)
        frames, psnr, ssim = quality[(profile, tool)]
        print(f"{profile:8} {tool:10} {med[tool]:15.4f} {statistics.median(peaks):13.1f} {frames:>7} {psnr:>8} {ssim:>9}"
              f"   runs: {' '.join(f'{c:.4f}' for c in cpus)}")
    print(f"{profile:8} relaygate / ffmpeg CPU ratio: {med['relaygate'] / med['ffmpeg']:.3f}")
PY
