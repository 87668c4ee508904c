"""Where test code lives (issue 17 point 5): helpers in tests/support/, fixtures in
conftest.py, tests in test_*.py. No test module imports from another test module or from
conftest (pytest may load a module twice under two names, and a test file that is also a
library is hard to change)."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.settings import ROOT

TESTS = ROOT / "tests"


def imported_modules(path: Path) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
    return found


def forbidden(module: str) -> bool:
    parts = module.split(".")
    return "conftest" in parts or (parts[0] == "tests" and len(parts) > 1
                                   and parts[1].startswith("test_"))


def test_no_test_imports_from_a_test_module_or_conftest():
    found = [f"{path.relative_to(ROOT)}:{line} {module}"
             for path in sorted(TESTS.rglob("*.py"))
             for module, line in imported_modules(path) if forbidden(module)]
    assert found == []


def test_the_check_catches_both_kinds(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from tests.conftest import Chat\nimport tests.test_web_unit\n"
                      "from tests.support.chat import Chat\nfrom conftest import x\n",
                      encoding="utf-8")
    assert [m for m, _ in imported_modules(sample) if forbidden(m)] == [
        "tests.conftest", "tests.test_web_unit", "conftest"]


def test_helpers_live_in_support_and_tests_in_test_modules():
    top = {path.name for path in TESTS.glob("*.py")}
    assert {name for name in top if not name.startswith("test_")} == {"__init__.py",
                                                                      "conftest.py"}
    for path in sorted((TESTS / "support").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        tests = [node.name for node in tree.body
                 if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]
        assert tests == [], path.name
    # conftest holds fixtures and hooks only: no helper class of its own
    conftest = ast.parse((TESTS / "conftest.py").read_text(encoding="utf-8"))
    classes = {node.name for node in conftest.body if isinstance(node, ast.ClassDef)}
    assert classes <= {"Assistant"}          # the session fixture's own state
