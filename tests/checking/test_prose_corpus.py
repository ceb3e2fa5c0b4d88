"""The prose rules (P1–P28, Y1–Y3 of the issue 18 contract) against a corpus of sentences
as real reports write them (tests/checking/prose_corpus.yaml).

Why a corpus: the rules are patterns over free Chinese text, and what breaks them is the
phrasing of real reports (收到75件…申请, 全角数字, 一百零五件, 较上年增加, 人大建议办结 …),
not the arithmetic. Each case is one paragraph with its cells, so a pattern made wider or
narrower shows up as a named case, and the corpus itself is checked to keep a positive and
a negative case for every rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from nianbao.checking.prose import LastYear, prose_findings
from nianbao.spec.form import Form, load_form
from nianbao.spec.rules import cell_ref

CORPUS_PATH = Path(__file__).with_name("prose_corpus.yaml")
CORPUS: list[dict[str, Any]] = yaml.safe_load(CORPUS_PATH.read_text(encoding="utf-8"))
RULES = [f"P{i}" for i in range(1, 31)] + ["Y1", "Y2", "Y3"]
FORMS: dict[str, Form] = {}


def _form(version: str) -> Form:
    if version not in FORMS:
        FORMS[version] = load_form(version)
    return FORMS[version]


def _tables(cells: Mapping[str, Any] | None, form: Form) -> dict[str, dict[Any, Any]]:
    """{"t3.received.total": 74, …} → {"t3": {("received", "total"): 74}, …}."""
    tables: dict[str, dict[Any, Any]] = {}
    for path, value in (cells or {}).items():
        table_id, cell = cell_ref(path, form.tables)
        tables.setdefault(table_id, {})[cell] = value
    return tables


def _text(value: str | list[str], section: str) -> dict[str, list[str]]:
    return {section: [value] if isinstance(value, str) else list(value)}


def _fees(raw: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    return {"notices": int(raw["notices"]), "amount": Decimal(str(raw["amount"]))}


def _last(raw: Mapping[str, Any] | None, form: Form) -> LastYear | None:
    if raw is None:
        return None
    text = {key: list(paras) for key, paras in (raw.get("text") or {}).items()}
    return LastYear(tables=_tables(raw.get("cells"), form), text=text)


@pytest.mark.parametrize("case", CORPUS, ids=[c["id"] for c in CORPUS])
def test_corpus_case(case: dict[str, Any]) -> None:
    form = _form(str(case.get("form", "2021")))
    section = str(case.get("section", "requests"))
    text = _text(case["text"], section)
    findings = prose_findings(form, text, _tables(case.get("cells"), form),
                              year=case.get("year", 2023), fees=_fees(case.get("fees")),
                              last=_last(case.get("last"), form))
    assert sorted(f.rule for f in findings) == sorted(case["expect"]), case["why"]
    for finding in findings:
        quote = finding.quote
        assert quote is not None, finding
        paragraph = text[quote.section][quote.paragraph]
        assert quote.text, finding
        assert paragraph[quote.start:quote.end] == quote.text, finding
        assert finding.message.startswith("正文“"), finding.message
    for wanted in case.get("message_contains", ()):
        assert any(wanted in f.message for f in findings), (wanted, [f.message for f in findings])


def test_corpus_covers_every_rule_both_ways() -> None:
    assert len(CORPUS) >= 60
    ids = [c["id"] for c in CORPUS]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    positive = {rule for c in CORPUS for rule in c["expect"]}
    negative = {rule for c in CORPUS for rule in c.get("about", ()) if rule not in c["expect"]}
    assert set(RULES) <= positive, sorted(set(RULES) - positive)
    assert set(RULES) <= negative, sorted(set(RULES) - negative)
    assert positive | negative <= set(RULES), sorted((positive | negative) - set(RULES))
