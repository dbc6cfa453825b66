"""Rule-based Kazakh suffix stripper that produces search index keys.

A stem is an index key, not a dictionary form: every inflected form of a noun must
reach the same key. Only inflection is stripped (plural, possessive, case, the
-дағы attributive, 1st person predicative endings); derivational suffixes stay,
because cutting them merges different words (тілші/тіл, бірлік/бір).

Slots are stripped right to left: PRED, CASE, [PL2, ATTR], POSS, PL. A cut is
accepted only if the suffix is the variant the remainder's last letter selects,
the vowel harmony agrees and the remainder keeps a minimum length: three letters,
or two ending in a consonant or a glide (ел, үй, су), and always a vowel. All
parses are collected and the best is chosen (protected word, tie-break rules,
longest cut), then finalised: final ы/і after a consonant dropped, elided vowels
restored (халқ -> халық), final б/г/ғ devoiced, final ст -> с.

Russian loans (``is_loanword``: a letter native words lack, two consonants at the
start, or two vowels side by side) bend three rules, as newspaper Kazakh does:
after a final consonant either harmony is accepted (цехта, цехтың, офисқа beside
офисте); an inserted vowel before the possessive is read as such (факт-і-сі);
and -қан/-кен after them is no participle (учаске-нің, not учаскен-і-ң). A loan's
key is also stemmed until it stays put, so a bare form that looks inflected (вахта as
вах+та, эстакада as эстака+да) meets its inflected forms (вахтаға, вахтасы).

``stem_folded`` runs the same rules over text in which Kazakh-specific letters are
folded to Russian ones (see ``alphabet.fold_lookalikes``); where folding makes a
letter ambiguous it accepts every reading, so it depends only on the folded text.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .alphabet import fix_lookalikes, fold_lookalikes, is_cyrillic

#: Longer "words" are not Kazakh words; they are returned unstemmed.
MAX_WORD_LENGTH = 64

BACK = "back"
FRONT = "front"
NEUTRAL = "neutral"

_BACK_VOWELS = "аоұыяю"
_FRONT_VOWELS = "әеөүіэ"
_VOWELS = frozenset(_BACK_VOWELS + _FRONT_VOWELS + "иу")
_GLIDES = frozenset("иую")

#: Letters native Kazakh words lack; a word with one is a (Russian) loan.
#: х and һ are left out: old Arabic and Persian loans (халық, тарих, шаһар)
#: keep vowel harmony.
LOAN_LETTERS = frozenset("вфцчщъьэё")

# Classes of a remainder's last letter, which select a suffix's variant.
_V, _G, _L, _N, _Z, _T = "V", "G", "L", "N", "Z", "T"
_CONSONANT_CLASSES = "GLNZT"


def _letter_class(ch: str) -> str:
    if ch in "аәеэоөұүыія":
        return _V
    if ch in "рйуию":
        return _G
    if ch == "л":
        return _L
    if ch in "мнң":
        return _N
    if ch in "жз":
        return _Z
    return _T


# --- suffix inventory --------------------------------------------------------

_PRED = "pred"
_CASE = "case"
_PL2 = "pl2"
_ATTR = "attr"
_POSS = "poss"
_PL = "pl"
_SLOTS = (_PRED, _CASE, _PL2, _ATTR, _POSS, _PL)

# kinds with extra conditions
_PLAIN = ""
_AFTER_POSS = "after_poss"  # н-forms: remainder ends in ы/і and a 3rd person follows
_POSS3 = "poss3"
_2SG = "2sg"  # only inside the 2nd person plural, i.e. right after a plural
_REL = "rel"  # -ғы, only after a listed time/place word

# (slot, kind, back form, front form or None if neutral, last-letter classes)
_SUFFIX_ROWS: tuple[tuple[str, str, str, str | None, str], ...] = (
    # 1st person predicative; 2nd person (-сыз, -сың) would clash with "without".
    # 1sg after vowels and л/р is left out: адам+ы+н would read as ада+мын.
    (_PRED, _PLAIN, "мын", "мін", "N"),
    (_PRED, _PLAIN, "бын", "бін", "Z"),
    (_PRED, _PLAIN, "пын", "пін", "T"),
    (_PRED, _PLAIN, "мыз", "міз", "VGL"),
    (_PRED, _PLAIN, "быз", "біз", "NZ"),
    (_PRED, _PLAIN, "пыз", "піз", "T"),
    # genitive
    (_CASE, _PLAIN, "ның", "нің", "VN"),
    (_CASE, _PLAIN, "дың", "дің", "GLZ"),
    (_CASE, _PLAIN, "тың", "тің", "T"),
    # accusative
    (_CASE, _PLAIN, "ны", "ні", "V"),
    (_CASE, _PLAIN, "ды", "ді", "GLNZ"),
    (_CASE, _PLAIN, "ты", "ті", "T"),
    (_CASE, _AFTER_POSS, "н", None, "V"),
    # dative
    (_CASE, _PLAIN, "ға", "ге", "VGLNZ"),
    (_CASE, _PLAIN, "қа", "ке", "T"),
    (_CASE, _AFTER_POSS, "на", "не", "V"),
    # locative
    (_CASE, _PLAIN, "да", "де", "VGLNZ"),
    (_CASE, _PLAIN, "та", "те", "T"),
    (_CASE, _AFTER_POSS, "нда", "нде", "V"),
    # ablative
    (_CASE, _PLAIN, "дан", "ден", "VGLZ"),
    (_CASE, _PLAIN, "нан", "нен", "N"),
    (_CASE, _PLAIN, "тан", "тен", "T"),
    (_CASE, _AFTER_POSS, "нан", "нен", "V"),
    # instrumental, short and long
    (_CASE, _PLAIN, "мен", None, "VGLN"),
    (_CASE, _PLAIN, "менен", None, "VGLN"),
    (_CASE, _PLAIN, "бен", None, "Z"),
    (_CASE, _PLAIN, "бенен", None, "Z"),
    (_CASE, _PLAIN, "пен", None, "T"),
    (_CASE, _PLAIN, "пенен", None, "T"),
    # plural before a -дағы attributive (ауылдағылар)
    (_PL2, _PLAIN, "лар", "лер", "VG"),
    (_PL2, _PLAIN, "дар", "дер", "LNZ"),
    (_PL2, _PLAIN, "тар", "тер", "T"),
    # "the one in/at"; -ғы only on listed bases
    (_ATTR, _PLAIN, "дағы", "дегі", "VGLNZ"),
    (_ATTR, _PLAIN, "тағы", "тегі", "T"),
    (_ATTR, _AFTER_POSS, "ндағы", "ндегі", "V"),
    (_ATTR, _REL, "ғы", "гі", "VGLNZ"),
    (_ATTR, _REL, "қы", "кі", "T"),
    # possessive: 3rd person, 1pl, polite 2sg, 2pl (= plural + 2sg)
    (_POSS, _POSS3, "сы", "сі", "V"),
    (_POSS, _POSS3, "ы", "і", _CONSONANT_CLASSES),
    (_POSS, _PLAIN, "мыз", "міз", "V"),
    (_POSS, _PLAIN, "ымыз", "іміз", _CONSONANT_CLASSES),
    (_POSS, _PLAIN, "ңыз", "ңіз", "V"),
    (_POSS, _PLAIN, "ыңыз", "іңіз", _CONSONANT_CLASSES),
    (_POSS, _2SG, "ың", "ің", "G"),
    # plural
    (_PL, _PLAIN, "лар", "лер", "VG"),
    (_PL, _PLAIN, "дар", "дер", "LNZ"),
    (_PL, _PLAIN, "тар", "тер", "T"),
)

#: Every inflectional ending above, plus ordinal endings: a hyphenated tail made
#: only of these (ҚР-дағы, 5-ші) is a suffix, not a word.
INFLECTIONS = frozenset(
    form
    for _slot, _kind, back, front, _classes in _SUFFIX_ROWS
    for form in (back, front)
    if form
) | frozenset(("ші", "шы", "інші", "ыншы", "нші", "ншы"))

# --- lexical tables ----------------------------------------------------------

#: Function words (pronoun forms, postpositions, particles, conjunctions).
#: Never stemmed; the search layer may drop them.
STOPWORDS = frozenset(
    """
    мен менің маған мені менде менен менімен сен сенің саған сені сенде сенен
    ол оның оған оны онда одан онымен біз біздің бізге бізді бізде бізден бізбен
    сіз сіздің сізге сізді сізде сізден сізбен олар олардың оларға оларды оларда
    олардан олармен өз өзі өзінің өзіне өзін өзінде өзінен өзімен өздері
    бұл бұның мұның бұған мұнда мұны бұдан осы осының осыған осыны осында осыдан
    осындағы сол соның соған соны сонда содан сондағы анау мына мынау
    кім не нені неге немен қай қайда қандай қалай қашан неше қанша
    үшін туралы бойынша арқылы дейін кейін бері қарай сияқты секілді сайын
    және бен пен да де та те ма ме ба бе па пе ғана қана бірақ немесе әрі
    ал тек әлі екен еді деп деген дегенмен яғни өйткені себебі егер
    """.split()
)

#: Stems that lose the high vowel of their last syllable before a vowel.
ELISIONS: dict[str, str] = {
    "халқ": "халық",
    "орн": "орын",
    "кәсіпорн": "кәсіпорын",
    "мойн": "мойын",
    "ауз": "ауыз",
    "даус": "дауыс",
    "мұрн": "мұрын",
    "ерн": "ерін",
    "қарн": "қарын",
    "ерк": "ерік",
    "әрп": "әріп",
    "қалп": "қалып",
    "ғұрп": "ғұрып",
    "көрк": "көрік",
    "ырқ": "ырық",
    "нарқ": "нарық",
}

#: Words that are their own stem: stripping them would split a real root
#: (теңге, аудан), -ын/-ін words that look like a possessive accusative, and
#: the full forms of the elided stems.
PROTECTED = (
    STOPWORDS
    | frozenset(
        """
    теңге баға өзге кейде орда ойын орын алтын мүмкін еркін кеңес күрес
    әріптес серіктес жерлес замандас сыныптас отандас қандас құрдас талас
    аудан заман майдан қазан тұрғын ағын егін бүгін бұрын дайын жақын ұзын
    қиын шын келін жиын түйін тиын ақын жалын сайын қорғасын кәсіпорын
    қаржы жалақы еңбекақы үлгі
    алматы астана қарағанды қызылорда өскемен түркістан
    қазақстан өзбекстан қырғызстан тәжікстан түрікменстан ауғанстан
    пәкістан үндістан татарстан башқұртстан дағыстан
    жітіқара қостанай арқалық әулиекөл амангелді меңдіқара
    """.split()
    )
    | frozenset(ELISIONS.values())
)

#: Time and place words that take the relative -ғы/-гі/-қы/-кі (бүгінгі, ішкі).
RELATIVE_BASES = frozenset(
    """
    бүгін кеше қазір бұрын кейін соң былтыр биыл жаз қыс күз көктем таң түн кеш
    іш сырт төмен жоғар алдың үстің астың ертең алғаш әуел бастап енді ортаң
    шет түс жыл
    """.split()
)

#: Remainders whose harmony is fixed rather than read from their vowels.
HARMONY_OVERRIDES: dict[str, str] = {
    "су": BACK,
    "ту": BACK,
    "тау": BACK,
    "ми": BACK,
    "тарих": BACK,
    "такси": FRONT,
    "би": FRONT,
}


# --- rules -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Suffix:
    text: str
    slot: str
    kind: str
    harmony: str
    classes: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Parse:
    stem: str
    cut: int
    penalty: int
    protected: bool


class _Rules:
    """The tables, either as written or folded; the algorithm is shared."""

    def __init__(self, *, folded: bool) -> None:
        f = fold_lookalikes if folded else str
        self.folded = folded
        by_slot: dict[str, list[_Suffix]] = {slot: [] for slot in _SLOTS}
        for slot, kind, back, front, classes in _SUFFIX_ROWS:
            variants = [(back, BACK), (front, FRONT)] if front else [(back, NEUTRAL)]
            for text, harmony in variants:
                by_slot[slot].append(
                    _Suffix(f(text), slot, kind, harmony, frozenset(classes))
                )
        self.by_slot = {slot: tuple(items) for slot, items in by_slot.items()}
        self.protected = frozenset(f(w) for w in PROTECTED)
        self.relative_bases = frozenset(f(w) for w in RELATIVE_BASES)
        self.elisions = {f(k): f(v) for k, v in ELISIONS.items()}
        self.overrides = {f(k): v for k, v in HARMONY_OVERRIDES.items()}
        self.poss_vowels = frozenset(f("ыі"))
        self.soft_final = frozenset(f("кг"))
        self.voicing = {f(k): f(v) for k, v in {"б": "п", "г": "к", "ғ": "қ"}.items()}
        self.participles = tuple(f(p) for p in ("ған", "ген", "қан", "кен"))
        self.agentive_sy = tuple(f(p) for p in ("шысы", "шісі"))
        self.high_sy = tuple(f(p) for p in ("ысы", "ісі"))
        self.sy = tuple(f(p) for p in ("сы", "сі"))
        self.inserted_before = f("кт")
        if folded:
            # A folded letter stands for each letter that folds to it.
            self.back_vowels = frozenset("ыяю")
            self.front_vowels = frozenset("еэ")
            self.ambiguous_vowels = frozenset("аоуи")
        else:
            self.back_vowels = frozenset(_BACK_VOWELS)
            self.front_vowels = frozenset(_FRONT_VOWELS)
            self.ambiguous_vowels = frozenset()

    def classes_of(self, ch: str) -> frozenset[str]:
        if self.folded and ch in "иу":
            return frozenset((_V, _G))
        return frozenset(_letter_class(ch))

    def harmony_of(
        self, remainder: str, *, soft: bool, loan: bool = False
    ) -> frozenset[str]:
        """The suffix harmonies a remainder accepts.

        A loan ending in a consonant takes either (цехта, цехте; офисқа, офиске):
        its Russian sounds follow no harmony, and newspapers write both.
        """
        if soft or (loan and remainder[-1] not in _VOWELS):
            return frozenset((BACK, FRONT))
        override = self.overrides.get(remainder)
        if override:
            return frozenset((override,))
        found = None
        last = len(remainder) - 1
        for i in range(last, -1, -1):
            ch = remainder[i]
            if ch in self.ambiguous_vowels:
                return frozenset((BACK, FRONT))
            if ch in self.back_vowels:
                found = BACK
            elif ch == "е" and i and remainder[i - 1] in _VOWELS:
                return frozenset((BACK, FRONT))  # Тоқаевтың: е after a vowel is [йе]
            elif ch in self.front_vowels:
                found = FRONT
            elif ch in "иу" and i < last and remainder[i + 1] not in _VOWELS:
                # A vowel before a consonant (loans): министр, институт.
                found = FRONT if ch == "и" else BACK
            if found:
                break
        if found is None:
            return frozenset((BACK, FRONT))
        if found == BACK and remainder[-1] in self.soft_final:
            return frozenset((BACK, FRONT))  # банк -> банкі
        return frozenset((found,))


def _is_vowel_pair(first: str, second: str) -> bool:
    """Two vowels side by side, which native words never write (ауа, ие, аяқ
    are a vowel and a glide): проект, аэропорт, стадион, олимпиада."""
    if first not in _VOWELS or second not in _VOWELS or second in "иуяю":
        return False
    if first == "и":
        return second in "ао"
    return first != "у"


def is_loanword(word: str) -> bool:
    """True for a word spelled as native Kazakh words never are (lower case).

    A letter native words lack (цех, офис, сервис, электр), two consonants at
    the start (проект, кран, штаб) or two vowels side by side (проект,
    спартакиада). Loans without any of these (комбинат, газета) follow the
    native rules, which fit them.
    """
    if not word:
        return False
    if not LOAN_LETTERS.isdisjoint(word):
        return True
    if len(word) > 1 and word[0] not in _VOWELS and word[1] not in _VOWELS:
        return True
    return any(_is_vowel_pair(a, b) for a, b in zip(word, word[1:], strict=False))


def _long_enough(remainder: str) -> bool:
    if not any(ch in _VOWELS for ch in remainder):
        return False
    if len(remainder) >= 3:
        return True
    return len(remainder) == 2 and (
        remainder[-1] not in _VOWELS or remainder[-1] in _GLIDES
    )


@dataclass(frozen=True, slots=True)
class _Word:
    """What the whole word tells about its cuts: it had ь, it is a loan."""

    soft: bool
    loan: bool


def _allowed(rules: _Rules, remainder: str, suffix: _Suffix, word: _Word) -> bool:
    if not _long_enough(remainder):
        return False
    if not rules.classes_of(remainder[-1]) & suffix.classes:
        return False
    if suffix.kind == _AFTER_POSS and remainder[-1] not in rules.poss_vowels:
        return False
    if suffix.kind == _REL and remainder not in rules.relative_bases:
        return False
    return suffix.harmony == NEUTRAL or suffix.harmony in rules.harmony_of(
        remainder, soft=word.soft, loan=word.loan
    )


def _preferred_poss3(rules: _Rules, current: str, loan: bool) -> str | None:
    """Which 3rd person ending wins when both -сы and -ы fit (басшысы, облысы).

    A loan ending in -кт inserts a vowel before the possessive (факт ->
    фактісі, объект -> объектісі, пункт): -сы, not облыс-ы. A loan's и or у
    before the с is a vowel of its root (офисі, сервисі): -ы.
    """
    if not current.endswith(rules.sy):
        return None
    if current.endswith(rules.agentive_sy):
        return current[-2:]
    if current.endswith(rules.high_sy):
        if loan and current[:-3].endswith(rules.inserted_before):
            return current[-2:]
        return current[-1:]
    if loan and len(current) > 2 and current[-3] in "иу":
        return current[-1:]
    if len(current) > 2 and current[-3] in _VOWELS:
        return current[-2:]
    return None


def _is_participle(rules: _Rules, word: str, loan: bool) -> bool:
    """-ған/-ген, or -қан/-кен after a consonant (болған, айтқан; not республикан).

    Not -қан/-кен in a loan: verbs made from loans end in -ла, -лан, -тыр…,
    which take -ған/-ген (учаскенің is учаске+нің).
    """
    if len(word) < 5 or not word.endswith(rules.participles):
        return False
    if word.endswith(rules.participles[:2]):
        return True
    return not loan and word[-4] not in _VOWELS


# After a suffix of this kind, the next cut must come from this slot.
_NEXT_SLOT = {_AFTER_POSS: _POSS, _2SG: _PL}


def _parses(rules: _Rules, word: str, traits: _Word) -> list[_Parse]:
    parses: list[_Parse] = []

    def walk(current: str, start: int, require: str, cut: int, penalty: int) -> None:
        if not require:
            parses.append(_Parse(current, cut, penalty, protected=False))
        for index in range(start, len(_SLOTS)):
            slot = _SLOTS[index]
            if require and slot != require:
                continue
            cuts = [
                (suffix, current[: -len(suffix.text)])
                for suffix in rules.by_slot[slot]
                if current.endswith(suffix.text)
                and (require != _POSS or suffix.kind == _POSS3)
                and _allowed(rules, current[: -len(suffix.text)], suffix, traits)
            ]
            preferred = (
                _preferred_poss3(rules, current, traits.loan) if slot == _POSS else None
            )
            if preferred not in {s.text for s, _ in cuts if s.kind == _POSS3}:
                preferred = None
            for suffix, remainder in cuts:
                extra = 0
                if preferred and suffix.kind == _POSS3 and suffix.text != preferred:
                    extra = 1
                elif slot == _CASE and suffix.text.startswith("н"):
                    # болғаны is болған+ы, not болға+ны
                    extra = int(_is_participle(rules, remainder + "н", traits.loan))
                following = _NEXT_SLOT.get(suffix.kind, _ATTR if slot == _PL2 else "")
                total = cut + len(suffix.text)
                if remainder in rules.protected:
                    if not following:
                        parses.append(_Parse(remainder, total, penalty + extra, True))
                    continue
                walk(remainder, index + 1, following, total, penalty + extra)

    walk(word, 0, "", 0, 0)
    return parses


def _finalise(rules: _Rules, stem: str) -> str:
    if stem[-1] in rules.poss_vowels and len(stem) > 1:
        shorter = stem[:-1]
        if shorter[-1] not in _VOWELS and _long_enough(shorter):
            stem = shorter
    stem = rules.elisions.get(stem, stem)
    if stem[-1] in rules.voicing:
        stem = stem[:-1] + rules.voicing[stem[-1]]
    if stem.endswith("ст") and len(stem) > 3:
        stem = stem[:-1]
    return stem


def _normalise(word: str) -> str:
    """NFC, look-alikes repaired, lower case; ё is kept (it marks a loan)."""
    word = fix_lookalikes(unicodedata.normalize("NFC", word))
    return unicodedata.normalize("NFC", word.replace("İ", "i").lower())


def _key(rules: _Rules, bare: str, traits: _Word) -> tuple[str, bool]:
    """The best parse's key, and whether it is a protected word."""
    if bare in rules.protected:
        return bare, True
    best = max(
        _parses(rules, bare, traits),
        key=lambda p: (p.protected, -p.penalty, p.cut),
    )
    if best.protected:
        return best.stem, True
    return _finalise(rules, best.stem), False


