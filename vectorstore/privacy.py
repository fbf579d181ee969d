"""Privacy defaults: telemetry off, set in the environment before the libraries that read it load."""

from __future__ import annotations

import os

#: Privacy defaults: telemetry off. Set before chromadb, gradio or onnxruntime load.
PRIVACY_DEFAULTS = {
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ORT_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def apply_privacy_defaults() -> None:
    """Turn telemetry off (unless the environment already says otherwise).

    Entry points (the CLI, the web app, :func:`vectorstore.store.open_store`, the
    embedder before it loads its runtime) call this before chromadb, gradio or
    onnxruntime are imported. Nothing calls it at import time.
    """
    for k, v in PRIVACY_DEFAULTS.items():
        os.environ.setdefault(k, v)
