"""The name tables kept on disk: what a later run loads is what the first one built, a
damaged or unwritable cache costs only time, and a run with the file never reads CLDR."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xlcompare.lang import gazetteer

ROOT = Path(__file__).resolve().parents[1]


def _fresh_tables() -> gazetteer._Tables:
    gazetteer._tables.cache_clear()
    return gazetteer._tables()


@pytest.fixture
def built() -> gazetteer._Tables:
    return gazetteer._build_tables()


def test_stored_tables_read_back_identical(built) -> None:
    loaded = gazetteer._tables_from_json(json.loads(json.dumps(gazetteer._tables_to_json(built))))
    assert loaded.entities == built.entities
    assert [e.names for e in loaded.entities] == [e.names for e in built.entities]
    for language in gazetteer.LANGUAGES:
        assert {k: e.id for k, e in loaded.names[language].items()} == {k: e.id for k, e in built.names[language].items()}
        assert loaded.calendar[language] == built.calendar[language]
    assert {k: [e.id for e in v] for k, v in loaded.latin.items()} == {k: [e.id for e in v] for k, v in built.latin.items()}
    assert loaded.calendar["fa"] == {"دوشنبه": ("weekday", 0)}


def test_the_first_run_stores_them_and_the_next_loads_them(built, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("XLCOMPARE_CACHE_DIR", str(tmp_path))
    first = _fresh_tables()
    files = list((tmp_path / "names").glob("tables-*.json"))
    assert len(files) == 1 and not list((tmp_path / "names").glob(".tables-*"))
    second = _fresh_tables()
    assert second.entities == first.entities == built.entities
    assert gazetteer.name_index("hi") is second.names["hi"]
    gazetteer._tables.cache_clear()


@pytest.mark.parametrize("damage", ["not json", '{"format": 1, "entities": [["x"]]}', '{"format": 99}', ""])
def test_a_damaged_file_is_built_again_and_replaced(built, monkeypatch, tmp_path, damage) -> None:
    monkeypatch.setenv("XLCOMPARE_CACHE_DIR", str(tmp_path))
    path = gazetteer._tables_path()
    path.parent.mkdir(parents=True)
    path.write_text(damage, encoding="utf-8")
    assert _fresh_tables().entities == built.entities
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == gazetteer._TABLES_FORMAT
    gazetteer._tables.cache_clear()


def test_an_unwritable_cache_costs_only_time(built, monkeypatch, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("XLCOMPARE_CACHE_DIR", str(blocker))
    assert _fresh_tables().entities == built.entities
    gazetteer._tables.cache_clear()


def test_the_file_is_named_by_the_code_that_built_it(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("XLCOMPARE_CACHE_DIR", str(tmp_path))
    before = gazetteer._tables_path()
    source = tmp_path / "lang"
    source.mkdir()
    for path in Path(gazetteer.__file__).parent.glob("*.py"):
        (source / path.name).write_bytes(path.read_bytes())
    (source / "transliterate.py").write_text("# changed\n", encoding="utf-8", errors="strict")
    monkeypatch.setattr(gazetteer, "__file__", str(source / "gazetteer.py"))
    assert gazetteer._tables_path() != before


def test_a_run_with_the_tables_stored_reads_no_cldr(tmp_path) -> None:
    code = (
        "import sys\n"
        "from xlcompare.lang import gazetteer\n"
        "assert gazetteer.name_index('fa') and gazetteer.latin_index() and gazetteer.calendar_words('fa')\n"
        "print('babel.dates' in sys.modules)\n"
    )
    env = {**os.environ, "XLCOMPARE_CACHE_DIR": str(tmp_path),
           "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
            for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr[-2000:]
    assert [r.stdout.strip() for r in runs] == ["True", "False"]
