#!/bin/sh
# Rebuild native/dsp.wasm from native/dsp.c. Deterministic for a given clang/lld version:
# fixed flags, no debug info, paths mapped away, no build ids or timestamps.
# The toolchain version used is recorded in native/dsp.wasm.toolchain so the equality test
# only compares binaries built by the same compiler. Needs: clang, lld (see ci-deps.sh).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="${1:-$here/dsp.wasm}"
CLANG="${CLANG:-clang}"
cd "$here"
"$CLANG" --target=wasm32-unknown-unknown -std=c11 -O3 -msimd128 -ffreestanding -nostdlib \
  -fno-builtin-memset -fno-builtin-memcpy \
  -Wall -Wextra -Werror -Wno-unused-parameter \
  -g0 -ffile-prefix-map="$here"=native -fdebug-prefix-map="$here"=native \
  -Wl,--no-entry -Wl,--strip-all \
  -Wl,--initial-memory=1048576 -Wl,--max-memory=2147483648 -Wl,-z,stack-size=65536 \
  -o "$out.tmp" dsp.c
chmod 644 "$out.tmp"
mv "$out.tmp" "$out"
if [ "$out" = "$here/dsp.wasm" ]; then
  "$CLANG" --version | head -n 1 > "$here/dsp.wasm.toolchain"
fi
