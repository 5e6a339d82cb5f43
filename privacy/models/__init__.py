"""The privacy app's records: data-subject exports, retention policies and runs."""
