"""The workspace editor's form as a browser posts it, read from the page's HTML: the
tests and benchmarks/web.py save through the same form a clerk submits."""

from __future__ import annotations

import html
import re


def editor_form(page: str, **changes: str) -> dict[str, str]:
    """Inputs by their value, textareas by their text, selects by the option selected;
    then `changes` (a cell id → the text a clerk types)."""
    start = page.index('id="editor"')
    form = page[start:page.index("</form>", start)]
    data: dict[str, str] = {}
    for tag in re.finditer(r"<input ([^>]*)>", form):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag.group(1)))
        if "name" in attrs:
            data[attrs["name"]] = html.unescape(attrs.get("value", ""))
    for tag in re.finditer(r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[tag.group(1)] = html.unescape(tag.group(2))
    for tag in re.finditer(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', tag.group(2))
        data[tag.group(1)] = html.unescape(chosen.group(1)) if chosen else ""
    data.update(changes)
    return data
