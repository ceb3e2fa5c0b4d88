"""Reports from sources other than a .docx file, read into the same blocks as
`nianbao.docx.body.read_body` gives (paragraphs and table grids in reading order), so
one reader finds the report whatever it was published as.
"""
