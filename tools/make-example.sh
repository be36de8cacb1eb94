#!/usr/bin/env bash
# Makes fixtures/example/dialogue.wav (and dialogue.rttm, who speaks when): a short dialogue between a woman (flite voice slt) and a
# man (flite voice rms), 16 kHz mono 16-bit, with a little room reverb and level variation so
# that it sounds less like a clean lab recording. Needs flite and sox:
#   apt-get install -y flite sox
# The output depends only on the flite and sox versions (no random draws).
set -euo pipefail
cd "$(dirname "$0")/.."

out=fixtures/example/dialogue.wav
command -v flite >/dev/null || { echo "flite not found: apt-get install -y flite" >&2; exit 1; }
command -v sox >/dev/null || { echo "sox not found: apt-get install -y sox" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# voice|gain dB|pause after, s|text. Keep in step with fixtures/example/README.md.
lines=(
  "slt|0|0.6|Good morning. Did you see the film at the festival last night?"
  "rms|-3|0.5|I did. The opening scene was long, but the music was wonderful."
  "slt|-2|0.7|I thought the two sisters were the best part. They talked about everything except the men."
  "rms|0|0.4|That is rare. Most films I watch barely let the women speak at all."
  "slt|-1|0.6|That is why we count the voices. How many women and how many men speak, and for how long."
  "rms|-4|0.5|Then let us count this conversation too. One woman, one man."
  "slt|0|0|Exactly. And the program needs only a few seconds for it."
)

parts=()
rttm=()
t=0.3 # the leading pad added below
i=0
for line in "${lines[@]}"; do
  IFS='|' read -r voice gain pause text <<<"$line"
  i=$((i + 1))
  flite -voice "$voice" -t "$text" -o "$tmp/raw$i.wav"
  sox -D "$tmp/raw$i.wav" -r 16000 -c 1 -b 16 "$tmp/part$i.wav" gain "$gain" pad 0 "$pause"
  parts+=("$tmp/part$i.wav")
  dur=$(soxi -D "$tmp/raw$i.wav")
  who=$([ "$voice" = slt ] && echo woman || echo man)
  rttm+=("$(printf 'SPEAKER dialogue 1 %.3f %.3f <NA> <NA> %s <NA> <NA>' "$t" "$dur" "$who")")
  t=$(awk -v a="$t" -v b="$dur" -v c="$pause" 'BEGIN { print a + b + c }')
done

mkdir -p "$(dirname "$out")"
# Small room (reverb 20 %, short pre-delay), then normalise to -3 dBFS peak; dither off (-D) so
# that the file is reproducible.
sox -D "${parts[@]}" -r 16000 -c 1 -b 16 "$tmp/dry.wav"
sox -D "$tmp/dry.wav" -b 16 "$out" reverb 20 50 40 100 5 pad 0.3 0.3 gain -n -3
# Who speaks when (each line's span as flite made it, so with its own short edge silences).
printf '%s\n' "${rttm[@]}" >"${out%.wav}.rttm"
soxi "$out" | grep -E 'Duration|Sample Rate|Channels'
