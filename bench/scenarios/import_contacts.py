"""Scenario: the contact import service against COPY of the same rows, as many rows as
--import-rows (by default --contacts). The measuring is bench/import_contacts.py's,
which also runs on its own."""

from import_contacts import run

__all__ = ["run"]
