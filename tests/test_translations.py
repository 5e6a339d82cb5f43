"""The Dutch catalogue is complete: every message translated, none left fuzzy."""

from pathlib import Path

import polib
import pytest

CATALOGUES = sorted((Path(__file__).resolve().parents[1] / "locale").glob("*/*/*.po"))


def test_there_is_a_dutch_catalogue():
    assert [path.parts[-3] for path in CATALOGUES] == ["nl"]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parts[-3])
def test_every_message_is_translated_and_none_is_fuzzy(path):
    catalogue = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert (untranslated, fuzzy) == ([], [])
    assert catalogue.percent_translated() == 100


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parts[-3])
def test_plural_messages_fill_every_form(path):
    catalogue = polib.pofile(str(path))
    missing = [
        entry.msgid
        for entry in catalogue
        if entry.msgid_plural and not all(entry.msgstr_plural.values())
    ]
    assert missing == []
