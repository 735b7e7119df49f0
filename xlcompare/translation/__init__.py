"""Translation of segments into English with open models (MarianMT/OPUS-MT, NLLB-200, M2M100).

    from xlcompare.translation import load_engine, translate_segments
    engine = load_engine("opus-mt", source_lang="hi")          # cached, see cache.py
    translations = translate_segments(engine, segments, "hi")  # {segment id: Translation}

Engines (transformers_engine.py, and others registered in engine.py) are imported only when
built: importing this package does not import torch.
"""
from xlcompare.translation.cache import TranslationCache
from xlcompare.translation.engine import ENGINES, EngineOutput, TranslationEngine, engine_class
from xlcompare.translation.model import TranslatedArticle, Translation
from xlcompare.translation.pipeline import load_engine, translate_segments, translation_signature
from xlcompare.translation.presets import DEFAULT_PRESET, PRESETS, ModelSpec, resolve_model

__all__ = [
    "DEFAULT_PRESET",
    "ENGINES",
    "EngineOutput",
    "ModelSpec",
    "PRESETS",
    "TranslatedArticle",
    "Translation",
    "TranslationCache",
    "TranslationEngine",
    "engine_class",
    "load_engine",
    "resolve_model",
    "translate_segments",
    "translation_signature",
]
