"""The production settings with one more URL: the one-query page the throughput
scenario loads next to the entry list (reference_urls). Everything else, middleware,
sessions, CONN_MAX_AGE, templates, is config.settings' own."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "reference_urls"
