import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


SECRET_KEY = "x7!Kq2mZ9vR4tY8wB1nC6dF3gH5jL0pS-uE2aI7oT9rQ4eW6yU8iO1pA3sD5fG"
# Settings the caller's environment may set; these tests start from the defaults.
UNSET = (
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # the browser tests' setting
    "DJANGO_LOGIN_FAILURE_LIMIT",
    "DJANGO_LOGIN_COOLOFF_MINUTES",
    "DJANGO_SESSION_AGE",
    "DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "DJANGO_HSTS_SECONDS",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_BEHIND_PROXY",
)


def run_manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in UNSET}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_collectstatic_builds_the_compressed_manifest(tmp_path):
    result = run_manage(
        "collectstatic", "--no-input", DJANGO_STATIC_ROOT=str(tmp_path / "static")
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
    # Gzip only, even where a development tool installed brotli.
    assert list((tmp_path / "static").rglob("*.gz"))
    assert not list((tmp_path / "static").rglob("*.br"))


# Fetches the login page over HTTPS and over plain HTTP with the settings in force.
FETCH_LOGIN_PAGE = """
import json
from django.test import Client
client = Client(headers={"host": "crm.example.com"})
page = client.get("/accounts/login/", secure=True)
plain = client.get("/accounts/login/")
print(json.dumps({
    "status": page.status_code,
    "headers": dict(page.headers),
    "csrf_cookie": page.cookies["csrftoken"].output(),
    "plain": [plain.status_code, plain.get("Location")],
}))
"""
SHOW_SETTINGS = """
from django.conf import settings
print(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME,
      settings.SESSION_COOKIE_AGE, settings.SESSION_EXPIRE_AT_BROWSER_CLOSE)
"""


def test_production_responses_send_the_security_headers(tmp_path):
    static = str(tmp_path / "static")
    env = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "crm.example.com",
        "DJANGO_STATIC_ROOT": static,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    assert run_manage("collectstatic", "--no-input", **env).returncode == 0
    result = run_manage("shell", "--no-imports", "--command", FETCH_LOGIN_PAGE, **env)
    assert result.returncode == 0, result.stderr
    page = json.loads(result.stdout)

    headers = page["headers"]
    assert page["status"] == 200
    assert headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert headers["Content-Security-Policy"].startswith(
        "default-src 'self'; script-src 'self'; style-src 'self';"
    )
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "; Secure" in page["csrf_cookie"]
    assert page["plain"] == [301, "https://crm.example.com/accounts/login/"]


def test_rate_limit_and_session_settings_come_from_the_environment():
    show = ("shell", "--no-imports", "--command", SHOW_SETTINGS)
    defaults = run_manage(*show, DJANGO_DEBUG="1")
    configured = run_manage(
        *show,
        DJANGO_DEBUG="1",
        DJANGO_LOGIN_FAILURE_LIMIT="3",
        DJANGO_LOGIN_COOLOFF_MINUTES="60",
        DJANGO_SESSION_AGE="3600",
        DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE="1",
    )

    assert defaults.stdout.split() == ["5", "0:15:00", "28800", "False"]
    assert configured.stdout.split() == ["3", "1:00:00", "3600", "True"]


TEMPLATE_LOADERS = """
import json
from django.template import engines
from django.template.loader import get_template
engine = engines["django"].engine
print(json.dumps({
    "debug": engine.debug,
    "loaders": [
        f"{type(loader).__module__}.{type(loader).__name__}"
        for loader in engine.template_loaders
    ],
    "cached": [
        f"{type(loader).__module__}.{type(loader).__name__}"
        for loader in getattr(engine.template_loaders[0], "loaders", [])
    ],
    "compiled_once": get_template("list_base.html").template
    is get_template("list_base.html").template,
}))
"""


def test_production_settings_compile_each_template_once():
    # Django wraps its loaders in the cached one only while TEMPLATES sets no
    # "loaders" of its own: a page would otherwise read and parse every template it
    # includes on every request (issue 19).
    result = run_manage(
        "shell",
        "--no-imports",
        "--command",
        TEMPLATE_LOADERS,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
    )
    assert result.returncode == 0, result.stderr
    engine = json.loads(result.stdout)

    assert engine["debug"] is False
    assert engine["loaders"] == ["django.template.loaders.cached.Loader"]
    assert engine["cached"] == [
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    assert engine["compiled_once"] is True
