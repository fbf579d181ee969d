"""Newsdesk's web wing: everything served over HTTP (the only package that imports Gradio).

``server`` builds our FastAPI app with the Gradio UI mounted on it; ``layout`` lays the UI out;
``ui`` holds its handlers, ``api`` the ``gradio_client`` endpoints; ``openai_api`` serves the
OpenAI-compatible ``/v1`` (``openai_wire`` reads and writes its format); ``render`` turns
answers into safe HTML; ``uploads`` stores and ingests uploaded files; ``seed`` ingests the
bundled corpus on the first start. ``web`` imports only ``qa`` from Newsdesk.

Importing ``web`` turns telemetry off (:func:`qa.apply_privacy_defaults`) before any of its
modules imports Gradio: Gradio and huggingface_hub read those settings once, at import, so
an app that mounts :func:`web.server.create_app` is covered as ``app.py`` is.
"""

from qa import apply_privacy_defaults

apply_privacy_defaults()
