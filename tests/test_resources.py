"""Where the forms, standard paragraphs, office profiles and templates are looked up."""

from __future__ import annotations

from nianbao.resources import config_path, data_root, read_config, template_path


def test_config_and_templates_are_found() -> None:
    assert config_path("forms", "2021.yaml") == data_root() / "config" / "forms" / "2021.yaml"
    assert config_path("forms", "2021.yaml").is_file()
    assert template_path("2019") == data_root() / "templates" / "annual-report-2019.docx"
    assert template_path("2019").is_file()


def test_a_config_file_is_parsed_once() -> None:
    settings = read_config("datafile.yaml")
    assert read_config("datafile.yaml") is settings
    assert settings["todo_marker"] == "【待填写】"
