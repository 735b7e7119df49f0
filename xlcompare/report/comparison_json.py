"""JSON output of a comparison: schema "xlcompare.comparison/1".

The document (keys marked * may be extended in a later minor version; readers must ignore
keys they do not know; a change that breaks readers bumps the number after the slash)::

    {
      "schema": "xlcompare.comparison/1",
      "left": {                                  # the first article ("right": the second)
        "path": str | null,                      # the input file as given
        "language": str,                         # ISO 639-1 code: "hi", "fa", ...
        "title": str | null,
        "date": str | null,                      # publication date, ISO 8601 (YYYY-MM-DD)
        "warnings": [str],                       # from reading the file (encoding, language...)
        "segments": [                            # every sentence, page furniture included
          {"id": int,                            # unique within the side, in text order
           "start": int, "end": int,             # character offsets into the decoded input
                                                 # text: text == input[start:end]
           "source_start": int, "source_end": int,  # HTML input only: the segment's span
                                                 # in the HTML file, tags and entities in it
           "text": str,
           "boilerplate": bool,                  # page furniture: never aligned or compared
           "translation": str | null,            # English, null when not translated
           "flags": [str],                       # translation warnings: "hit_max_length",
                                                 # "repetition", "low_confidence", ...
           "pieces": int,                        # model inputs it was split into (0: none)
           "cached": bool,                       # translation read from the cache
           "confidence": float | null}           # source/translation agreement, 0..1
        ]
      },
      "right": { ...same... },
      "summary": {                               # the counts every report shows *
        "links": int, "related_passages": int, "themes": int,
        "mean_score": float | null,              # mean margin score of the links
        "left": {"content": int, "furniture": int,  # content = matched + related + only
                 "matched": int,                 # segments in a link
                 "related": int,                 # unique as sentences, sharing a clause
                 "only": int},                   # said by this article only
        "right": { ...same... }
      },
      "alignments": [                            # what both articles say
        {"left": [int], "right": [int],          # consecutive segment ids (1:1, 1:2, 2:1...)
         "score": float,                         # margin score: the pair's similarity
                                                 # relative to each side's nearest
                                                 # neighbours; higher is clearer
         "cosine": float | null}                 # plain cosine similarity, for display
      ],
      "unique": {"left": [int], "right": [int]}, # non-boilerplate segments in no alignment:
                                                 # what only that article says
      "related": [{"left": int, "right": int,    # clause-level overlaps of unique sentences
                   "left_span": [int, int],      # the shared clauses, offsets into the
                   "right_span": [int, int],     # decoded input texts
                   "score": float, "cosine": float}],
      "mentions": {                              # numbers, dates, names one side only *
        "left_only":  [{"kind": str,             # "date" | "year" | "percent" | "number" |
                                                 # "person" | "place" | "organisation" | "name"
                        "value": str,            # canonical: "2024-07-12", "2024-07",
                                                 # "--07-12" (no year), "12000", "2.5";
                                                 # names: the English name folded to lower
                                                 # case ("china"), or for a name CLDR does
                                                 # not know, its Latin key ("prhd slm")
                        "display": str,          # readable: "12 July 2024", "12.5%", "China",
                                                 # "Farhad Salim" (romanized)
                        "texts": [str],          # as written (source text; for names the
                                                 # English when names_from is "english")
                        "segments": [int]}],
        "right_only": [...same...],
        "shared": [{"kind", "value", "display", "left": [int], "right": [int],
                    "left_texts": [str], "right_texts": [str]}],
        "entities_compared": bool,               # false: a script xlcompare cannot read
        "names_from": "english" | "source" | null  # from the translations (both translated)
                                                 # or from the source texts, across scripts
      },
      "themes": [                                # topic groups over both articles *
        {"label": str, "label_source": "translation" | "keywords" | "other",
         "other": bool,                          # the catch-all group, last when present
         "left": [int], "right": [int]}
      ],
      "warnings": [str],                         # e.g. not translated, dates far apart or unknown
      "signature": {                             # how to reproduce this result *
        "xlcompare": str,                        # version
        "embedder": {...} | null,                # name, model, package version
        "alignment": {...},                      # method, k, threshold, max_group, ...
        "themes": {...} | null,                  # method, threshold
        "mentions": str,                         # extraction method id
        "translation": {"left": {...} | null, "right": {...} | null},
        "string": str                            # compact one-line form
      }
    }
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xlcompare.comparison.model import Comparison


def render(comparison: Comparison) -> str:
    """The comparison as a UTF-8 JSON document (non-ASCII kept as is), newline-terminated."""
    return json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2) + "\n"
