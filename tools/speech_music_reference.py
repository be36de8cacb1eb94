"""Golden values for the speech/music stage, from the ORIGINAL implementations.

Writes test/music/speech-music-goldens.json:
  - SIDEKIT's log mel bands (inaSpeechSegmenter's frontend: sidekit_mfcc.mfcc(x, get_mspec=True), 24 bands) of
    synthetic signals defined by formula (the same generators as test/features/signals.ts) and of the project's
    example recording fixtures/example/dialogue.wav;
  - the Keras model's music probabilities (keras_speech_music_cnn.hdf5 in PyPI inaSpeechSegmenter 0.4.2) for
    patches of those signals, cut and standardised as inaSpeechSegmenter's _get_patches does (68 frames, the first 21
    bands, standardised over the patch), so the TypeScript frontend, patching and ONNX model are checked together.

Setup: see tools/convert_speech_music.py (the same venv), plus the frontend of a later release:
  /root/venvs/ina/bin/pip install --no-deps inaSpeechSegmenter==0.8.0
(0.8.0 vendors SIDEKIT's sidekit_mfcc.py, which 0.4.2 imported from the `sidekit` package; the module is loaded
by path so that the package's own imports are not needed). Run from the repository root:
  /root/venvs/ina/bin/python tools/speech_music_reference.py --package /tmp/ina/x042
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

from tool_common import lcg_noise, two_sines  # tools/ is on sys.path when a tool runs

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "test" / "music" / "speech-music-goldens.json"
PATCH_FRAMES, PATCH_BANDS = 68, 21


def sidekit():
    spec = importlib.util.find_spec("inaSpeechSegmenter")
    if spec is None or spec.origin is None:
        raise SystemExit("pip install --no-deps inaSpeechSegmenter==0.8.0 (for its sidekit_mfcc.py)")
    path = Path(spec.origin).parent / "sidekit_mfcc.py"
    s = importlib.util.spec_from_file_location("sidekit_mfcc", path)
    mod = importlib.util.module_from_spec(s)
    s.loader.exec_module(mod)
    return mod


def load_16k(path: Path) -> np.ndarray:
    x, sr = sf.read(str(path), dtype="float32", always_2d=True)
    x = x.mean(axis=1)
    if sr != 16000:
        from scipy.signal import resample_poly

        g = math.gcd(sr, 16000)
        x = resample_poly(x, 16000 // g, sr // g)
    return x.astype(np.float32)


def mspec_of(x: np.ndarray) -> np.ndarray:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sidekit().mfcc(x.astype(np.float32), get_mspec=True)[3]


def patches_of(x: np.ndarray, step: int) -> np.ndarray:
    """Patches starting every `step` frames, as _get_patches (without its edge padding)."""
    m = mspec_of(x)[:, :PATCH_BANDS]
    n = (len(m) - PATCH_FRAMES) // step + 1
    if n < 1:
        return np.zeros((0, PATCH_FRAMES, PATCH_BANDS), dtype=np.float32)
    p = np.stack([m[i * step : i * step + PATCH_FRAMES] for i in range(n)]).reshape(n, -1)
    # A patch touching digital silence (log 0) has no finite standardisation; inaSpeechSegmenter gives it no
    # opinion (probability 0.5), the engine leaves it out: drop it here too.
    p = p[np.all(np.isfinite(p), axis=1)]
    p = (p - p.mean(axis=1, keepdims=True)) / p.std(axis=1, keepdims=True)
    return p.reshape(len(p), PATCH_FRAMES, PATCH_BANDS).astype(np.float32)


def signals() -> dict[str, np.ndarray]:
    out = {"twoSines": two_sines(), "noise": lcg_noise(16000, 12345)}
    dialogue = load_16k(REPO / "fixtures" / "example" / "dialogue.wav")
    out["dialogue"] = dialogue
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--package", required=True, type=Path, help="the unpacked inaSpeechSegmenter 0.4.2 wheel")
    args = ap.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    model = keras.models.load_model(args.package / "inaSpeechSegmenter" / "keras_speech_music_cnn.hdf5", compile=False)
    items = []
    for name, x in signals().items():
        m = mspec_of(x)
        frames = m.shape[0]
        # A spread of frames (all 24 bands each): enough to pin the frontend without a huge file.
        picks = sorted(set(np.linspace(0, frames - 1, num=min(frames, 12)).round().astype(int).tolist()))
        step = 50 if name == "dialogue" else 17
        p = patches_of(x, step)
        probs = model.predict(p[:, None], verbose=0)[:, 1] if len(p) else np.zeros(0)
        items.append(
            {
                "name": name,
                "samples": int(len(x)),
                "frames": int(frames),
                # null: log of 0 (digital silence), which the engine floors.
                "mel": [[int(t), [float(v) if np.isfinite(v) else None for v in m[t]]] for t in picks],
                "patchStepFrames": step,
                "music": [float(v) for v in probs],
            }
        )
        print(f"{name}: {frames} frames, {len(p)} patches, music share {np.mean(probs > 0.5) if len(p) else 0:.3f}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "generator": "tools/speech_music_reference.py",
        "frontend": "inaSpeechSegmenter 0.8.0 sidekit_mfcc.mfcc(get_mspec=True)",
        "model": "inaSpeechSegmenter 0.4.2 keras_speech_music_cnn.hdf5 (Keras)",
        "signals": items,
    }
    OUT.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
