"""Run deploy/nginx/crm.conf in front of gunicorn (deploy/gunicorn.conf.py) on
loopback, with production settings, and show what the proxy is there for:

- a normal login works over TLS;
- clients that send their headers slowly hold no gunicorn worker: a normal request
  is answered at once, and nginx drops them after its client_header_timeout;
- a body over the limit gets 413 from nginx and never reaches gunicorn;
- the app itself refuses such a body (413) when reached without the proxy;
- a client's own X-Forwarded-For is replaced, not believed;
- static files are served by nginx with a year's cache.

    .venv/bin/python deploy/check_proxy.py      # CI runs it (as root: nginx starts)

DATABASE_URL is used when set, else a scratch SQLite database. Exits non-zero, naming
the check, when one fails.
"""

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "crm.example.com"
PASSWORD = secrets.token_urlsafe(16)
WORKERS = 2
# nginx's client_header_timeout in deploy/nginx/crm.conf, and some slack.
HEADER_TIMEOUT = 10
SLACK = 5


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{process.args[0]} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"nothing listens on port {port} after {seconds} s")


def nginx_config(folder, https_port, http_port, app_port):
    """The site's configuration with this run's ports, certificate and folders, inside
    a main configuration of its own (no system nginx is touched)."""
    site = (ROOT / "deploy/nginx/crm.conf").read_text()
    replacements = {
        "server 127.0.0.1:8000": f"server 127.0.0.1:{app_port}",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "/etc/ssl/certs/crm.example.com.pem": str(folder / "cert.pem"),
        "/etc/ssl/private/crm.example.com.key": str(folder / "key.pem"),
        "/srv/crm/staticfiles/": f"{folder / 'static'}/",
    }
    for old, new in replacements.items():
        if old not in site:
            sys.exit(f"deploy/nginx/crm.conf no longer has {old!r}: update this check")
        site = site.replace(old, new)
    (folder / "crm.conf").write_text(site)
    temp = {
        name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")
    }
    for path in temp.values():
        path.mkdir(mode=0o777)
        path.chmod(0o777)  # nginx's workers run as nobody
    main = f"""
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "nginx-error.log"};
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {folder / "nginx-access.log"};
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {folder / "crm.conf"};
}}
"""
    (folder / "nginx.conf").write_text(main)
    return folder / "nginx.conf"


def settings_env(folder, database_url):
    return {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_BEHIND_PROXY": "1",
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DATABASE_URL": database_url,
    }


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


class Client:
    """HTTPS requests to nginx, with cookies, as a browser sends them."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.context = ssl._create_unverified_context()  # our self-signed test cert

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.port, context=self.context, timeout=30
        )
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        headers = {
            "Host": HOST,
            **({"Cookie": cookie} if cookie else {}),
            **(headers or {}),
        }
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response, text


def check(condition, what):
    print(f"{'ok  ' if condition else 'FAIL'} {what}", flush=True)
    if not condition:
        raise SystemExit(1)


def csrf_token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def check_login(client):
    response, page = client.request("GET", "/accounts/login/")
    check(
        response.status == 200, f"the login page is served over TLS ({response.status})"
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = f"csrfmiddlewaretoken={token}&username=proxycheck&password={PASSWORD}"
    response, _ = client.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://{HOST}/accounts/login/",
            "Origin": f"https://{HOST}",
        },
    )
    check(
        response.status == 302 and response.getheader("Location") == "/",
        "a normal login works (302 to the start page)",
    )
    response, _ = client.request("GET", "/")
    check(response.status == 200, "the start page opens with the session")


def check_slow_headers(client, https_port):
    context = ssl._create_unverified_context()
    slow = []
    for _ in range(WORKERS + 2):
        raw = socket.create_connection(("127.0.0.1", https_port))
        connection = context.wrap_socket(raw, server_hostname=HOST)
        connection.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}\r\n".encode())
        slow.append(connection)
    started = time.monotonic()
    response, _ = client.request("GET", "/accounts/login/")
    answered = time.monotonic() - started
    check(
        response.status == 200 and answered < 2,
        f"with {len(slow)} clients sending headers slowly (more than the {WORKERS} "
        f"workers), a normal request is answered in {answered:.2f} s",
    )
    for connection in slow:
        connection.settimeout(HEADER_TIMEOUT + SLACK)
    closed_after = []
    for connection in slow:
        with contextlib.suppress(OSError):  # timeouts and TLS errors included
            connection.recv(1024)
        closed_after.append(time.monotonic() - started)
        connection.close()
    check(
        max(closed_after) <= HEADER_TIMEOUT + SLACK,
        f"nginx dropped the slow clients after {max(closed_after):.1f} s "
        f"(client_header_timeout {HEADER_TIMEOUT} s)",
    )


def send_large_body(port, use_tls, size):
    """A POST declaring `size` bytes, of which 1 MB is sent; the status answered."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=30)
    connection = (
        ssl._create_unverified_context().wrap_socket(raw, server_hostname=HOST)
        if use_tls
        else raw
    )
    head = (
        f"POST /accounts/login/ HTTP/1.1\r\nHost: {HOST}\r\n"
        f"Content-Type: application/octet-stream\r\nContent-Length: {size}\r\n"
        "Connection: close\r\n\r\n"
    )
    connection.sendall(head.encode())
    # The server may answer and close before reading the body.
    with contextlib.suppress(OSError):
        connection.sendall(b"x" * 2**20)
    answer = b""
    try:
        while chunk := connection.recv(4096):
            answer += chunk
            if b"\r\n" in answer:
                break
    except OSError:
        pass
    connection.close()
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else None


