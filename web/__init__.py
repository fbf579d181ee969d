"""Newsdesk's web wing: everything served over HTTP (the only package that imports Gradio).

``server`` builds our FastAPI app with the Gradio UI mounted on it; ``layout`` lays the UI out;
``ui`` holds its handlers, ``api`` the ``gradio_client`` endpoints; ``render`` turns answers into
safe HTML; ``uploads`` stores and ingests uploaded files; ``seed`` ingests the bundled corpus on
the first start. ``web`` imports only ``qa`` from Newsdesk, and nothing at import has side effects.
"""
