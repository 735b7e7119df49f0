"""Tiny translation checkpoints with real architectures, built from scratch in a few seconds.

Each builder trains SentencePiece models on the seed articles plus some English, creates a
randomly initialised model of the real class (MarianMTModel, M2M100ForConditionalGeneration)
and saves both with `save_pretrained`, so tests exercise the same loading code as a downloaded
checkpoint. The weights are random: the "translations" are junk, and tests assert structure.
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"

NLLB_TEST_CODES = ["hin_Deva", "pes_Arab", "eng_Latn", "urd_Arab", "arb_Arab"]

ENGLISH = [
    "Tajikistan and China agreed to strengthen cooperation against terrorism and extremism.",
    "The foreign ministry said reports of a Chinese military base were baseless.",
    "The deputy foreign minister met China's special representative in Dushanbe.",
    "Both sides reviewed bilateral cooperation and the fight against drug trafficking.",
    "Russia held military drills near the border with Afghanistan.",
    "The two countries are strategic partners and their cooperation is developing quickly.",
]

# Used when the seed articles are not in the checkout (they are part of the repository).
FALLBACK_SOURCE = [
    "ताजिकिस्तान और चीन ने आतंकवाद से निबटने के लिए सहयोग को मजबूत करने की आवश्यकता पर बल दिया।",
    "وزارت امور خارجه جمهوری تاجیکستان گزارش برخی رسانه ها را بی پایه خواند.",
]

# Small enough to build and run in milliseconds, big enough to be a real transformer.
TINY_DIMENSIONS = dict(
    d_model=32,
    encoder_layers=1,
    decoder_layers=1,
    encoder_attention_heads=2,
    decoder_attention_heads=2,
    encoder_ffn_dim=64,
    decoder_ffn_dim=64,
    max_position_embeddings=128,
    # With the usual init_std of 0.02 a one-layer model ignores its input and says the same
    # thing for every sentence; large random weights make outputs depend on the input, so
    # tests can tell whether outputs come back in input order.
    init_std=1.0,
)

# Random weights almost never choose the end token: every output would run to the engines'
# length limit (twice the input plus 16, up to 126 tokens here), and tests would spend their
# time generating that noise and then embedding it (confidence, alignment). A length penalty
# that grows after LENGTH_PENALTY_START tokens (transformers' exponential_decay_length_penalty,
# kept in the checkpoint's generation_config) ends outputs after about 22-27 tokens, the length
# of a real sentence. Before that the model decodes untouched, so outputs still depend on the
# input; CTranslate2 has no such setting, and tests comparing the two engines stop at 20 tokens.
LENGTH_PENALTY_START = 20
LENGTH_PENALTY_FACTOR = 2.0


def training_lines() -> list[str]:
    """Source-language lines from the seed articles (Hindi and Persian)."""
    lines: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        lines += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines or list(FALLBACK_SOURCE)


def train_sentencepiece(lines: list[str], vocab_size: int, model_type: str) -> bytes:
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buffer,
        vocab_size=vocab_size,
        model_type=model_type,
        character_coverage=1.0,
        # The seeds have fewer distinct pieces than a large vocabulary needs; accept less.
        hard_vocab_limit=False,
        num_threads=1,
        minloglevel=2,
    )
    return buffer.getvalue()


def write_marian_tokenizer(directory: Path, *, vocab_size: int | None = None) -> tuple[Any, dict[str, int]]:
    """OPUS-MT's tokenizer files in `directory`: source.spm, target.spm and a joint vocab.json
    with </s>=0, <unk>=1 and <pad> last. `vocab_size` fills the vocabulary with placeholder
    tokens up to that size (a model's output layer larger than the pieces trained here).
    Returns the MarianTokenizer and the vocabulary."""
    import sentencepiece as spm
    from transformers import MarianTokenizer

    directory.mkdir(parents=True, exist_ok=True)
    source = train_sentencepiece(training_lines() + ENGLISH[:2], 320, "unigram")
    target = train_sentencepiece(ENGLISH * 4, 160, "unigram")
    (directory / "source.spm").write_bytes(source)
    (directory / "target.spm").write_bytes(target)
    vocab = {"</s>": 0, "<unk>": 1}
    for proto in (source, target):
        processor = spm.SentencePieceProcessor(model_proto=proto)
        for i in range(processor.get_piece_size()):
            if not (processor.is_control(i) or processor.is_unknown(i)):
                vocab.setdefault(processor.id_to_piece(i), len(vocab))
    while vocab_size and len(vocab) < vocab_size - 1:
        vocab[f"<placeholder-{len(vocab)}>"] = len(vocab)
    vocab["<pad>"] = len(vocab)
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    # Like opus-mt-mul-en: the source side is multilingual, the target English.
    tokenizer = MarianTokenizer(
        source_spm=str(directory / "source.spm"),
        target_spm=str(directory / "target.spm"),
        vocab=str(directory / "vocab.json"),
        source_lang="mul",
        target_lang="eng",
    )
    return tokenizer, vocab


def build_tiny_marian(directory: Path, *, seed: int = 0) -> Path:
    """A MarianMT checkpoint shaped like OPUS-MT's: source.spm, target.spm, a joint vocab.json
    with </s>=0, <unk>=1 and <pad> last, pad as decoder start token, shared embeddings."""
    import torch
    from transformers import MarianConfig, MarianMTModel

    tokenizer, vocab = write_marian_tokenizer(directory)
    pad = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=len(vocab),
        decoder_vocab_size=len(vocab),
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
        forced_eos_token_id=0,
        share_encoder_decoder_embeddings=True,
        scale_embedding=True,
        **TINY_DIMENSIONS,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    model.generation_config.bad_words_ids = [[pad]]
    model.generation_config.max_length = 512
    model.generation_config.num_beams = 4
    model.generation_config.exponential_decay_length_penalty = (LENGTH_PENALTY_START, LENGTH_PENALTY_FACTOR)
    model.save_pretrained(directory, safe_serialization=True)
    tokenizer.save_pretrained(directory)
    return directory


def build_nllb_tokenizer(raw: Path) -> Any:
    """An NllbTokenizer converted from a BPE SentencePiece model trained into `raw`, with the
    test's FLORES-200 codes as special tokens and the real checkpoint's 1024-token limit (the
    converted one would declare none)."""
    from transformers import NllbTokenizer

    raw.mkdir(parents=True, exist_ok=True)
    (raw / "sentencepiece.bpe.model").write_bytes(
        train_sentencepiece(training_lines() + ENGLISH * 2, 400, "bpe")
    )
    tokenizer = NllbTokenizer.from_pretrained(
        str(raw), additional_special_tokens=NLLB_TEST_CODES, src_lang="hin_Deva", tgt_lang="eng_Latn"
    )
    tokenizer.model_max_length = 1024
    return tokenizer


def build_tiny_nllb(directory: Path, *, seed: int = 0) -> Path:
    """An NLLB-style checkpoint: model_type m2m100 with an NllbTokenizer converted from a BPE
    SentencePiece model, FLORES-200 language codes as special tokens."""
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration

    tokenizer = build_nllb_tokenizer(directory.parent / (directory.name + "-spm"))
    config = M2M100Config(
        vocab_size=len(tokenizer),
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id,
        scale_embedding=True,
        **TINY_DIMENSIONS,
    )
    torch.manual_seed(seed)
    model = M2M100ForConditionalGeneration(config)
    model.generation_config.max_length = 200
    model.generation_config.exponential_decay_length_penalty = (LENGTH_PENALTY_START, LENGTH_PENALTY_FACTOR)
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(directory, safe_serialization=True)
    tokenizer.save_pretrained(directory)
    return directory
