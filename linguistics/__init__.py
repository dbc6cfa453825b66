"""Russian and Kazakh text handling for kmpress: stemming, search analysis, slugs.

Plain Python with no Django imports, so it can be tested and reused on its own.
"""

from .alphabet import fix_lookalikes, fold_lookalikes
from .analysis import analyze, analyze_folded, stopwords, tokenize
from .kazakh import is_loanword
from .kazakh import stem as stem_kazakh
from .kazakh import stem_folded as stem_kazakh_folded
from .russian import stem as stem_russian
from .translit import LATIN_TABLE, TABLE, from_latin, slugify, to_ascii, to_latin

__all__ = [
    "LATIN_TABLE",
    "TABLE",
    "analyze",
    "analyze_folded",
    "fix_lookalikes",
    "fold_lookalikes",
    "from_latin",
    "is_loanword",
    "slugify",
    "stem_kazakh",
    "stem_kazakh_folded",
    "stem_russian",
    "stopwords",
    "to_ascii",
    "to_latin",
    "tokenize",
]
