"""Convert Resemblyzer's GE2E voice encoder (PyPI `resemblyzer` 0.1.4, Apache-2.0) to ONNX.

Writes
  models/voice-encoder.onnx            input  `mels`        float32 [batch, frames, 40]  (non-log mel power, librosa)
                                       output `embedding`   float32 [batch, 256]         (ReLU, L2-normalised per row)
                                       output `hidden_mean` float32 [batch, 512]         (see below)
  models/LICENSES/resemblyzer-LICENSE.txt   the Apache-2.0 text shipped in the wheel
  models/manifest.json                 entry "voice-encoder" (other entries, e.g. "vad", are kept as they are)

`embedding` is exactly `VoiceEncoder.forward`: 3-layer LSTM 40->256, last layer's final hidden state,
Linear 256->256, ReLU, divide by the L2 norm. `hidden_mean` reads the same network another way:
the mean over frames of the outputs of LSTM layers 2 and 3, each L2-normalised, concatenated. The
sex classifier uses it: it keeps the sex of a voice under noise far better than the embedding
(leave-speakers-out, readers with white noise at 5-20 dB: 98.4 % against 93.6 %; clean: equal).
The LSTM is run as three single-layer LSTMs holding the same weights, so the layer outputs exist. Frontend facts go into the ONNX metadata_props so the
TypeScript side can read and check them (src/embedding/onnxMetadata.ts).

Setup (tools only; the engine itself never needs Python) -- see tools/requirements-convert.txt:
  apt-get install -y python3-torch python3-onnx python3-venv python3-pip
  python3 -m venv --system-site-packages ~/.cache/count-speakers/venv-convert     # /usr/bin/python3
  ~/.cache/count-speakers/venv-convert/bin/pip install --no-deps resemblyzer==0.1.4
  ~/.cache/count-speakers/venv-convert/bin/pip install -r tools/requirements-convert.txt
Run from the repository root:
  ~/.cache/count-speakers/venv-convert/bin/python tools/convert_resemblyzer.py
It prints the max abs difference between torch and onnxruntime outputs and fails above 1e-5.
"""
from __future__ import annotations

import json
import shutil
import sys
import warnings
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch

from tool_common import sha256  # tools/ is on sys.path when a tool runs

warnings.filterwarnings("ignore")
import resemblyzer  # noqa: E402
from resemblyzer import VoiceEncoder, hparams  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
MODELS = REPO / "models"
OUT = MODELS / "voice-encoder.onnx"
LICENSE_OUT = MODELS / "LICENSES" / "resemblyzer-LICENSE.txt"
MANIFEST = MODELS / "manifest.json"
OPSET = 17
RESEMBLYZER_VERSION = "0.1.4"


