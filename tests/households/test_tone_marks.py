"""One tone-mark convention everywhere (issue 17, finding 5): the traditional style of the official
unit names and the legal texts — "hóa", "khóa", "Hủy", "Hòa", "Thủy" — never the new style
("hoá", "khoá", "Huỷ", "Hoà", "Thuỷ").

The new style puts the mark on the second vowel of an open "oa", "oe" or "uy" at the end of a
syllable. It is looked for in the templates, the Python strings, the catalogues, the reference
data files and the reference data as loaded. Not a new-style form:
- "qu" + y ("quý", "quỹ", "quỳ"): the u belongs to the consonant, the mark is on y in both styles;
- a vowel pair followed by more letters ("hoàn", "khoảng", "thuyền"): the same in both styles.
Documented exceptions: the migrations (they record the labels of their day and are never edited)
and this file (it lists the forms it looks for).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

NEW_STYLE = [
    "oá", "oà", "oả", "oã", "oạ",
    "oé", "oè", "oẻ", "oẽ", "oẹ",
    "uý", "uỳ", "uỷ", "uỹ", "uỵ",
]  # fmt: skip
_LETTER = "a-zA-ZđĐ\u00c0-\u1ef9"
PATTERN = re.compile(rf"(?<![qQ])((?i:{'|'.join(NEW_STYLE)}))(?![{_LETTER}])")
SOURCES = (
    "templates/**/*.html",
    "templates/**/*.txt",
    "config/**/*.py",
    "households/**/*.py",
    "programs/**/*.py",
    "targets/**/*.py",
    "reports/**/*.py",
    "locale/**/*.po",
    "households/reference/*.csv",
    "static/js/*.js",
    "tests/**/*.py",
)
EXCEPTIONS = ("/migrations/", "tests/households/test_tone_marks.py")


def new_style_forms(text: str) -> list[str]:
    return [m.group(0) for m in PATTERN.finditer(text)]


def test_the_pattern_tells_the_two_styles_apart():
    assert new_style_forms("Đã khoá. Huỷ. Hoà Minh. Thuỷ. minh hoạ. khoẻ") == [
        "oá", "uỷ", "oà", "uỷ", "oạ", "oẻ",
    ]  # fmt: skip
    assert new_style_forms("Đã khóa. Hủy. Hòa Minh. Thủy. minh họa. khỏe") == []
    assert new_style_forms("quý, quỹ, quỳ; hoàn thành, khoảng, thuyền, toán") == []


def _files():
    for pattern in SOURCES:
        for path in ROOT.glob(pattern):
            relative = path.relative_to(ROOT).as_posix()
            if not any(part in f"/{relative}" for part in EXCEPTIONS):
                yield relative, path


def test_no_new_style_tone_marks_in_code_templates_catalogues_and_data_files():
    found = []
    for relative, path in _files():
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
            found += [
                f"{relative}:{number}: {f}: {line.strip()[:100]}" for f in new_style_forms(line)
            ]
    assert found == []


@pytest.mark.django_db
def test_no_new_style_tone_marks_in_the_loaded_reference_data():
    from households.models import Agency, Area, EthnicGroup, PovertyCause, PovertyIndicator
    from programs.models import Programme

    found = []
    for model, fields in (
        (Area, ("name",)),
        (Agency, ("name", "short_name")),
        (EthnicGroup, ("name",)),
        (PovertyCause, ("name",)),
        (PovertyIndicator, ("name",)),
        (Programme, ("name", "description")),
    ):
        for row in model.objects.values_list(*fields):
            found += [f"{model.__name__}: {v}" for v in row if v and new_style_forms(v)]
    assert found == []
