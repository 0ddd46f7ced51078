"""Short answer: a typed word or phrase matched against accepted answers and their synonyms.

Matching forgives what does not change the medicine (case, accents, punctuation, spacing, a
leading "the", possessives, British/American spelling, a plural) and a spelling slip in a long
word, never a slip that lands on, or as near to, a different medical term.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from rapidfuzz.distance import OSA

from quizzes.content import QuestionContent
from quizzes.medical_terms import EPONYMS, MEDICAL_TERMS
from quizzes.qtypes.base import (
    Answer,
    GradeResult,
    PartFeedback,
    PartKind,
    QuestionKind,
    TokenGroups,
    refuse_unknown_keys,
    result,
    typed_text,
)

MIN_TYPO_WORD_LENGTH = 6
"""Words shorter than this get no typo tolerance at all."""


class ShortAnswer(QuestionKind):
    name = "short_answer"
    label = "Short answer"
    widget_template = "quizzes/widgets/short_answer.html"
    parts = frozenset({"accepted_answers"})
    answer_schema = {
        "type": "object",
        "properties": {"text": {"type": "string", "maxLength": 500}},
        "required": ["text"],
    }

    def validate(self, content: QuestionContent, raw: dict[Any, Any]) -> Answer:
        refuse_unknown_keys(raw, {"text"})
        return Answer(type=self.name, text=typed_text(raw, empty="Type an answer."))

    def grade(self, content: QuestionContent, answer: Answer) -> GradeResult:
        return grade_short_answer(content, answer)

    def problems(self, content: QuestionContent) -> list[str]:
        if not any(answer.text.strip() for answer in content.accepted_answers):
            return ["A short-answer question needs at least one accepted answer."]
        if any(not 0 < answer.credit <= 100 for answer in content.accepted_answers):
            return ["An accepted answer earns more than 0% and at most 100% of the mark."]
        if not any(answer.credit == 100 for answer in content.accepted_answers):
            return ["At least one accepted answer must earn the full mark (100%)."]
        return []

    def key_answer(self, content: QuestionContent) -> Answer:
        full = next(a for a in content.accepted_answers if a.credit == 100)
        return Answer(type=self.name, text=full.text)

    def key_lines(self, content: QuestionContent) -> list[str]:
        return [
            answer.text
            + (f" (also: {', '.join(answer.synonyms)})" if answer.synonyms else "")
            + (f" ({answer.credit:g}% of the mark)" if answer.credit != 100 else "")
            for answer in content.accepted_answers
        ]

    def part_texts(
        self, content: QuestionContent, presentation: TokenGroups
    ) -> dict[tuple[str, int], str]:
        return {("answer", n): a.text for n, a in enumerate(content.accepted_answers)}

    def parse_form(self, presentation: TokenGroups, data: Any) -> dict[str, Any]:
        return {"text": data.get("text", "")}

    def form_state(self, presentation: TokenGroups, tokens: Mapping[str, Any]) -> dict[str, Any]:
        return {"text": tokens.get("text", "")}

    def posted_state(self, presentation: TokenGroups, data: Any) -> dict[str, Any]:
        return {"text": data.get("text", "")}


def grade_short_answer(content: QuestionContent, answer: Answer) -> GradeResult:
    """Short answer: the credit of the accepted answer (or synonym) the text matches, else 0.

    Both sides are normalised by `normalise_text` (case, accents, punctuation, whitespace, a
    leading "the", British/American spelling). Then, in this order:
    1. Exact: the normalised words are equal, or equal once the spaces are removed
       ("post-operative" = "postoperative").
    2. Word by word, same number of words: each word equal, or differing only by a final "s"/"es"
       (plural or possessive without an apostrophe; noted), or a spelling slip (noted), unless
       the slip is refused (see `_compare_word`). A one-word answer allows `typo_allowance` of
       its word; an answer of several words is judged as a phrase (`_compare_words`), so a slip
       in a short eponym inside a longer answer ("Tinnel's sign") is allowed as consistently
       as the same slip written without the apostrophe ("Tinnels sign").
    The candidate with the fewest edits wins; ties go to the first authored. The score is the
    matched answer's `credit` / 100 (an answer worth 80% in Moodle scores 0.8). Notes say which
    slips were accepted, or, when nothing matched, which near misses were refused and why.
    Parts: one ANSWER part, the accepted answer matched (or the first one, not correct).
    """
    if not content.accepted_answers:
        raise ValueError("short-answer question has no accepted answer")
    student = _words(answer.text)
    candidates = list(_candidates(content))

    student_keys = [w.key for w in student]
    exact = [
        candidate.index
        for candidate in candidates
        if [w.key for w in candidate.words] == student_keys
        or "".join(w.key for w in candidate.words) == "".join(student_keys)
    ]
    if exact:
        # The same words accepted twice at different credits: the better credit counts.
        return _matched(content, max(exact, key=lambda i: content.accepted_answers[i].credit), ())

    best: tuple[int, int, _Candidate, list[str]] | None = None
    refusals: list[str] = []
    for order, candidate in enumerate(candidates):
        if len(candidate.words) != len(student):
            continue
        verdicts = _compare_words(student, candidate.words)
        if all(v.accepted for v in verdicts):
            edits = sum(v.edits for v in verdicts)
            notes = [v.note for v in verdicts if v.note]
            if best is None or (edits, order) < (best[0], best[1]):
                best = (edits, order, candidate, notes)
        elif all(v.accepted or v.note for v in verdicts):
            # Only a guarded near miss stood between the student and this answer: say why.
            refusals.extend(v.note for v in verdicts if not v.accepted and v.note)
    if best is not None:
        return _matched(content, best[2].index, best[3])
    first = content.accepted_answers[0]
    part = PartFeedback(kind=PartKind.ANSWER, id=0, correct=False, expected=first.text)
    return result(0, [part], dict.fromkeys(refusals))


def _matched(content: QuestionContent, index: int, notes: Iterable[str]) -> GradeResult:
    accepted = content.accepted_answers[index]
    part = PartFeedback(
        kind=PartKind.ANSWER,
        id=index,
        correct=accepted.credit == 100,
        selected=True,
        feedback=accepted.feedback,
        expected=accepted.text,
    )
    return result(Fraction(str(accepted.credit)) / 100, [part], dict.fromkeys(notes))


# --- Short-answer text ----------------------------------------------------------------------------

# Apostrophes: ASCII, right and left single quotation marks, modifier letter apostrophe.
_APOSTROPHES = "'\u2019\u2018\u02bc"
_POSSESSIVE = re.compile(rf"(?<=[^\W_])[{_APOSTROPHES}]s\b")
_WORD = re.compile(r"[^\W_]+")
_LEADING_ARTICLES = frozenset({"the"})

# British spellings medicine uses, folded to American ones. Each pattern is a letter sequence no
# ordinary English word contains, so a general "ae -> e" or "oe -> e" rule is never needed:
# "toe", "shoe", "does", "coexist", "vertebrae", "bursae" and "algae" are left alone.
_SUBSTRING_SPELLINGS = (
    ("haem", "hem"),  # haemorrhage, haematoma, haemoglobin
    ("aemia", "emia"),  # anaemia, ischaemia, leukaemia, hypoglycaemia, septicaemia
    ("aemic", "emic"),  # anaemic, ischaemic
    ("aesthe", "esthe"),  # anaesthetic, paraesthesia, hyperaesthesia, kinaesthetic
    ("paed", "ped"),  # paediatric, orthopaedic
    ("aetiol", "etiol"),  # aetiology
    ("gynaec", "gynec"),  # gynaecology
    ("caec", "cec"),  # caecum
    ("faec", "fec"),  # faeces, faecal
    ("caesar", "cesar"),  # caesarean
    ("naev", "nev"),  # naevus
    ("oedem", "edem"),  # oedema, lymphoedema, papilloedema
    ("oesophag", "esophag"),  # oesophagus, gastro-oesophageal
    ("oestr", "estr"),  # oestrogen
    ("foet", "fet"),  # foetus, foetal
    ("coeliac", "celiac"),
    ("amoeb", "ameb"),  # amoeba
    ("homoeo", "homeo"),  # homoeopathy
    ("rrhoe", "rrhe"),  # diarrhoea, amenorrhoea, gonorrhoea
    ("pnoe", "pne"),  # dyspnoea, apnoea, orthopnoea, apnoeic
    ("manoeuv", "maneuv"),  # manoeuvre
    ("sulph", "sulf"),  # sulphate, sulphonamide
    ("centre", "center"),  # centre, epicentre
    ("fibre", "fiber"),  # fibre, fibreoptic
    ("metre", "meter"),  # millimetre, centimetre
    ("litre", "liter"),  # millilitre
    ("calibre", "caliber"),
    ("theatre", "theater"),
    # -our -> -or only inside these words: "four", "hour", "pour", "your", "tour" and "contour"
    # keep theirs.
    ("tumour", "tumor"),  # tumours, peritumoural
    ("colour", "color"),
    ("labour", "labor"),
    ("behaviour", "behavior"),
    ("humour", "humor"),
    ("odour", "odor"),  # malodorous
    ("vapour", "vapor"),
    ("rigour", "rigor"),  # rigours: shaking chills
    ("vigour", "vigor"),
    ("favour", "favor"),
    ("flavour", "flavor"),
    ("honour", "honor"),
    ("neighbour", "neighbor"),
)
_WORD_SPELLINGS = {
    "grey": "gray",
    "aluminium": "aluminum",
    "analogue": "analog",
    "catalogue": "catalog",
    "centred": "centered",
    "ageing": "aging",
    "mould": "mold",
    "programme": "program",
}
# -ise -> -ize only after these stems: "excise", "incise", "exercise", "promise" and "bruise"
# must stay as they are.
_IZE_STEMS = (
    "anesthet|apolog|author|capital|categor|catheter|cauter|character|critic|crystall|digit|"
    "emphas|epithelial|familiar|fertil|final|general|homogen|hospital|hypnot|hypothes|immobil|"
    "immun|ion|local|magnet|memor|metabol|mineral|minim|mobil|neutral|normal|optim|organ|"
    "oxid|pasteur|polar|priorit|random|real|recogn|sanit|sensit|special|stabil|standard|steril|"
    "summar|symbol|synthes|util|vascular|vapor|visual"
)
_IZE = re.compile(rf"([a-z]*(?:{_IZE_STEMS}))is(e|es|ed|ing|ation|ations|er|ers)")
# -lyse -> -lyze: paralyse, analyse, dialyse, haemolysed ("-lysis" is unchanged).
_LYZE = re.compile(r"([a-z]*ly)s(e|es|ed|ing|er|ers)")


def _fold_spelling(word: str) -> str:
    """Fold one lower-case word's British medical spelling to the American one."""
    word = _WORD_SPELLINGS.get(word, word)
    for british, american in _SUBSTRING_SPELLINGS:
        if british in word:
            word = word.replace(british, american)
    if match := _IZE.fullmatch(word):
        word = f"{match[1]}iz{match[2]}"
    elif match := _LYZE.fullmatch(word):
        word = f"{match[1]}z{match[2]}"
    return word


