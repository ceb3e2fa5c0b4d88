"""Which language the command speaks: Chinese unless the locale asks for English.

The texts in the code are the Chinese a clerk reads, and they are the msgids; the
English catalog (`locale/en/LC_MESSAGES/nianbao.po`) translates them. click's own
messages (Usage:, Error: Missing argument …) are English msgids in click's source; the
Chinese catalog `locale/zh_CN/LC_MESSAGES/click.po` translates them, and is put in
place of click's `gettext` for the time of one command.

The catalogs are read from their .po files when a command starts, not from compiled
.mo files: the .po is then the only copy (nothing generated to commit and keep in step,
no build step for the wheel, no binary diffs), and the reader below is small. Reading
a catalog of ~100 entries costs 1–2 ms of a command's ~200 ms start. `tests/test_locale.py`
checks the reader against GNU msgfmt where it is installed.
"""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gettext import _TranslationsReader

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "nianbao"  # our messages, Chinese msgids
CLICK_DOMAIN = "click"  # click's messages, English msgids
_ESCAPES = {"n": "\n", "t": "\t", "b": "\b", "r": "\r", "f": "\f", "v": "\v", "a": "\a",
            "\"": "\"", "\\": "\\"}


class PoTranslations(gettext.NullTranslations):
    """A gettext catalog read straight from its .po file (msgid, msgid_plural, msgstr,
    msgstr[n], continued lines; entries marked fuzzy are left out, as msgfmt does)."""

    def _parse(self, fp: _TranslationsReader) -> None:
        self._catalog: dict[str | tuple[str, int], str] = {}
        self._plural: Callable[[int], int] = lambda n: int(n != 1)
        for entry in _entries(fp.read().decode("utf-8")):
            self._add(entry)

    def _add(self, entry: dict[str, str]) -> None:
        msgid = entry.get("msgid")
        if msgid is None or "fuzzy" in entry.get("flags", ""):
            return
        if msgid == "":
            forms = re.search(r"^Plural-Forms:.*plural=([^;\n]+)", entry.get("msgstr", ""), re.M)
            if forms:
                self._plural = gettext.c2py(forms.group(1).strip())
            return
        if "msgid_plural" in entry:
            for key, text in entry.items():
                if key.startswith("msgstr[") and text:
                    self._catalog[(msgid, int(key[7:-1]))] = text
        elif entry.get("msgstr"):
            self._catalog[msgid] = entry["msgstr"]

    def gettext(self, message: str) -> str:
        text = self._catalog.get(message)
        return text if isinstance(text, str) else message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        text = self._catalog.get((msgid1, self._plural(n)))
        if isinstance(text, str):
            return text
        return msgid1 if n == 1 else msgid2

    def messages(self) -> Mapping[str | tuple[str, int], str]:
        """Every translation, by msgid (and plural index): for the tests."""
        return self._catalog


def _entries(text: str) -> Iterator[dict[str, str]]:
    """The entries of a .po file, each keyword with its (unescaped, joined) string."""
    entry: dict[str, str] = {}
    keyword = ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            if entry:
                yield entry
            entry, keyword = {}, ""
        elif line.startswith("#,"):
            entry["flags"] = entry.get("flags", "") + line[2:]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[keyword] += _unquote(line, number)
        else:
            keyword, _, rest = line.partition(" ")
            if keyword in entry and keyword == "msgid":  # a new entry without a blank line
                yield entry
                entry = {}
            entry[keyword] = _unquote(rest.strip(), number)
    if entry:
        yield entry


def _unquote(token: str, number: int) -> str:
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise ValueError(f"line {number}: expected a quoted string, got {token!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], token[1:-1])


@cache
def catalog(language: str, domain: str) -> PoTranslations:
    """The catalog of one language and domain, read once per process."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"
    with path.open("rb") as fp:
        return PoTranslations(fp)


def wants_english(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the locale asks for English. The variables are read in gettext's order
    (LANGUAGE, LC_ALL, LC_MESSAGES, LANG; the first that is set counts, LANGUAGE may
    list several); the first language we have decides, and without one it is Chinese
    (a clerk's machine often says C, POSIX or nothing)."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable)
        if value:
            for language in value.split(":"):
                code = re.split(r"[_.@-]", language, maxsplit=1)[0].lower()
                if code in ("en", "zh"):
                    return code == "en"
            return False
    return False


_active: gettext.NullTranslations = gettext.NullTranslations()
_click_active: gettext.NullTranslations = gettext.NullTranslations()


def _(message: str) -> str:
    """A message of ours in the language of the running command."""
    return _active.gettext(message)


def click_text(message: str) -> str:
    """One of click's messages in the language of the running command (for the few
    texts click fixes when a parameter is made, such as a path's kind, "file")."""
    return _click_active.gettext(message)


def N_(message: str) -> str:  # gettext's name for "translated later"
    """Marks a text translated later, where it is shown (help texts, defined at import)."""
    return message


def _click_modules() -> tuple[ModuleType, ...]:
    """The click modules whose messages a command can show (each imports gettext's
    `gettext as _` and `ngettext` by name, so each is given the catalog's)."""
    from click import core, decorators, exceptions, formatting, parser, termui, types, utils

    return core, decorators, exceptions, formatting, parser, termui, types, utils


@contextmanager
def speaking(environ: Mapping[str, str] = os.environ) -> Iterator[bool]:
    """For the time of one command: our messages and click's in the language the
    locale asks for (yields whether it is English); everything as it was afterwards."""
    global _active, _click_active
    english = wants_english(environ)
    previous = _active, _click_active
    _active = catalog("en", DOMAIN) if english else gettext.NullTranslations()
    saved: list[tuple[ModuleType, str, Any]] = []
    if not english:
        chinese = _click_active = catalog("zh_CN", CLICK_DOMAIN)
        for module in _click_modules():
            for name, function in (("_", chinese.gettext), ("ngettext", chinese.ngettext)):
                if hasattr(module, name):
                    saved.append((module, name, getattr(module, name)))
                    setattr(module, name, function)
    try:
        yield english
    finally:
        _active, _click_active = previous
        for module, name, function in saved:
            setattr(module, name, function)
