"""A tiny two-press corpus for the corpus tests: a Hindi folder and a Persian JSONL file.

Three stories are reported on both sides (A: Tajik-Chinese security talks, B: floods, C: a
football final), each side has one story of its own, and each side has bad articles. Story C's
two reports are 53 days apart, so dates keep them apart unless --max-days is 0. The sentences
were written for these tests (the Persian ones translate the Hindi ones).
"""
from __future__ import annotations

import json
from pathlib import Path

STORY_A = {
    "hi": [
        "ताजिकिस्तान और चीन ने दुशांबे में सुरक्षा सहयोग पर बातचीत की।",
        "दोनों देशों के अधिकारियों ने आतंकवाद और नशीले पदार्थों की तस्करी से लड़ने का वादा किया।",
        "बैठक में अफगानिस्तान की सीमा की स्थिति पर भी चर्चा हुई।",
        "अगली बैठक अगले साल बीजिंग में होगी।",
    ],
    "fa": [
        "تاجیکستان و چین در دوشنبه درباره همکاری‌های امنیتی گفتگو کردند.",
        "مقامات دو کشور متعهد شدند با تروریسم و قاچاق مواد مخدر مبارزه کنند.",
        "در این نشست وضعیت مرز افغانستان نیز بررسی شد.",
        "نشست بعدی سال آینده در پکن برگزار خواهد شد.",
    ],
}
STORY_B = {
    "hi": [
        "भारी बारिश के बाद उत्तरी प्रांत में बाढ़ से सैकड़ों घर नष्ट हो गए।",
        "बचाव दलों ने नावों की मदद से तीन हजार लोगों को सुरक्षित निकाला।",
        "सरकार ने प्रभावित परिवारों के लिए आपातकालीन सहायता की घोषणा की।",
        "मौसम विभाग ने अगले दो दिनों तक और बारिश की चेतावनी दी है।",
    ],
    "fa": [
        "پس از باران‌های شدید، سیل صدها خانه را در استان شمالی ویران کرد.",
        "گروه‌های امداد با کمک قایق سه هزار نفر را نجات دادند.",
        "دولت برای خانواده‌های آسیب‌دیده کمک اضطراری اعلام کرد.",
        "اداره هواشناسی برای دو روز آینده نسبت به بارش بیشتر هشدار داده است.",
    ],
}
STORY_C = {
    "hi": [
        "राष्ट्रीय फुटबॉल टीम ने फाइनल मैच में पड़ोसी देश को दो-एक से हराया।",
        "मैच के अंतिम मिनट में कप्तान ने निर्णायक गोल किया।",
        "हजारों प्रशंसकों ने राजधानी की सड़कों पर जीत का जश्न मनाया।",
    ],
    "fa": [
        "تیم ملی فوتبال در دیدار نهایی کشور همسایه را دو بر یک شکست داد.",
        "کاپیتان تیم در دقیقه پایانی بازی گل سرنوشت‌ساز را به ثمر رساند.",
        "هزاران هوادار در خیابان‌های پایتخت پیروزی را جشن گرفتند.",
    ],
}
ONLY_LEFT = [
    "एक कंपनी ने सौर ऊर्जा से चलने वाला नया स्मार्टफोन पेश किया।",
    "कंपनी का कहना है कि इसकी बैटरी पांच दिन तक चलती है।",
    "यह फोन अगले महीने से बाजार में उपलब्ध होगा।",
]
ONLY_RIGHT = [
    "موزه ملی نمایشگاهی از نسخه‌های خطی قدیمی برپا کرده است.",
    "این نمایشگاه تا پایان ماه آینده برای بازدید عموم باز است.",
    "برخی از این نسخه‌ها بیش از هشتصد سال قدمت دارند.",
]

# (left id, right id) of the stories both sides report, and which need --max-days 0.
TRUE_PAIRS = {("a.md", "fa-a"), ("floods.html", "fa-b")}
FAR_APART_PAIRS = {("sports/c.txt", "fa-c")}
GOOD_LEFT = ["a.md", "d.md", "floods.html", "sports/c.txt"]
GOOD_RIGHT = ["fa-a", "fa-b", "fa-c", "fa-e"]
BAD_LEFT = {"empty.txt": "empty", "image.txt": "PNG", "legacy.txt": "Windows-1256"}
BAD_RIGHT_LINES = {4: "not a JSON object", 6: "empty"}  # JSONL line number -> message part


def write_left(folder: Path) -> Path:
    """The Hindi side: Markdown with front matter, HTML, plain text, and three bad files."""
    (folder / "sports").mkdir(parents=True, exist_ok=True)
    (folder / "a.md").write_text(
        "---\ntitle: ताजिकिस्तान और चीन की सुरक्षा वार्ता\ndate: 2024-07-10\n---\n\n"
        + " ".join(STORY_A["hi"]) + "\n", encoding="utf-8")
    (folder / "floods.html").write_text(
        '<!DOCTYPE html><html lang="hi"><head><meta charset="utf-8">'
        '<meta property="article:published_time" content="2024-07-11T08:00:00Z">'
        "<title>बाढ़ | समाचार</title></head><body><h1>उत्तरी प्रांत में बाढ़</h1>"
        + "".join(f"<p>{s}</p>" for s in STORY_B["hi"]) + "</body></html>\n", encoding="utf-8")
    (folder / "sports" / "c.txt").write_text(
        "फुटबॉल टीम की जीत\n\n2024-07-10\n\n" + "\n".join(STORY_C["hi"]) + "\n", encoding="utf-8")
    (folder / "d.md").write_text(
        "---\ntitle: सौर ऊर्जा वाला स्मार्टफोन\ndate: 2024-07-12\n---\n\n" + " ".join(ONLY_LEFT) + "\n",
        encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (folder / "legacy.txt").write_bytes(" ".join(STORY_A["fa"]).encode("cp1256", errors="replace"))
    (folder / ".hidden").mkdir(exist_ok=True)
    (folder / ".hidden" / "skipped.txt").write_text("not an article", encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4 not read: only .txt/.md/.html are articles")
    return folder


def write_right(path: Path) -> Path:
    """The Persian side: a JSONL file, with a broken line and an empty article."""
    records = [
        {"id": "fa-a", "title": "گفتگوهای امنیتی تاجیکستان و چین", "date": "2024-07-12",
         "url": "https://example.org/fa-a", "text": "\n".join(STORY_A["fa"])},
        {"id": "fa-b", "title": "سیل در استان شمالی", "date": "2024-07-11T10:00:00+03:30",
         "html": "<html><body>" + "".join(f"<p>{s}</p>" for s in STORY_B["fa"]) + "</body></html>"},
        {"id": "fa-c", "title": "پیروزی تیم ملی فوتبال", "date": "2024-09-01",
         "text": " ".join(STORY_C["fa"])},
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines.append("{this is not json")
    lines.append(json.dumps({"id": "fa-e", "title": "نمایشگاه نسخه‌های خطی", "date": "2024-07-13",
                             "text": " ".join(ONLY_RIGHT)}, ensure_ascii=False))
    lines.append(json.dumps({"id": "fa-empty", "text": "   "}))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def output_files(outdir: Path) -> dict[str, bytes]:
    """Every output of a run (relative path -> bytes), the stage store excepted."""
    return {
        p.relative_to(outdir).as_posix(): p.read_bytes()
        for p in sorted(outdir.rglob("*"))
        if p.is_file() and p.relative_to(outdir).parts[0] != "cache"
    }
