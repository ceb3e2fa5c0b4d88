"""One way in for every source (`nianbao.sources.read_source`): a file's blocks by its
suffix, or an Unusable saying why not."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import EXAMPLES

from nianbao.errors import UNUSABLE, Unusable
from nianbao.sources import read_source
from nianbao.sources.blocks import ParagraphBlock, TableBlock, UnreadableSource

T4_COPY = "\n".join(["行政复议 |", "行政诉讼 |", "结果维持 |", "结果纠正 |", "其他结果 |",
                     "尚未审结 |", "总计 |", *(f"{n} |" for n in range(15))])


def test_an_unsupported_suffix_is_named() -> None:
    with pytest.raises(Unusable) as caught:
        read_source(Path("report.xlsx"))
    assert str(caught.value) == ("不支持的文件类型“.xlsx”：可读取 "
                                 ".docx、.doc、.wps、.odt、.rtf、.html/.htm、.txt、.md、.pdf")
    assert caught.value.exit_code == UNUSABLE


def test_a_pdf_without_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(UnreadableSource, match=r"^PDF 文件已损坏或不是 PDF"):
        read_source(path)


@pytest.mark.parametrize("name", ["a.txt", "a.html", "a.docx", "a.pdf"])
def test_a_missing_file_is_unusable(tmp_path: Path, name: str) -> None:
    with pytest.raises(Unusable, match=r"无法读取|找不到文件"):
        read_source(tmp_path / name)


@pytest.mark.parametrize("name", ["a.txt", "a.html"])
def test_a_missing_file_is_named_in_chinese_whatever_its_kind(tmp_path: Path, name: str) -> None:
    with pytest.raises(Unusable) as caught:
        read_source(tmp_path / name)
    assert "找不到文件" in str(caught.value)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_copied_text_in_either_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "report.TXT"
    path.write_bytes(f"某机关年度报告\n{T4_COPY}\n".encode(encoding))
    blocks = read_source(path)
    assert blocks[0] == ParagraphBlock("某机关年度报告", None)
    assert isinstance(blocks[1], TableBlock)


def test_text_in_no_known_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"\xff\xfe\x00\xd8")
    with pytest.raises(Unusable, match="文本文件的编码无法识别"):
        read_source(path)


def test_a_data_file_named_docx_is_no_word_document(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes((EXAMPLES / "pingtan-2021.yaml").read_bytes())
    with pytest.raises(UnreadableSource, match="不是 Word 文档"):
        read_source(path)

