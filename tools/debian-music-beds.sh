#!/usr/bin/env bash
# Music beds that ../shared/data never holds, from Debian packages (GPL-2+ game soundtracks, used
# for training and held-out evaluation only, never shipped): each Ogg track decoded to a 16 kHz
# mono 16-bit WAV, the format tools/simulate-conversations.ts --beds-dir reads.
#   wesnoth  wesnoth-1.16-music, 40 orchestral tracks: the beds the segmentation model is fine-tuned
#            over (tools/train_segmentation.py)
#   hyperrogue  hyperrogue-music, 14 tracks (3 of its 17 Ogg files do not decode): the beds of the
#            held-out set film-test-newbeds, which nothing in the project was chosen on
# Usage: tools/debian-music-beds.sh wesnoth|hyperrogue OUT_DIR   (needs the package and ffmpeg)
set -euo pipefail
which=${1:?usage: $0 wesnoth|hyperrogue OUT_DIR}
out=${2:?usage: $0 wesnoth|hyperrogue OUT_DIR}
case "$which" in
  wesnoth) pkg=wesnoth-1.16-music; src=/usr/share/games/wesnoth/1.16/data/core/music ;;
  hyperrogue) pkg=hyperrogue-music; src=/usr/share/hyperrogue/music ;;
  *) echo "expected wesnoth or hyperrogue, received $which" >&2; exit 2 ;;
esac
[ -d "$src" ] || { echo "$src not found: apt-get install -y --no-install-recommends $pkg" >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "ffmpeg not found: apt-get install -y ffmpeg" >&2; exit 1; }
mkdir -p "$out"
n=0
for f in "$src"/*.ogg; do
  name=$(basename "$f" .ogg)
  [ "$name" = silence ] && continue # wesnoth's silence.ogg holds no music
  if ffmpeg -loglevel error -y -i "$f" -ac 1 -ar 16000 -c:a pcm_s16le "$out/$which-$name.wav" 2>/dev/null; then
    n=$((n + 1))
  else
    rm -f "$out/$which-$name.wav"
    echo "skipped $f: ffmpeg cannot decode it" >&2
  fi
done
echo "wrote $n beds to $out"
