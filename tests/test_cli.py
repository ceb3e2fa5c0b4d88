"""The `nianbao` command's own rules, beside what the jobs do: an output is what its name
says (exit 2, a Chinese line, nothing written otherwise)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from nianbao.cli import main

# a space between Chinese and a Latin word (写出的是 Word 文档), none between Chinese words
DOCX, PAGE, DATA = ("写出的是 Word 文档，文件名应以 .docx 结尾",
                    "写出的是网页，文件名应以 .html 或 .htm 结尾",
                    "写出的是数据文件，文件名应以 .yaml 或 .yml 或 .xlsx 结尾")


@pytest.mark.parametrize(("args", "output", "what"), [
    (["render", "pingtan-2021.yaml"], "年报.pdf", DOCX),
    (["render", "pingtan-2021.yaml"], "年报.html", DOCX),  # a page wants --html
    (["render", "pingtan-2021.yaml", "--html"], "年报.docx", PAGE),
    (["render", "pingtan-2021.yaml", "--html"], "年报.yaml", PAGE),
    (["new", "--office", "config/offices/pingtan.yaml", "--year", "2024"], "2024.docx", DATA),
    (["rollover", "pingtan-2021.yaml"], "2022.docx", DATA),
    (["aggregate", "pingtan-2021.yaml", "--office", "config/offices/pingtan.yaml"],
     "total.html", DATA),
])
def test_an_output_must_be_named_for_what_it_holds(workdir: Path, args: list[str], output: str,
                                                   what: str) -> None:
    result = CliRunner().invoke(main, [*args, "-o", output])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [f"{output}: {what}；未写出文件"]
    assert not (workdir / output).exists()


def test_import_names_its_data_file_for_what_it_is(workdir: Path) -> None:
    assert CliRunner().invoke(main, ["render", "pingtan-2021.yaml", "-o", "p.docx"]).exit_code == 0
    result = CliRunner().invoke(main, ["import", "p.docx", "-o", "p.docx.txt"])
    assert result.exit_code == 2
    assert f"p.docx.txt: {DATA}；未写出文件" in result.output
    assert not (workdir / "p.docx.txt").exists()
    assert not (workdir / "config" / "offices" / "平潭综合实验区.yaml").exists()


@pytest.mark.parametrize("output", ["年报.docx", "年报.DOCX"])
def test_a_right_name_renders(workdir: Path, output: str) -> None:
    result = CliRunner().invoke(main, ["render", "pingtan-2021.yaml", "-o", output])
    assert result.exit_code == 0, result.output
    assert (workdir / output).read_bytes().startswith(b"PK")


def test_the_english_names_what_is_written_with_one_space(workdir: Path) -> None:
    result = CliRunner(env={"LANGUAGE": "en"}).invoke(
        main, ["render", "pingtan-2021.yaml", "-o", "x.html"])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "x.html: what is written is a Word document, so its name must end in .docx; "
        "nothing written"]