def check_body_limit(https_port, app_port, access_log):
    status = send_large_body(https_port, True, 60 * 2**20)
    check(status == 413, f"a 60 MB body gets 413 from nginx (got {status})")
    reached = (
        "Content-Length" in access_log.read_text() or " 413 " in access_log.read_text()
    )
    check(not reached, "and it never reached gunicorn (its access log has no 413)")
    status = send_large_body(app_port, False, 300 * 2**20)
    check(
        status == 413, f"gunicorn reached directly refuses a 300 MB body (got {status})"
    )


def check_forwarded_for(client, env):
    """A failed login sent with a made-up X-Forwarded-For is recorded under the
    address nginx saw, so the header cannot dodge the login throttle."""
    _response, page = client.request("GET", "/accounts/login/")
    client.request(
        "POST",
        "/accounts/login/",
        body=f"csrfmiddlewaretoken={csrf_token(page)}&username=forged&password=x",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://{HOST}/accounts/login/",
            "X-Forwarded-For": "6.6.6.6",
        },
    )
    recorded = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from axes.models import AccessAttempt; "
            "print(*AccessAttempt.objects.filter(username='forged')"
            ".values_list('ip_address', flat=True))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    check(
        recorded == ["127.0.0.1"],
        f"a made-up X-Forwarded-For is not believed: the failure is recorded for "
        f"{recorded}",
    )


def check_static(client, folder):
    manifest = json.loads((folder / "static/staticfiles.json").read_text())
    hashed = manifest["paths"]["css/crm.css"]
    response, text = client.request("GET", f"/static/{hashed}")
    check(
        response.status == 200
        and ":focus-visible" in text
        and "immutable" in (response.getheader("Cache-Control") or ""),
        f"static files ({hashed}) come from nginx, cached for a year",
    )


def main():
    if not shutil.which("nginx"):
        sys.exit("nginx is not installed (apt-get install -y nginx)")
    folder = Path(tempfile.mkdtemp(prefix="crm-proxy-"))
    folder.chmod(0o755)
    processes = []
    try:
        database_url = (
            os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'db.sqlite3'}"
        )
        env = settings_env(folder, database_url)
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        manage(
            env,
            "shell",
            "-c",
            "from django.contrib.auth.models import User; "
            "User.objects.filter(username='proxycheck').delete(); "
            f"User.objects.create_user('proxycheck', password='{PASSWORD}')",
        )
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                f"/CN={HOST}",
                "-keyout",
                str(folder / "key.pem"),
                "-out",
                str(folder / "cert.pem"),
            ],
            check=True,
            capture_output=True,
        )
        app_port, https_port, http_port = free_port(), free_port(), free_port()
        access_log = folder / "gunicorn-access.log"
        gunicorn = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-c",
                "deploy/gunicorn.conf.py",
            ],
            cwd=ROOT,
            env={
                **env,
                "GUNICORN_BIND": f"127.0.0.1:{app_port}",
                "GUNICORN_WORKERS": str(WORKERS),
                "GUNICORN_ACCESS_LOG": str(access_log),
            },
            stderr=(folder / "gunicorn-error.log").open("w"),
        )
        processes.append(gunicorn)
        config = nginx_config(folder, https_port, http_port, app_port)
        nginx = subprocess.Popen(
            ["nginx", "-p", str(folder), "-c", str(config), "-g", "daemon off;"]
        )
        processes.append(nginx)
        wait_for_port(app_port, gunicorn)
        wait_for_port(https_port, nginx)

        client = Client(https_port)
        check_login(client)
        check_forwarded_for(client, env)
        check_static(client, folder)
        check_body_limit(https_port, app_port, access_log)
        check_slow_headers(client, https_port)
        print("The proxy holds.")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