@dataclass(frozen=True)
class _Word:
    shown: str  # as typed or authored, accents removed: used in notes
    key: str  # folded form: compared


def _words(text: str) -> tuple[_Word, ...]:
    """Split text into words: accents removed (NFKD), possessive "'s" dropped ("Tinel's sign" =
    "Tinel sign"), apostrophes removed, every other non-letter, non-digit character a separator,
    case folded, British spelling folded, a leading "the" dropped, and an eponym's possessive
    written without its apostrophe read as the name ("Tinels sign" = "Tinel sign")."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _POSSESSIVE.sub("", plain)
    plain = re.sub(f"[{_APOSTROPHES}]", "", plain)
    words = [
        _Word(shown=w, key=_eponym(_fold_spelling(w.casefold()))) for w in _WORD.findall(plain)
    ]
    if len(words) > 1 and words[0].key in _LEADING_ARTICLES:
        words = words[1:]
    return tuple(words)


def _eponym(word: str) -> str:
    return word[:-1] if word.endswith("s") and word[:-1] in EPONYMS else word


def normalise_text(text: str) -> str:
    """The comparison form of a short answer: lower case, no accents, no punctuation, single
    spaces, American spelling. normalise_text("Paraesthésia  of the HEEL!") is
    "paresthesia of the heel"."""
    return " ".join(w.key for w in _words(text))


def _fold_lexicon(terms: Iterable[str]) -> dict[str, str]:
    """The lexicon folded like answers, keeping one spelling of each term for notes."""
    folded: dict[str, str] = {}
    for term in sorted(terms):
        folded.setdefault(_fold_spelling(term.casefold()), term)
    return folded


_KNOWN_TERMS = _fold_lexicon(MEDICAL_TERMS)


def typo_allowance(word: str) -> int:
    """Spelling edits tolerated in a word, by the length of the expected word after folding.

    Fewer than 6 letters: 0 (short words are too easily another word: ulnar/lunar, ilium/ileum).
    6 to 8 letters: 1. 9 or more: 2. An edit is one inserted, deleted or substituted letter, or
    two neighbouring letters swapped ("tibail" for "tibial" is one edit). Words with digits: 0.
    """
    if len(word) < MIN_TYPO_WORD_LENGTH or any(ch.isdigit() for ch in word):
        return 0
    return 1 if len(word) <= 8 else 2


@dataclass(frozen=True)
class _Verdict:
    accepted: bool
    edits: int = 0
    note: str = ""


def phrase_allowance(letters: int) -> int:
    """Spelling edits tolerated in a phrase of several words, by its letters (spaces excluded),
    with the same steps as one word: fewer than 6 letters 0, 6 to 8: 1, 9 or more: 2."""
    if letters < MIN_TYPO_WORD_LENGTH:
        return 0
    return 1 if letters <= 8 else 2


def _compare_words(student: tuple[_Word, ...], expected: tuple[_Word, ...]) -> list[_Verdict]:
    """Compare a student's words with an answer's, word by word (same number of words).

    One word: `typo_allowance` of the expected word. Several words: the phrase's budget
    (`phrase_allowance` of its letters) is shared, each word taking at most its own allowance,
    except that a short eponym (Tinel, Baxter) may take one slip; the edits of all words
    together never exceed the phrase's budget. Other short words stay exact, as alone
    (ulnar is not lunar).
    """
    if len(expected) == 1:
        return [_compare_word(student[0], expected[0])]
    budget = phrase_allowance(sum(len(word.key) for word in expected))
    verdicts = []
    for s, e in zip(student, expected, strict=True):
        own = typo_allowance(e.key)
        if e.key in EPONYMS:
            own = max(own, 1)
        verdict = _compare_word(s, e, allowance=min(own, budget))
        budget -= verdict.edits
        verdicts.append(verdict)
    return verdicts


def _compare_word(student: _Word, expected: _Word, *, allowance: int | None = None) -> _Verdict:
    """Compare one student word with one expected word.

    Accepted: equal; a plural/singular of it (noted); or a spelling slip within `allowance`
    edits (by default `typo_allowance(expected)`), the student's word read with or without a
    final "s" (a possessive written without its apostrophe) (noted). A slip is refused (with a
    note saying why) when
    the student's word is itself a known medical term (a different word, not a slip: "median"
    for "medial", "calcaneus" for "calcaneal"), or when it is at least as close to another known
    term as to the expected one ("mediam" could be "median"). Ambiguity is refused, never guessed.
    """
    s, e = student.key, expected.key
    if s == e:
        return _Verdict(accepted=True)
    if _plural_variant(s, e):
        return _Verdict(
            accepted=True,
            note=f'Accepted "{student.shown}" for "{expected.shown}": '
            'a final "s" does not change the answer.',
        )
    if allowance is None:
        allowance = typo_allowance(e)
    if allowance == 0 or any(ch.isdigit() for ch in s):
        return _Verdict(accepted=False)
    readings = [s] + ([s[:-1]] if s.endswith("s") and len(s) > 3 and not e.endswith("s") else [])
    edits = min(OSA.distance(reading, e, score_cutoff=allowance) for reading in readings)
    if edits > allowance:
        return _Verdict(accepted=False)
    if s in _KNOWN_TERMS:
        return _Verdict(
            accepted=False,
            note=f'Not accepted as a spelling slip: "{student.shown}" is a different term '
            f'from "{expected.shown}".',
        )
    rivals = [
        (distance, abs(len(key) - len(s)), term)
        for key, term in _KNOWN_TERMS.items()
        if key != e
        and not _plural_variant(key, e)
        and (distance := OSA.distance(s, key, score_cutoff=edits)) <= edits
    ]
    if rivals:
        # Name the likeliest rival: the nearest, then the one of the most similar length.
        rival = min(rivals)[2]
        return _Verdict(
            accepted=False,
            note=f'Not accepted as a spelling slip: "{student.shown}" could also be a slip '
            f'for "{rival}".',
        )
    return _Verdict(
        accepted=True,
        edits=edits,
        note=f'Accepted with a spelling slip: you wrote "{student.shown}", '
        f'the term is "{expected.shown}".',
    )


def _plural_variant(a: str, b: str) -> bool:
    """Whether one word is the other plus a final "s" or "es" (nerve/nerves, process/processes).
    Irregular and Latin plurals (vertebra/vertebrae) are for authors to list as synonyms."""
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and long in (short + "s", short + "es")


@dataclass(frozen=True)
class _Candidate:
    index: int  # of the accepted answer in content.accepted_answers
    words: tuple[_Word, ...]


def _candidates(content: QuestionContent) -> Iterator[_Candidate]:
    for index, accepted in enumerate(content.accepted_answers):
        for text in (accepted.text, *accepted.synonyms):
            words = _words(text)
            if words:
                yield _Candidate(index=index, words=words)
