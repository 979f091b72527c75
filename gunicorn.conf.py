"""gunicorn's settings for the web service, in one place: the Dockerfile's CMD and
docker-compose.yml both run `gunicorn --config=gunicorn.conf.py fps_portal.wsgi:application`
and pass nothing else.

TLS ends at the proxy in front; Django trusts its X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER).
"""

import os

bind = "0.0.0.0:8000"
# Synchronous workers: each request holds one database connection, kept open between requests
# (CONN_MAX_AGE in the production settings). WEB_CONCURRENCY is the name gunicorn itself reads.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# A request still running after a minute is stuck (the slowest page, a PDF, takes seconds).
timeout = 60
graceful_timeout = 30
# The proxy in front reuses its connections to gunicorn.
keepalive = 5
# Recycle a worker now and then, at staggered moments, so a slow leak cannot build up.
max_requests = 1000
max_requests_jitter = 100
# The workers' heartbeat files on memory, not the container's overlay disk, where a slow write
# can make the arbiter think a worker hangs.
worker_tmp_dir = "/dev/shm"
# Access and error logs to standard output and error, where the container runtime collects them.
accesslog = "-"
errorlog = "-"
