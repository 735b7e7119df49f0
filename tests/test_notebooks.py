"""The notebooks in notebooks/ run top to bottom in a real Jupyter kernel, offline.

Each notebook is read into memory and executed there (the committed file, outputs cleared, is
never rewritten; the executed copy goes to the test's temporary folder for inspection), with the
working directory set to notebooks/ so that its relative paths (`../seeds`, `../../shared/data`)
resolve as they do for a user. The notebooks name the "xlcompare" kernel (`.ci/install`
registers it for the user); here a kernelspec of that name in a temporary JUPYTER_PATH, found
before any installed one, starts the interpreter running the tests, so the kernel sees this
checkout (PYTHONPATH is set too) and a fresh clone needs no registered kernel.

A cell tagged "parameters" (papermill's convention) holds a notebook's sample sizes; the tests
run it with smaller ones (PARAMETERS), which exercises every cell in less time.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

pytestmark = [pytest.mark.notebook, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
SHARED_FLORES = REPO.parent / "shared" / "data" / "flores101-dev"
CELL_TIMEOUT_S = 300
KERNEL = "xlcompare"
PARAMETERS = {"translation_quality.ipynb": "SENTENCES_PER_PAIR = 10"}


@pytest.fixture
def kernel_env(monkeypatch, tmp_path):
    """The kernel inherits this environment: offline, isolated caches (conftest), this checkout,
    and the "xlcompare" kernelspec pointing at this interpreter."""
    pytest.importorskip("ipykernel", reason="running notebooks needs ipykernel (the [test] extra)")
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (xlcompare, tests)",
        "language": "python",
    }), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", os.pathsep.join(filter(None, [str(spec.parents[1]), os.environ.get("JUPYTER_PATH")])))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    monkeypatch.delenv("XLCOMPARE_SHARED_DATA", raising=False)
    return monkeypatch


def with_parameters(nb, source: str):
    """The notebook with `source` run right after its "parameters" cell, as papermill does."""
    index = next(i for i, cell in enumerate(nb.cells) if "parameters" in cell.metadata.get("tags", []))
    injected = nbformat.v4.new_code_cell(source)
    injected.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(index + 1, injected)
    return nb


def test_notebooks_name_the_xlcompare_kernel():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        assert nbformat.read(path, as_version=4).metadata.kernelspec.name == KERNEL, path.name


def execute(name: str, tmp_path: Path):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"), (
        f"{name} is committed with outputs; clear them"
    )
    if name in PARAMETERS:
        nb = with_parameters(nb, PARAMETERS[name])
    client = nbclient.NotebookClient(
        nb, kernel_name=nb.metadata.kernelspec.name, timeout=CELL_TIMEOUT_S,
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
    assert "10 sentences per pair" in printed(nb)  # the injected parameters took effect
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
