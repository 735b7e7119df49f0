"""What xlcompare knows about languages and writing systems, kept in one place.

Every stage that needs a fact about a language asks here, so the copies cannot drift apart:

- `languages`: language codes and their English names, aliases, which languages are written
  in the Arabic script, in Devanagari, right to left;
- `scripts`: Unicode ranges of scripts, letter tests, the marks that belong to a word;
- `digits`: Persian, Arabic-Indic and Devanagari digits, Arabic letter variants (folding);
- `punctuation`: sentence terminators, closing and opening marks, clause boundaries;
- `dates`: the one date parser (Gregorian month names in English, Hindi and Persian, Solar
  Hijri), validating real calendar dates;
- `transliterate`: Devanagari, Perso-Arabic and English spellings to a common Latin key;
- `gazetteer`: country, region and city names from CLDR (Babel) in Hindi, Persian and
  English, plus a short list of organisations and places CLDR does not name.

Nothing here imports another part of xlcompare: the package sits below every stage.
"""
