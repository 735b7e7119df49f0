"""A newcomer's first run: readable help, errors that say what failed and what to do next,
install hints that never fetch PyPI's unrelated `xlcompare`, publication dates given by hand."""
from __future__ import annotations

import errno
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xlcompare.cli import app
from xlcompare.errors import DownloadError, InputError, install_hint
from xlcompare.translation import hub

ROOT = Path(__file__).resolve().parents[1]
HI = ROOT / "seeds" / "hi_tajikistan_china_counterterrorism.txt"
FA = ROOT / "seeds" / "fa_tajikistan_denies_chinese_base.txt"
COMMANDS = [[], ["translate"], ["compare"], ["evaluate"], ["models"], ["models", "download"]]


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


# --- help -------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "xlcompare")
def test_help_has_no_type_placeholders_on_flags_and_plain_usage(runner, command):
    result = runner.invoke(app, [*command, "--help"], prog_name="xlcompare", env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    usage = next(line for line in result.output.splitlines() if "Usage:" in line)
    assert "{" not in usage and "}" not in usage, usage
    assert re.search(r"Usage: xlcompare\b", usage), usage


def test_usage_lines_name_the_arguments(runner):
    compare = runner.invoke(app, ["compare", "--help"], prog_name="xlcompare").output
    translate = runner.invoke(app, ["translate", "--help"], prog_name="xlcompare").output
    assert "xlcompare compare [OPTIONS] LEFT RIGHT" in compare
    assert "xlcompare translate [OPTIONS] FILES..." in translate
    assert "--left-date" in compare and "YYYY-MM-DD" in compare


# --- install hints ----------------------------------------------------------------------------


@pytest.mark.parametrize("extra", ["fast", "notebook", "eval", "st"])
def test_install_hints_never_install_pypis_xlcompare(extra):
    hint = install_hint(extra)
    assert f"pip install -e '.[{extra}]'" in hint
    # `pip install xlcompare...` from PyPI would fetch an unrelated Excel-diff tool.
    assert not re.search(r"pip install '?xlcompare", hint)


def test_readme_never_installs_xlcompare_from_pypi():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert not re.search(r"pip install\s+(?:-U\s+)?['\"]?xlcompare\b", readme)


# --- a first compare without a model ------------------------------------------------------------


def test_compare_without_a_model_suggests_no_translate(runner, tmp_path):
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["compare", str(HI), str(FA), "--offline", "-o", str(out)])
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "facebook/nllb-200-distilled-600M" in message
    assert "--no-translate" in message
    assert not out.exists()


# --- models download --------------------------------------------------------------------------


def _downloads_reach(monkeypatch, *, model_info=None, snapshot_download=None):
    """Let hub.download run as if online, with the Hub's client functions replaced."""
    import huggingface_hub

    class Info:
        siblings = []

    class Api:
        def __init__(self, endpoint=None):
            pass

        def model_info(self, *args, **kwargs):
            return model_info() if model_info else Info()

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(huggingface_hub, "HfApi", Api)
    if snapshot_download is not None:
        monkeypatch.setattr(huggingface_hub, "snapshot_download", snapshot_download)


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "is full"),
        (PermissionError(errno.EACCES, "Permission denied", "/cache/models--x"), "no permission to write /cache/models--x"),
    ],
)
def test_a_failed_download_says_what_failed(monkeypatch, error, says):
    def snapshot_download(*args, **kwargs):
        raise error

    _downloads_reach(monkeypatch, snapshot_download=snapshot_download)
    with pytest.raises(DownloadError) as caught:
        hub.download("Helsinki-NLP/opus-mt-hi-en")
    message = str(caught.value)
    assert says in message and "Helsinki-NLP/opus-mt-hi-en" in message
    assert "HF_HUB_CACHE" in message
    assert "models download" not in message