def _stem(rules: _Rules, word: str) -> str:
    if len(word) > MAX_WORD_LENGTH or not all(
        is_cyrillic(ch) and ch.isalpha() for ch in word
    ):
        return word.replace("ё", "е")
    traits = _Word(soft="ь" in word, loan=is_loanword(word))
    bare = word.replace("ъ", "").replace("ь", "").replace("ё", "е")
    if not bare:
        return word
    key, protected = _key(rules, bare, traits)
    previous = bare
    while traits.loan and not protected and key != previous:
        # A loan's bare form may look inflected (вахта = вах+та): its key is
        # stemmed until it stays put, so вахтаға (-> вахта) reaches вах too.
        previous = key
        key, protected = _key(rules, key, traits)
    return key


_EXACT = _Rules(folded=False)
_FOLDED = _Rules(folded=True)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Index key of one Kazakh word (lower-cased; non-Cyrillic tokens unchanged)."""
    return _stem(_EXACT, _normalise(word))


@lru_cache(maxsize=65536)
def stem_folded(word: str) -> str:
    """Index key of a word with Kazakh letters folded to Russian ones (қ -> к...).

    Equal for қазақстанда and казакстанда, so a query typed on a Russian keyboard
    still finds Kazakh text.
    """
    return _stem(_FOLDED, fold_lookalikes(_normalise(word)))
