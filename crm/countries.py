"""Countries as NAV's Land/regio code: a contact's country is stored as its ISO 3166
code ("NL"), typed as that code or as the country's name in a language of the site
("Nederland", "Netherlands", "belgie"), and named in the user's language. The names
are the CLDR's, through Babel."""

import unicodedata
from functools import cache

from babel import Locale
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Territories of the CLDR that are no country one writes to: unions, unknown,
# pseudo-locales.
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})


def _key(text):
    """`text` as compared: no accents, case or surrounding spaces ("België" is
    "belgie")."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _languages():
    """The site's languages (settings.LANGUAGES): what a name may be typed in."""
    return [code for code, _name in settings.LANGUAGES]


@cache
def _names(language):
    """{code: name} in `language` (one of the site's)."""
    return {
        code: name
        for code, name in Locale.parse(language).territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    }


@cache
def _codes():
    """{compared name or code: code}, for every language's names."""
    codes = {}
    for language in _languages():
        for code, name in _names(language).items():
            codes[_key(name)] = code
            codes[_key(code)] = code
    return codes


def _language():
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in _languages() else settings.LANGUAGE_CODE


def country_code(text):
    """The code of the country `text` names (a code or a name), or None."""
    return _codes().get(_key(text))


def stored_country(text, field="country"):
    """`text` as stored: blank, or the code of the country it names; a
    ValidationError for `field` when it names none."""
    if not text:
        return text
    code = country_code(text)
    if code is None:
        raise ValidationError(
            {
                field: _(
                    "“%(country)s” is not a country: enter its code, such as NL, or "
                    "its name, such as Nederland."
                )
                % {"country": text}
            }
        )
    return code


def country_name(code):
    """The name of the country `code` in the active language; `code` itself when it
    names none (a value stored before countries were codes)."""
    return _names(_language()).get(code, code)


def country_choices():
    """[(code, name)] of every country, by name in the active language."""
    names = _names(_language())
    return sorted(names.items(), key=lambda item: _key(item[1]))
