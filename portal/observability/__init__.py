"""What operators watch: Prometheus metrics at /metrics, JSON log lines with a
request id carried into outbox work, and masking of personal data in logs."""

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.observability import logs, metrics, request_id

    request_id.init_app(app)
    logs.init_app(app)
    metrics.init_app(app)
