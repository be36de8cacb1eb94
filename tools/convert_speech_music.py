"""Convert inaSpeechSegmenter's speech/music CNN (the Keras file shipped in PyPI `inaSpeechSegmenter` 0.4.2) to ONNX.

Writes
  models/speech-music.onnx   input  `patches` float32 [batch, 68, 21]  (68 frames x 21 log mel bands, each patch
                                                                        standardised to mean 0 and deviation 1)
                             output `probs`   float32 [batch, 2]       (softmax: speech, music)
  models/LICENSES/inaSpeechSegmenter-LICENSE.txt   MIT, Copyright (c) 2018 Ina (the wheel's LICENSE)
  models/manifest.json       entry "speech-music" (other entries are kept as they are)

Model: the CNN of Doukhan et al., "An Open-Source Speaker Gender Detection Framework for Monitoring Gender
Equality" (ICASSP 2018): 4 convolutions with batch normalisation and max pooling, 4 dense layers of 512, softmax over
(speech, music); 1,449,026 parameters. Its input is one patch of 68 frames (0.68 s) of the first 21 of 24 log mel
bands of SIDEKIT's frontend (25 ms Hann window, 10 ms hop, pre-emphasis 0.97 per frame, 512-point FFT, 24 HTK-mel
triangles from 100 to 8000 Hz, natural log), standardised over the whole patch. The frontend is reproduced in
TypeScript (src/features/kaldiFbank.ts, SPEECH_MUSIC_FBANK_CONFIG); tools/speech_music_reference.py writes its golden values.

Source: PyPI inaSpeechSegmenter==0.4.2 (MIT), inaSpeechSegmenter/keras_speech_music_cnn.hdf5 (Keras 2.3.1, TensorFlow
backend). Later releases download the same file at run time; 0.4.2 is the last wheel that holds it.

The graph is written with onnx.helper from the HDF5 weights (numpy and h5py only, no TensorFlow): batch
normalisation is folded into the convolutions and dense layers before it (inference statistics, epsilon 1e-3),
dropout is left out (inference). Keras runs NHWC; the ONNX graph runs NCHW with the kernels transposed to match,
and the last pooling leaves 1 x 1 x 256, so flattening needs no reordering.

Setup (tools only): a venv with h5py, numpy, onnx, onnxruntime, and for the check against Keras tensorflow-cpu and
soundfile (measured: Python 3.11, tensorflow-cpu 2.21 with Keras 3.15, h5py 3.14, onnx 1.23.2, onnxruntime 1.32.0):
  python3 -m venv /root/venvs/ina && /root/venvs/ina/bin/pip install tensorflow-cpu h5py onnx onnxruntime soundfile scipy
  pip download --no-deps inaSpeechSegmenter==0.4.2 -d /tmp/ina && unzip -o /tmp/ina/*.whl -d /tmp/ina/x042
Run from the repository root:
  /root/venvs/ina/bin/python tools/convert_speech_music.py --package /tmp/ina/x042
It checks the model with onnx.checker, compares onnxruntime to Keras on random patches and on real patches from
../shared/data (skipped if absent), fails above 1e-4 max abs difference, and prints the sha256 and size.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import h5py
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from tool_common import sha256  # tools/ is on sys.path when a tool runs

REPO = Path(__file__).resolve().parent.parent
MODELS = REPO / "models"
OUT = MODELS / "speech-music.onnx"
LICENSE_OUT = MODELS / "LICENSES" / "inaSpeechSegmenter-LICENSE.txt"
MANIFEST = MODELS / "manifest.json"
PACKAGE_VERSION = "0.4.2"
PATH_IN_PACKAGE = "inaSpeechSegmenter/keras_speech_music_cnn.hdf5"
PATCH_FRAMES, PATCH_BANDS = 68, 21
BN_EPS = 1e-3


def read_layers(h5: Path) -> list[tuple[str, dict, dict]]:
    """(class, config, weights by short name) per layer, in model order."""
    f = h5py.File(h5, "r")
    cfg = json.loads(f.attrs["model_config"])
    layers = cfg["config"]["layers"] if isinstance(cfg["config"], dict) else cfg["config"]
    out = []
    for layer in layers:
        name = layer["config"]["name"]
        weights = {}
        if name in f["model_weights"]:
            g = f["model_weights"][name]
            def visit(key, obj):
                if isinstance(obj, h5py.Dataset):
                    weights[key.split("/")[-1].split(":")[0]] = np.array(obj, dtype=np.float64)
            g.visititems(visit)
        out.append((layer["class_name"], layer["config"], weights))
    return out


def fold_bn(w: np.ndarray, b: np.ndarray, bn: dict, out_axis: int) -> tuple[np.ndarray, np.ndarray]:
    scale = bn["gamma"] / np.sqrt(bn["moving_variance"] + BN_EPS)
    shape = [1] * w.ndim
    shape[out_axis] = -1
    return w * scale.reshape(shape), (b - bn["moving_mean"]) * scale + bn["beta"]


def build(layers) -> onnx.ModelProto:
    nodes, inits = [], []
    x = "patches"
    nodes.append(helper.make_node("Unsqueeze", [x, "axis1"], ["x0"]))
    inits.append(numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"))
    x = "x0"
    i = 0
    n = 0
    while i < len(layers):
        cls, cfg, w = layers[i]
        nxt = layers[i + 1] if i + 1 < len(layers) else None
        if cls in ("Reshape", "Dropout"):
            i += 1
            continue
        n += 1
        if cls == "Conv2D":
            assert cfg["padding"] == "valid" and tuple(cfg["strides"]) == (1, 1)
            k = w["kernel"].transpose(3, 2, 0, 1)  # (kh, kw, in, out) -> (out, in, kh, kw)
            b = w["bias"]
            assert nxt[0] == "BatchNormalization"
            k, b = fold_bn(k, b, nxt[2], 0)
            inits += [numpy_helper.from_array(k.astype(np.float32), f"conv{n}.w"), numpy_helper.from_array(b.astype(np.float32), f"conv{n}.b")]
            nodes.append(helper.make_node("Conv", [x, f"conv{n}.w", f"conv{n}.b"], [f"c{n}"], kernel_shape=list(cfg["kernel_size"])))
            nodes.append(helper.make_node("Relu", [f"c{n}"], [f"r{n}"]))
            x = f"r{n}"
            assert layers[i + 2][0] == "Activation" and layers[i + 2][1]["activation"] == "relu"
            i += 3
        elif cls == "MaxPooling2D":
            # Keras 'same' pads at the end only; ceil_mode gives the same windows (the last one shorter).
            nodes.append(
                helper.make_node(
                    "MaxPool", [x], [f"p{n}"], kernel_shape=list(cfg["pool_size"]), strides=list(cfg["strides"]),
                    ceil_mode=1 if cfg["padding"] == "same" else 0,
                )
            )
            x = f"p{n}"
            i += 1
        elif cls == "Flatten":
            nodes.append(helper.make_node("Flatten", [x], [f"f{n}"], axis=1))
            x = f"f{n}"
            i += 1
        elif cls == "Dense":
            k, b = w["kernel"], w["bias"]  # (in, out)
            if cfg["activation"] == "softmax":
                inits += [numpy_helper.from_array(k.astype(np.float32), f"dense{n}.w"), numpy_helper.from_array(b.astype(np.float32), f"dense{n}.b")]
                nodes.append(helper.make_node("Gemm", [x, f"dense{n}.w", f"dense{n}.b"], [f"g{n}"]))
                nodes.append(helper.make_node("Softmax", [f"g{n}"], ["probs"], axis=1))
                x = "probs"
                i += 1
            else:
                assert nxt[0] == "BatchNormalization"
                k, b = fold_bn(k, b, nxt[2], 1)
                inits += [numpy_helper.from_array(k.astype(np.float32), f"dense{n}.w"), numpy_helper.from_array(b.astype(np.float32), f"dense{n}.b")]
                nodes.append(helper.make_node("Gemm", [x, f"dense{n}.w", f"dense{n}.b"], [f"g{n}"]))
                nodes.append(helper.make_node("Relu", [f"g{n}"], [f"r{n}"]))
                x = f"r{n}"
                assert layers[i + 2][0] == "Activation" and layers[i + 2][1]["activation"] == "relu"
                i += 3
        else:
            raise SystemExit(f"unexpected layer {cls}")
    assert x == "probs"
    graph = helper.make_graph(
        nodes,
        "ina_speech_music",
        [helper.make_tensor_value_info("patches", TensorProto.FLOAT, ["batch", PATCH_FRAMES, PATCH_BANDS])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["batch", 2])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="tools/convert_speech_music.py")
    model.ir_version = 8
    facts = {
        "patch_frames": PATCH_FRAMES,
        "patch_bands": PATCH_BANDS,
        "classes": "speech,music",
        "sample_rate_hz": 16000,
        "hop_samples": 160,
        "source": f"PyPI inaSpeechSegmenter=={PACKAGE_VERSION} {PATH_IN_PACKAGE}",
    }
    for key, value in facts.items():
        e = model.metadata_props.add()
        e.key, e.value = key, str(value)
    onnx.checker.check_model(model)
    return model


def real_patches(n: int) -> np.ndarray | None:
    """Standardised patches from a sessions recording and the song (../shared/data), via the reference frontend."""
    data = Path(os.environ.get("COUNT_SPEAKERS_DATA", REPO.parent / "shared" / "data"))
    if not data.is_dir():
        return None
    sys.path.insert(0, str(REPO / "tools"))
    from speech_music_reference import load_16k, patches_of

    out = []
    for f in sorted((data / "sessions").glob("*.wav"))[:2] + [data / "music" / "lets-go-fishin-vocals.wav"]:
        out.append(patches_of(load_16k(f)[: 16000 * 20], step=17)[:n])
    return np.concatenate(out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--package", required=True, type=Path, help="the unpacked inaSpeechSegmenter 0.4.2 wheel")
    args = ap.parse_args()
    h5 = args.package / PATH_IN_PACKAGE
    layers = read_layers(h5)
    model = build(layers)
    onnx.save(model, OUT)

    import onnxruntime as ort

    sess = ort.InferenceSession(str(OUT), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    tests = [rng.standard_normal((16, PATCH_FRAMES, PATCH_BANDS)).astype(np.float32)]
    real = real_patches(40)
    if real is None:
        print("../shared/data absent: parity on random patches only")
    else:
        tests.append(real.astype(np.float32))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    ref = keras.models.load_model(h5, compile=False)
    worst = 0.0
    for t in tests:
        # Keras 3 reads the file's batch_input_shape as the shape after the batch: one more axis.
        want = ref.predict(t[:, None], verbose=0)
        got = sess.run(["probs"], {"patches": t})[0]
        diff = float(np.abs(want - got).max())
        worst = diff if not np.isfinite(diff) else max(worst, diff)
        print(f"{len(t)} patches: max |onnx - keras| = {np.abs(want - got).max():.2e}, music share keras {np.mean(want[:, 1] > 0.5):.3f} onnx {np.mean(got[:, 1] > 0.5):.3f}")
    if not np.isfinite(worst) or worst > 1e-4:
        print(f"FAIL: difference {worst:.2e} above 1e-4")
        return 1

    lic = args.package / f"inaSpeechSegmenter-{PACKAGE_VERSION}.dist-info" / "LICENSE"
    LICENSE_OUT.parent.mkdir(parents=True, exist_ok=True)
    LICENSE_OUT.write_text(
        f"models/speech-music.onnx is converted from {PATH_IN_PACKAGE} in PyPI inaSpeechSegmenter=={PACKAGE_VERSION},\n"
        "whose licence (the wheel's LICENSE) is reproduced below.\n\n" + lic.read_text()
    )
    manifest = json.loads(MANIFEST.read_text())
    manifest["models"]["speech-music"] = {
        "file": OUT.name,
        "sha256": sha256(OUT),
        "bytes": OUT.stat().st_size,
        "source": {
            "package": "inaSpeechSegmenter",
            "registry": "PyPI",
            "version": PACKAGE_VERSION,
            "pathInPackage": PATH_IN_PACKAGE,
            "sourceSha256": sha256(h5),
        },
        "license": "MIT",
        "licenseFile": str(LICENSE_OUT.relative_to(MODELS)),
        "inputs": [
            {
                "name": "patches",
                "type": "float32",
                "shape": ["batch", PATCH_FRAMES, PATCH_BANDS],
                "note": "first 21 of 24 SIDEKIT log mel bands (src/features/kaldiFbank.ts SPEECH_MUSIC_FBANK_CONFIG) over 68 frames of 10 ms, standardised over the patch",
            }
        ],
        "outputs": [{"name": "probs", "type": "float32", "shape": ["batch", 2], "note": "softmax over (speech, music)"}],
        "sampleRateHz": 16000,
        "opset": 17,
        "producedBy": "tools/convert_speech_music.py",
    }
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n")
    entry = manifest["models"]["speech-music"]
    print(f"wrote {OUT} ({entry['bytes']} bytes, sha256 {entry['sha256']}); worst difference {worst:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
