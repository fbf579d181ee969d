"""The ONNX encoders (vectorstore.accel) against the torch model they are exported from."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from vectorstore.accel import (
    OnnxEncoder,
    compatible,
    export_dir,
    onnx_file,
    precision,
    resolve_backend,
)
from vectorstore.embedding import Embedder, resolve_model_path

ROOT = Path(__file__).resolve().parents[2]

TEXTS = [
    "The city council of Dunmore voted on Tuesday to build a new bridge over the river Arl.",
    "A storm knocked out power to 30,000 homes in the coastal town of Pellow on Sunday.",
    "Mayor Alice Varga said the bridge would cost 14 million euros and open in 2027.",
    "short",
    # longer than the model's 256 word-pieces: truncated the same way by every backend
    " ".join(["The central bank raised interest rates again to fight inflation."] * 40),
    "Émigrés' café naïve façade — «quotes» and 日本語 text, emoji 😀.",
]


@pytest.fixture(scope="module")
def torch_vecs() -> np.ndarray:
    return Embedder(backend="torch", device="cpu").embed(TEXTS)


@pytest.fixture(scope="module")
def model_path() -> str:
    return resolve_model_path("")


def test_onnx_fp32_makes_the_torch_vectors(torch_vecs, model_path):
    enc = OnnxEncoder(model_path, "onnx")
    v = enc.encode(TEXTS)
    assert v.shape == torch_vecs.shape and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert float((v * torch_vecs).sum(1).min()) > 0.9999


def test_padding_and_order_do_not_change_a_vector(model_path):
    enc = OnnxEncoder(model_path, "onnx-int8")
    alone = enc.encode([TEXTS[3]])[0]
    batched = enc.encode(TEXTS, batch_size=4)  # padded next to much longer texts
    assert float(alone @ batched[3]) > 0.9999
    reversed_ = enc.encode(TEXTS[::-1], batch_size=2)[::-1]
    np.testing.assert_allclose(batched, reversed_, atol=1e-4)


def test_int8_is_close_to_torch_and_keeps_the_ranking(torch_vecs, model_path):
    enc = OnnxEncoder(model_path, "onnx-int8")
    v = enc.encode(TEXTS)
    cos = (v * torch_vecs).sum(1)
    assert float(cos.min()) > 0.97 and float(cos.mean()) > 0.98
    q = enc.encode(["Which town lost electricity after bad weather?"])[0]
    assert int(np.argmax(v @ q)) == 1
    q2 = enc.encode(["How much will the new river crossing cost?"])[0]
    assert int(np.argmax(v @ q2)) in (0, 2)


def test_exports_are_cached_per_model(model_path):
    fp32 = onnx_file(model_path, "onnx")
    int8 = onnx_file(model_path, "onnx-int8")
    assert fp32.parent == int8.parent == export_dir(model_path)
    assert 0 < int8.stat().st_size < 0.8 * fp32.stat().st_size  # int8 matmul weights
    assert onnx_file(model_path, "onnx") == fp32  # reused, not exported again
    assert not list(fp32.parent.glob("*.part"))


def test_openvino_makes_the_torch_vectors(torch_vecs, model_path):
    pytest.importorskip("openvino")
    v = OnnxEncoder(model_path, "openvino").encode(TEXTS)
    assert float((v * torch_vecs).sum(1).min()) > 0.9999


def test_empty_input_and_unknown_backend(model_path):
    from vectorstore.errors import ConfigError

    enc = OnnxEncoder(model_path, "onnx-int8")
    assert enc.encode([]).shape == (0, 384)
    with pytest.raises(ConfigError, match="onnx-int8"):
        OnnxEncoder(model_path, "tensorrt")


def test_backend_rules():
    assert precision("torch") == precision("onnx") == precision("openvino") == "fp32"
    assert precision("onnx-int8") == "int8"
    assert resolve_backend("auto", "cpu") == "onnx-int8"
    assert resolve_backend("auto", "cuda") == "torch"
    assert resolve_backend("openvino", "cpu") == "openvino"
    # fp32 stores accept any fp32 backend; an int8 store keeps int8 until reindexed
    assert compatible("torch", "onnx") == "onnx"
    assert compatible("torch", "onnx-int8") == "onnx"
    assert compatible("onnx-int8", "torch") == "onnx-int8"
    assert compatible("onnx-int8", "onnx-int8") == "onnx-int8"
    assert compatible("", "onnx-int8") == "onnx-int8"


def test_encoding_with_onnx_never_imports_torch(tmp_path):
    code = ("import sys\n"
            "from vectorstore.embedding import Embedder\n"
            "e = Embedder(backend='onnx-int8', device='cpu')\n"
            "v = e.embed_query('Who won the election?')\n"
            "assert v.shape == (384,), v.shape\n"
            "assert 'torch' not in sys.modules and 'transformers' not in sys.modules, "
            "sorted(m for m in sys.modules if m.startswith(('torch', 'transformers')))\n"
            "print('ok', e.backend, e.device)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=300, env={"PATH": "", "HOME": str(Path.home()),
                                           "HF_HUB_OFFLINE": "1"})
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "ok onnx-int8 cpu"
