"""Reference embeddings from the ORIGINAL Resemblyzer (PyPI resemblyzer 0.1.4, torch), for the
parity test test/embedding/parity.test.ts.

Preprocessing, identical on both sides so that only the frontend and the model are compared:
  samples = the 16 kHz 16-bit WAV read as float32 (int16 / 32768, no resampling: librosa.load(sr=None))
  wav     = resemblyzer.normalize_volume(samples, -30, increase_only=True)
  embed   = VoiceEncoder().embed_utterance(wav)      # partials 1.6 s at 1.3/s, min coverage 0.75
  hiddenMean = over the first 160 mel frames of the utterance: the mean over frames of the outputs
          of LSTM layers 2 and 3 of the original encoder.lstm (torch's own kernels on its own
          weights; layer 2 by running its first two layers), each L2-normalised, concatenated:
          what voice-encoder.onnx's `hidden_mean` output must reproduce.
Resemblyzer's preprocess_wav would also run trim_long_silences (webrtcvad); our engine uses
Silero VAD upstream instead, so that step is skipped here and in the TypeScript code.

Files: the first 12 women and the first 12 men of ../shared/data/librispeech/speakers.csv.
Run with the venv of tools/requirements-convert.txt, from the repository root:
  ~/.cache/count-speakers/venv-convert/bin/python tools/embedding_reference.py
"""
from __future__ import annotations

import csv
import json
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import torch

warnings.filterwarnings("ignore")
import librosa  # noqa: E402
import resemblyzer  # noqa: E402
from resemblyzer import VoiceEncoder, normalize_volume  # noqa: E402
from resemblyzer.audio import wav_to_mel_spectrogram  # noqa: E402


def hidden_mean(encoder: VoiceEncoder, wav: np.ndarray) -> np.ndarray:
    mels = torch.from_numpy(wav_to_mel_spectrogram(wav)[:160][None])
    lstm = encoder.lstm
    with torch.no_grad():
        layer3, _ = lstm(mels)
        # The same module's weights and kernel, two layers deep: the output of layer 2.
        zeros = torch.zeros(2, 1, lstm.hidden_size)
        layer2 = torch._VF.lstm(mels, (zeros, zeros), lstm._flat_weights[:8], True, 2, 0.0, False, False, True)[0]
    halves = [o.mean(dim=1)[0].numpy() for o in (layer2, layer3)]
    return np.concatenate([h / np.linalg.norm(h) for h in halves])

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("COUNT_SPEAKERS_DATA", REPO.parent / "shared" / "data"))
OUT = REPO / "test" / "embedding" / "reference-embeddings.json"
PER_SEX = 12


def main() -> int:
    rows = list(csv.DictReader(open(DATA / "librispeech" / "speakers.csv")))
    chosen = [r for r in rows if r["sex"] == "F"][:PER_SEX] + [r for r in rows if r["sex"] == "M"][:PER_SEX]
    encoder = VoiceEncoder(device="cpu", verbose=False)
    items = []
    for r in chosen:
        samples, sr = librosa.load(str(DATA / "librispeech" / r["file"]), sr=None)
        assert sr == 16000, f"{r['file']}: {sr} Hz"
        wav = normalize_volume(samples, -30, increase_only=True)
        embed = encoder.embed_utterance(wav)
        items.append({
            "file": f"librispeech/{r['file']}",
            "speaker": r["speaker"],
            "sex": r["sex"],
            "samples": int(len(samples)),
            "embedding": [round(float(v), 6) for v in embed],
            "hiddenMean": [round(float(v), 6) for v in hidden_mean(encoder, wav)],
        })
    doc = {
        "generator": "tools/embedding_reference.py",
        "resemblyzer": "0.1.4",
        "librosa": librosa.__version__,
        "preprocessing": "librosa.load(sr=None) float32 16 kHz; resemblyzer.normalize_volume(-30 dBFS, increase_only=True); "
                         "no trim_long_silences; VoiceEncoder().embed_utterance(rate=1.3, min_coverage=0.75)",
        "items": items,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, indent=1)
    # One embedding per line keeps the file short.
    import re
    text = re.sub(r"\[\s+(-?[0-9.e-]+(?:,\s+-?[0-9.e-]+)*)\s+\]", lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]", text)
    OUT.write_text(text + "\n")
    e = np.array([it["embedding"] for it in items])
    sim = e @ e.T
    same_sex = np.array([[a["sex"] == b["sex"] for b in items] for a in items])
    off = ~np.eye(len(items), dtype=bool)
    print(f"wrote {OUT.relative_to(REPO)}: {len(items)} files; mean cosine between different readers "
          f"{sim[off].mean():.3f} (same sex {sim[off & same_sex].mean():.3f}, other sex {sim[~same_sex].mean():.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
