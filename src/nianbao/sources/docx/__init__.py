"""Safe, exact reading of Word (.docx) documents: the package (zip) opened defensively,
the body read in order, and tables rebuilt as logical grids with merges resolved.

Uses lxml directly; python-docx is not on this path (it misplaces cells of merged and
content-controlled tables, and is slow for checking many reports).
"""

from nianbao.sources.blocks import Block, Grid, GridCell, ParagraphBlock, TableBlock
from nianbao.sources.docx.body import paragraph_text, read_body, style_names
from nianbao.sources.docx.grid import read_table, tables_in
from nianbao.sources.docx.package import DocxPackage, UnreadableDocx, parse_xml, read_part

__all__ = [
    "Block",
    "DocxPackage",
    "Grid",
    "GridCell",
    "ParagraphBlock",
    "TableBlock",
    "UnreadableDocx",
    "paragraph_text",
    "parse_xml",
    "read_body",
    "read_part",
    "read_table",
    "style_names",
    "tables_in",
]
