"""Golden values for the TypeScript mel frontend, computed once by librosa (the voice encoder's
training frontend: resemblyzer.audio.wav_to_mel_spectrogram) on synthetic signals that the
tests regenerate bit for bit (sines, an impulse, LCG noise with a fixed seed).

Writes test/features/librosa-goldens.json (a few hundred numbers, not the spectrograms).
Run with the venv of tools/requirements-convert.txt, from the repository root:
  ~/.cache/count-speakers/venv-convert/bin/python tools/embedding_goldens.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import librosa

from tool_common import lcg_noise, two_sines  # tools/ is on sys.path when a tool runs

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "test" / "features" / "librosa-goldens.json"
SR, N_FFT, HOP, N_MELS = 16000, 400, 160, 40


def signals() -> dict[str, np.ndarray]:
    impulse = np.zeros(4000, dtype=np.float32)
    impulse[1000] = 1.0
    return {"twoSines": two_sines(), "impulse": impulse, "noise": lcg_noise(8000, 12345)}


def pick(mel: np.ndarray) -> list[list[float]]:
    """[frame, band, value] at a spread of positions, skipping values too small for a relative check."""
    frames = mel.shape[0]
    peak = float(mel.max())
    picks = []
    loud = int(np.argmax(mel.sum(axis=1)))
    for t in sorted({0, 1, loud - 1, loud, loud + 1, frames // 3, frames // 2, frames - 2, frames - 1} & set(range(frames))):
        for b in (0, 3, 11, 20, 31, 39):
            v = float(mel[t, b])
            if v > 1e-5 * peak:
                picks.append([t, b, v])
    return picks


def main() -> int:
    result: dict[str, object] = {
        "librosa": librosa.__version__,
        "settings": {"sr": SR, "n_fft": N_FFT, "hop_length": HOP, "n_mels": N_MELS, "note": "librosa.feature.melspectrogram defaults otherwise"},
        "signals": {},
    }
    sigs = signals()
    for name, y in sigs.items():
        for pad_mode in ("constant", "reflect"):
            if pad_mode == "reflect" and name != "noise":
                continue
            mel = librosa.feature.melspectrogram(y=y, sr=SR, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS, pad_mode=pad_mode)
            mel = mel.astype(np.float32).T  # [frames, bands], as resemblyzer.audio.wav_to_mel_spectrogram
            key = name if pad_mode == "constant" else f"{name}/reflect"
            result["signals"][key] = {
                "samples": int(len(y)),
                "padMode": pad_mode,
                "frames": int(mel.shape[0]),
                "sum": float(mel.astype(np.float64).sum()),
                "values": pick(mel),
            }
    fb = librosa.filters.mel(sr=SR, n_fft=N_FFT, n_mels=N_MELS)
    fb_picks = []
    for b in (0, 1, 10, 25, 39):
        k = int(np.argmax(fb[b]))
        for kk in (k - 1, k, k + 1):
            if 0 <= kk < fb.shape[1] and fb[b, kk] > 0:
                fb_picks.append([b, kk, float(fb[b, kk])])
    result["filterbank"] = {"shape": list(fb.shape), "sum": float(fb.astype(np.float64).sum()), "values": fb_picks}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    # One [frame, band, value] triple per line keeps the file short and diffable.
    text = json.dumps(result, indent=1)
    text = __import__("re").sub(r"\[\s+([-0-9.e]+),\s+([-0-9.e]+),\s+([-0-9.e]+)\s+\]", r"[\1, \2, \3]", text)
    OUT.write_text(text + "\n")
    print(f"wrote {OUT.relative_to(REPO)}: " + ", ".join(f"{k}: {len(v['values'])} values" for k, v in result["signals"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