class Encoder(torch.nn.Module):
    """Same computation as VoiceEncoder.forward, wrapped so the export sees only tensors."""

    def __init__(self, ve: VoiceEncoder):
        super().__init__()
        layers = []
        for k in range(ve.lstm.num_layers):
            layer = torch.nn.LSTM(ve.lstm.input_size if k == 0 else ve.lstm.hidden_size, ve.lstm.hidden_size, 1, batch_first=True)
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(layer, f"{name}_l0").data = getattr(ve.lstm, f"{name}_l{k}").data.clone()
            layers.append(layer)
        self.layers = torch.nn.ModuleList(layers)
        self.linear = ve.linear
        self.relu = ve.relu

    def forward(self, mels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        outputs = []
        x = mels
        for layer in self.layers:
            x, (hidden, _) = layer(x)
            outputs.append(x)
        embeds_raw = self.relu(self.linear(hidden[-1]))
        embedding = embeds_raw / torch.norm(embeds_raw, dim=1, keepdim=True)
        means = [o.mean(dim=1) for o in outputs[-2:]]
        hidden_mean = torch.cat([m / torch.norm(m, dim=1, keepdim=True) for m in means], dim=1)
        return embedding, hidden_mean


def main() -> int:
    if resemblyzer.__file__ is None or not Path(resemblyzer.__file__).parent.joinpath("pretrained.pt").exists():
        print("resemblyzer's pretrained.pt not found; install resemblyzer==0.1.4", file=sys.stderr)
        return 1
    pkg_dir = Path(resemblyzer.__file__).parent
    ve = VoiceEncoder(device="cpu", verbose=False).eval()
    model = Encoder(ve).eval()

    frames = hparams.partials_n_frames
    n_mels = hparams.mel_n_channels
    dummy = torch.rand(2, frames, n_mels, dtype=torch.float32)
    MODELS.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        model,
        (dummy,),
        str(OUT),
        input_names=["mels"],
        output_names=["embedding", "hidden_mean"],
        dynamic_axes={"mels": {0: "batch", 1: "frames"}, "embedding": {0: "batch"}, "hidden_mean": {0: "batch"}},
        opset_version=OPSET,
        do_constant_folding=True,
    )

    sr = hparams.sampling_rate
    window = int(sr * hparams.mel_window_length / 1000)
    hop = int(sr * hparams.mel_window_step / 1000)
    meta = {
        "model": "resemblyzer-ge2e-voice-encoder",
        "source": f"PyPI resemblyzer=={RESEMBLYZER_VERSION} resemblyzer/pretrained.pt",
        "license": "Apache-2.0",
        "sample_rate_hz": str(sr),
        "window_samples": str(window),
        "hop_samples": str(hop),
        "fft_size": str(window),
        "mel_bands": str(n_mels),
        "fmin_hz": "0",
        "fmax_hz": str(sr // 2),
        "spectrum": "power",
        "mel_norm": "slaney",
        "mel_scale": "slaney",
        "center": "true",
        "pad_mode": "constant",
        "log": "false",
        "partial_frames": str(frames),
        "embedding_dim": str(hparams.model_embedding_size),
        "hidden_mean_dim": str(2 * hparams.model_hidden_size),
        "volume_target_dbfs": str(hparams.audio_norm_target_dBFS),
    }
    m = onnx.load(str(OUT))
    del m.metadata_props[:]
    for k, v in meta.items():
        entry = m.metadata_props.add()
        entry.key, entry.value = k, v
    m.producer_name = "count-speakers tools/convert_resemblyzer.py"
    m.doc_string = "Resemblyzer GE2E voice encoder (Apache-2.0), non-log 40-band mel input, L2-normalised 256-d output; hidden_mean: mean outputs of LSTM layers 2 and 3"
    onnx.checker.check_model(m)
    onnx.save(m, str(OUT))

    # Check: same outputs as torch, for several batch sizes and lengths, on realistic value ranges
    # (mel power of speech spans ~1e-6..1e2, so scale uniform noise over that span).
    sess = ort.InferenceSession(str(OUT), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    worst = 0.0
    for batch, n_frames in [(1, 160), (3, 160), (64, 160), (2, 97), (1, 400)]:
        x = (10.0 ** rng.uniform(-6, 2, size=(batch, n_frames, n_mels))).astype(np.float32)
        with torch.no_grad():
            ref, ref_hidden = (t.numpy() for t in model(torch.from_numpy(x)))
            ref_orig = ve(torch.from_numpy(x)).numpy()
        got, got_hidden = sess.run(["embedding", "hidden_mean"], {"mels": x})
        diff = float(np.max(np.abs(ref - got)))
        diff_orig = float(np.max(np.abs(ref_orig - got)))
        diff_hidden = float(np.max(np.abs(ref_hidden - got_hidden)))
        print(f"batch={batch} frames={n_frames}: max|torch-onnx|={diff:.3e} (vs VoiceEncoder.forward {diff_orig:.3e}), hidden_mean {diff_hidden:.3e}")
        worst = max(worst, diff, diff_orig, diff_hidden)
    print(f"max abs diff torch vs onnxruntime {ort.__version__}: {worst:.3e}")
    if worst > 1e-5:
        print("FAIL: difference above 1e-5", file=sys.stderr)
        return 1

    LICENSE_OUT.parent.mkdir(parents=True, exist_ok=True)
    lic = next(pkg_dir.parent.glob(f"[Rr]esemblyzer-{RESEMBLYZER_VERSION}.dist-info")) / "LICENSE"
    shutil.copyfile(lic, LICENSE_OUT)

    manifest = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {"models": {}}
    manifest.setdefault("models", {})
    manifest["models"]["voice-encoder"] = {
        "file": OUT.name,
        "sha256": sha256(OUT),
        "bytes": OUT.stat().st_size,
        "source": {
            "package": "resemblyzer",
            "registry": "PyPI",
            "version": RESEMBLYZER_VERSION,
            "pathInPackage": "resemblyzer/pretrained.pt",
            "sourceSha256": sha256(pkg_dir / "pretrained.pt"),
        },
        "license": "Apache-2.0",
        "licenseFile": str(LICENSE_OUT.relative_to(MODELS)),
        "inputs": [{"name": "mels", "type": "float32", "shape": ["batch", "frames", n_mels]}],
        "outputs": [
            {"name": "embedding", "type": "float32", "shape": ["batch", hparams.model_embedding_size]},
            {"name": "hidden_mean", "type": "float32", "shape": ["batch", 2 * hparams.model_hidden_size],
             "note": "mean over frames of LSTM layers 2 and 3 outputs, each L2-normalised, concatenated (sex classifier input)"},
        ],
        "sampleRateHz": sr,
        "partialFrames": frames,
        "frontend": {
            "window": "hann",
            "windowSamples": window,
            "hopSamples": hop,
            "fftSize": window,
            "melBands": n_mels,
            "fMinHz": 0,
            "fMaxHz": sr // 2,
            "scaling": "power",
            "log": False,
            "norm": "slaney",
            "melScale": "slaney",
            "center": True,
            "padMode": "constant",
            "volumeNormalisation": {"targetDbfs": hparams.audio_norm_target_dBFS, "increaseOnly": True},
        },
        "opset": OPSET,
        "producedBy": "tools/convert_resemblyzer.py",
    }
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {OUT.relative_to(REPO)} ({OUT.stat().st_size} bytes, sha256 {manifest['models']['voice-encoder']['sha256']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