def test_a_download_without_network_says_so_and_not_to_run_it_again(runner, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    # Port 9 (discard) on this machine: the connection is refused at once, as without network.
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("HF_HUB_ETAG_TIMEOUT", "2")
    result = runner.invoke(app, ["models", "download", "Helsinki-NLP/opus-mt-hi-en"])
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "network" in message and "http://127.0.0.1:9" in message
    assert "models download" not in message


def test_a_download_in_offline_mode_names_the_setting(runner):
    result = runner.invoke(app, ["models", "download", "opus-mt"])  # conftest sets HF_HUB_OFFLINE=1
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "HF_HUB_OFFLINE" in message and "models download" not in message


def test_http_errors_from_the_hub_name_the_status(monkeypatch):
    class Response:
        status_code = 503

    class Unavailable(Exception):
        response = Response()

    def model_info():
        raise Unavailable("Service Unavailable")

    _downloads_reach(monkeypatch, model_info=model_info)
    with pytest.raises(DownloadError, match="HTTP 503"):
        hub.download("Helsinki-NLP/opus-mt-hi-en")


# --- publication dates given by hand ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ok"),
    [("2024-07-12", True), ("2020-02-29", True), ("2024-13-01", False), ("2023-02-29", False),
     ("12.07.2024", False), ("2024-07", False), ("20240712", False), ("yesterday", False)],
)
def test_load_article_takes_a_checked_iso_date(value, ok):
    import xlcompare

    if ok:
        assert xlcompare.load_article(HI, date=value).date == value
    else:
        with pytest.raises(InputError, match=r"hi_tajikistan.*YYYY-MM-DD|calendar date"):
            xlcompare.load_article(HI, date=value)


def test_a_given_date_wins_and_a_disagreement_is_noted():
    import xlcompare

    found = xlcompare.load_article(FA)
    assert found.date == "2024-07-12"
    given = xlcompare.load_article(FA, date="2024-07-11")
    assert given.date == "2024-07-11"
    assert any("given as 2024-07-11" in w and "2024-07-12" in w for w in given.warnings)


def test_compare_date_options_are_checked_before_any_work(runner, tmp_path):
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["compare", str(HI), str(FA), "--no-translate", "--left-date",
                                 "2024-02-30", "-o", str(out)])
    assert result.exit_code == 2
    assert "--left-date" in result.output and "2024-02-30" in result.output
    assert not out.exists()


def test_compare_uses_the_given_dates(runner, tmp_path, shared_embedder):
    # Two short articles: the dates, not the alignment, are under test.
    left = tmp_path / "left.txt"
    left.write_text("ताजिकिस्तान और चीन ने आतंकवाद के खिलाफ सहयोग बढ़ाने पर सहमति जताई।\n"
                    "दोनों देशों के विदेश मंत्री दुशांबे में मिले।\n", encoding="utf-8")
    right = tmp_path / "right.txt"
    right.write_text("تاجیکستان و چین بر همکاری در مبارزه با تروریسم توافق کردند.\n"
                     "وزیران خارجه دو کشور در دوشنبه دیدار کردند.\n", encoding="utf-8")
    unknown = runner.invoke(app, ["compare", str(left), str(right), "--no-translate", "-o", "-",
                                  "--format", "json"])
    assert unknown.exit_code == 0, unknown.stderr
    warnings = json.loads(unknown.stdout)["warnings"]
    assert any("Neither article's publication date is known" in w for w in warnings)

    dated = runner.invoke(app, ["compare", str(left), str(right), "--no-translate", "-o", "-",
                                "--format", "json", "--left-date", "2020-12-04",
                                "--right-date", "2024-07-12"])
    assert dated.exit_code == 0, dated.stderr
    doc = json.loads(dated.stdout)
    assert (doc["left"]["date"], doc["right"]["date"]) == ("2020-12-04", "2024-07-12")
    assert any("1316 days apart" in w for w in doc["warnings"])
    assert not any("cannot be checked" in w for w in doc["warnings"])
