"""gunicorn's settings for production (`gunicorn -c deploy/gunicorn.conf.py`), behind
nginx (deploy/nginx/crm.conf), which buffers requests and responses: sync workers never
wait on a slow client. GUNICORN_* variables override the defaults."""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each serves one request at a time, which nginx hands over whole.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# A request running longer is killed and logged; exports stream in well under this.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# Only nginx on this machine may set the X-Forwarded-* headers gunicorn reads.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
limit_request_line = 8190
limit_request_fields = 100
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
