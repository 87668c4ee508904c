"""bot/yaml_file.py reads every data file with libyaml's C parser: it must give exactly what
the pure-Python safe loader gives, on every YAML file the application reads."""

from __future__ import annotations

import pytest
import yaml

from bot.settings import ROOT
from bot.yaml_file import LOADER, load_yaml

FILES = sorted(p for folder in ("data", "texts", "domain", "templates")
               for p in (ROOT / folder).rglob("*.yml"))


def test_the_fast_parser_is_used():
    assert yaml.__with_libyaml__ and LOADER is yaml.CSafeLoader
    assert len(FILES) > 50


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_c_parser_reads_each_data_file_as_the_safe_loader_does(path):
    assert load_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8"))


def test_it_stays_safe(tmp_path):
    """No arbitrary Python objects: the C loader is the *safe* one."""
    evil = tmp_path / "evil.yml"
    evil.write_text("x: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(yaml.constructor.ConstructorError):
        load_yaml(evil)
