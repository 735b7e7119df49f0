"""The notebooks in notebooks/ run top to bottom in a real Jupyter kernel, offline.

Each notebook is read into memory and executed there (the committed file, outputs cleared, is
never rewritten; the executed copy goes to the test's temporary folder for inspection), with the
working directory set to notebooks/ so that its relative paths (`../seeds`, `../../shared/data`)
resolve as they do for a user. The kernel is the "python3" kernelspec; jupyter_client starts it
with the interpreter running the tests, so it sees this checkout (PYTHONPATH is set too).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

pytestmark = [pytest.mark.notebook, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
SHARED_FLORES = REPO.parent / "shared" / "data" / "flores101-dev"
CELL_TIMEOUT_S = 300


@pytest.fixture
def kernel_env(monkeypatch):
    """The kernel inherits this environment: offline, isolated caches (conftest), this checkout."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    monkeypatch.delenv("XLCOMPARE_SHARED_DATA", raising=False)
    return monkeypatch


def execute(name: str, tmp_path: Path):
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        pytest.fail("No 'python3' Jupyter kernel: run `.venv/bin/python -m ipykernel install --user --name python3`")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"), (
        f"{name} is committed with outputs; clear them"
    )
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    try:
        client.execute()
    finally:
        nbformat.write(nb, tmp_path / name)
    errors = [
        f"cell {k}: {out.ename}: {out.evalue}"
        for k, cell in enumerate(nb.cells) if cell.cell_type == "code"
        for out in cell.outputs if out.output_type == "error"
    ]
    assert not errors, errors
    return nb


def outputs(nb, mime: str) -> list[str]:
    return [
        out["data"][mime]
        for cell in nb.cells if cell.cell_type == "code"
        for out in cell.outputs if mime in out.get("data", {})
    ]


def printed(nb) -> str:
    return "".join(
        out.text for cell in nb.cells if cell.cell_type == "code"
        for out in cell.outputs if out.output_type == "stream" and out.name == "stdout"
    )


def test_explore_seeds(kernel_env, tmp_path):
    nb = execute("explore_seeds.ipynb", tmp_path)
    html = outputs(nb, "text/html")
    # The side-by-side comparison view (scoped under .xlc) and pandas tables.
    assert any('class="xlc"' in h and 'class="sbs"' in h for h in html)
    assert sum('class="dataframe' in h for h in html) >= 4
    # Heatmap, scores and themes.
    assert len(outputs(nb, "image/png")) >= 3


@pytest.mark.skipif(not (SHARED_FLORES / "dev.en").is_file(),
                    reason=f"FLORES-101 dev data absent ({SHARED_FLORES}); see the no-data test")
def test_translation_quality(kernel_env, tmp_path):
    nb = execute("translation_quality.ipynb", tmp_path)
    assert "not found" not in printed(nb)
    # Scores, ranking and flag-rate tables; the score bar chart and the confidence histogram.
    assert sum('class="dataframe' in h for h in outputs(nb, "text/html")) >= 4
    assert len(outputs(nb, "image/png")) >= 2


def test_translation_quality_without_data(kernel_env, tmp_path):
    empty = tmp_path / "no-shared-data"
    empty.mkdir()
    kernel_env.setenv("XLCOMPARE_SHARED_DATA", str(empty))
    nb = execute("translation_quality.ipynb", tmp_path)
    text = printed(nb)
    assert "FLORES-101 dev not found" in text
    assert text.count("skipped: no FLORES data") >= 3
    assert not outputs(nb, "image/png")


SHARED_NTREX = REPO.parent / "shared" / "data" / "ntrex128"


@pytest.mark.skipif(not (SHARED_NTREX / "hin.txt").is_file(),
                    reason=f"NTREX-128 absent ({SHARED_NTREX}); see the no-data test")
def test_explore_corpus(kernel_env, tmp_path):
    nb = execute("explore_corpus.ipynb", tmp_path)
    text = printed(nb)
    assert "not found" not in text and "written: ['cache', 'corpus.json', 'index.html', 'matches.jsonl', 'pairs']" in text
    found, total = (int(x) for x in text.split(" true pairs found")[0].split("\n")[-1].split(" of "))
    assert found == total > 0
    html = outputs(nb, "text/html")
    assert any('class="stories"' in h for h in html)  # the result's own view
    assert sum('class="dataframe' in h for h in html) >= 2
    assert any('class="sbs"' in h for h in html)  # one pair side by side


def test_explore_corpus_without_data(kernel_env, tmp_path):
    empty = tmp_path / "no-shared-data"
    empty.mkdir()
    kernel_env.setenv("XLCOMPARE_SHARED_DATA", str(empty))
    nb = execute("explore_corpus.ipynb", tmp_path)
    text = printed(nb)
    assert "NTREX-128 not found" in text and "skipped: no NTREX-128 data" in text
