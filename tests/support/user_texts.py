"""Every text the assistant can show a person or a member of staff, from the files it lives
in: the wording of texts/ (chat, questions, ui, web, staff, read-back, export), the
generated domain, next-step rules, knowledge entries and all templates (Jinja comments and
tags taken out)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from bot.settings import DATA_DIR, ROOT

YAML_FILES = [
    *sorted((ROOT / "texts").glob("*.yml")),
    *sorted((ROOT / "domain").glob("*.yml")),
    DATA_DIR / "next_steps.yml",
    # retired_offices.yml names the retired offices on purpose: it is the list, not a text
    *sorted(p for p in (DATA_DIR / "knowledge").glob("*.yml")
            if p.name != "retired_offices.yml"),
]
TEMPLATE_SUFFIXES = {".html", ".j2", ".txt"}
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
JINJA_TAG = re.compile(r"\{%.*?%\}", re.DOTALL)
JINJA_VALUE = re.compile(r"\{\{.*?\}\}", re.DOTALL)
HTML_TAG = re.compile(r"<[^>]+>")


# keys whose values are identifiers, patterns or notes for maintainers, never shown
NOT_SHOWN = {"id", "topic", "faq", "sources", "legal_refs", "when", "checked_how",
             # a text file's declaration of its registers (texts/README.md)
             "_file",
             # next-step rules: conditions and whom a rule is (not) for
             "unless", "for", "not_for"}


def _leaves(node) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key not in NOT_SHOWN:
                yield from _leaves(value)
    elif isinstance(node, list):
        for value in node:
            yield from _leaves(value)


def template_text(raw: str) -> str:
    """What a template says by itself: comments, tags and markup out, values as "…"."""
    text = JINJA_COMMENT.sub(" ", raw)
    text = JINJA_TAG.sub("\n", text)
    text = JINJA_VALUE.sub("…", text)
    return HTML_TAG.sub("\n", text)


def user_texts() -> Iterator[tuple[str, str]]:
    """(where, text) for every user-facing text in the repository."""
    for path in YAML_FILES:
        where = str(path.relative_to(ROOT))
        for text in _leaves(yaml.safe_load(path.read_text(encoding="utf-8"))):
            yield where, text
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.is_file() and (path.suffix in TEMPLATE_SUFFIXES):
            for block in template_text(path.read_text(encoding="utf-8")).split("\n\n"):
                if block.strip():
                    yield str(path.relative_to(ROOT)), block
