"""Gunicorn settings for `make run` and the load test (`make load`); command-line flags override."""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('SITE_PORT', '8000')}"
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
graceful_timeout = 5
# Keep idle connections longer than a client or load balancer does (nginx 75 s, most cloud load
# balancers 60 s): a connection we close as the client reuses it is reset under its request.
keepalive = int(os.environ.get("WEB_KEEPALIVE_SECONDS", "75"))
accesslog = "-"
if os.environ.get("LOG_FORMAT", "json") == "json":
    # One JSON object per request, like the application's own lines; the Host names the brand.
    access_log_format = (
        '{"time": "%(t)s", "logger": "gunicorn.access", "host": "%({host}i)s", "request": "%(r)s", '
        '"status": %(s)s, "bytes": "%(b)s", "duration_s": %(L)s, "remote": "%(h)s"}'
    )
else:  # a person reading `make run` in a terminal
    access_log_format = '%({host}i)s "%(r)s" %(s)s %(b)s %(L)ss'
