"""Build ielts_rq/scoring/data/hunspell_en.marisa: every word form British or American Hunspell accepts.

    apt-get install hunspell-en-gb hunspell-en-us hunspell-tools
    python bench/build_spelling_dictionary.py

``unmunch`` expands each dictionary's stems and affix rules into the word
forms they allow; the union of the two is stored as a MARISA trie (1.2 MB,
loaded without copying, about 0.3 µs a lookup). The word lists are Kevin
Atkinson's SCOWL, as packaged by LibreOffice and Debian; their notice is in
ielts_rq/scoring/data/NOTICE.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import marisa_trie

DICTIONARIES = Path("/usr/share/hunspell")
OUT = Path(__file__).resolve().parent.parent / "ielts_rq" / "scoring" / "data" / "hunspell_en.marisa"


def word_forms(language: str) -> set[str]:
    expanded = subprocess.run(["unmunch", str(DICTIONARIES / f"{language}.dic"), str(DICTIONARIES / f"{language}.aff")],
                              capture_output=True, check=True).stdout.decode("utf-8")
    return {word for word in expanded.split("\n") if word and not word[0].isdigit()}


def main() -> int:
    forms = word_forms("en_GB") | word_forms("en_US")
    marisa_trie.Trie(forms).save(str(OUT))
    print(f"{len(forms):,} word forms -> {OUT} ({OUT.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
