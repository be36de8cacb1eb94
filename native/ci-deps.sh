#!/bin/sh
# Toolchain for native/build.sh and test/features/wasmBuild.test.ts (Debian bookworm: clang 14 + lld 14).
set -eu
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang lld
