"""Small helpers the Python tools share (standard library and numpy only, so every tools venv can import them).

The tools run as `python tools/<script>.py` from the repository root, so this folder is on sys.path.
"""
from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def lcg_noise(n: int, seed: int) -> np.ndarray:
    """Same generator as test/features/signals.ts lcgNoise: 32-bit LCG (Numerical Recipes), uniform in [-0.5, 0.5),
    each value computed in float64 and rounded once to float32."""
    out = np.empty(n, dtype=np.float64)
    s = seed & 0xFFFFFFFF
    for i in range(n):
        s = (1664525 * s + 1013904223) & 0xFFFFFFFF
        out[i] = s / 4294967296.0 - 0.5
    return out.astype(np.float32)


def two_sines() -> np.ndarray:
    """test/features/signals.ts twoSines: 16037 samples of 0.5 sin(440 Hz) + 0.25 sin(1234.5 Hz) at 16 kHz."""
    t = np.arange(16037, dtype=np.float64)
    return (0.5 * np.sin(2 * math.pi * 440 * t / 16000) + 0.25 * np.sin(2 * math.pi * 1234.5 * t / 16000)).astype(np.float32)
