"""Content rules for the seed teaching module (issue 15, docs/content-review.md).

Pure checks on fixtures/mcn-module.json and its figures; no database. Each rule is a function
that returns the problems it finds, so every rule is also tested against a small bad example
(the ``test_rule_catches_*`` tests): a rule that can never fail would prove nothing.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MODULE = FIXTURES / "mcn-module.json"
FIGURES = FIXTURES / "figures"

TYPES = (
    "single",
    "multiple",
    "true_false",
    "short_answer",
    "matching",
    "ordering",
    "ranking",
    "hotspot",
)
LABELLED_FIGURES = {"medial-ankle", "plantar-territories"}
ORIENTATION_WORDS = {
    "right",
    "left",
    "foot",
    "ankle",
    "plantar",
    "medial",
    "lateral",
    "view",
    "sole",
    "seen",
    "from",
    "below",
    "above",
    "toes",
    "heel",
    "anterior",
    "posterior",
    "front",
    "back",
    "of",
    "the",
}

# Items keyed on provenance ("the source text says", "no series was found") instead of medicine.
SOURCE_TEXT = re.compile(
    r"source text|the source (says|states|places|describes|mentions|claims)"
    r"|\b(was|were) found\b|only one (consumer )?source|consumer source|what was found"
    r"|\bsearch(ed)? (found|results?)\b|module_source|\bthe text (says|states)",
    re.IGNORECASE,
)
# Specific determiners that give a distractor (or a true/false stem) away.
ABSOLUTE = re.compile(
    r"\b(always|never|all|only|proves?|proof|cures?|completely|entirely|guarantees?|certainly"
    r"|definitely|invariably|impossible|every|none|no role)\b",
    re.IGNORECASE,
)
EXCLUDED_DOMAINS = (
    "scribd.",
    "pacs.de",
    "minclinic.ru",
    "wikisum",
    "docslib",
    "booksci.cn",
    "researchgate.",
    "teachmeanatomy",
    "informaticsjournals",
    "mijn.bsl.nl",
    "bibliotheek.ehb.be",
    "droracle",
    "majortests",
    "ai-bt.",
    "slideshare",
    "coek.info",
    "blogspot.",
    "sportsinjuryclinic",
    "docpods",
    "heelthatpain",
    "emergencyfirstaidcourse",
    "vdocuments",
    "pdfslide",
    "spotidoc",
    "doctorlib",
    "studocu",
    "coursehero",
    "wikipedia.",
)
STABLE_LINK = re.compile(
    r"<https://(doi\.org/10\.\d{4,9}/\S+|pubmed\.ncbi\.nlm\.nih\.gov/\S+"
    r"|www\.ncbi\.nlm\.nih\.gov/books/NBK\d+/?)>"
)
# Guideline publishers whose own pages are the stable home of the document.
GUIDELINE_HOSTS = ("www.jfas.org", "www.nice.org.uk")
STANDARD_SOURCE = re.compile(
    r"\((standard [^)]*text[^)]*|[^)]*guideline[^)]*|[^)]*practice parameter[^)]*"
    r"|[^)]*consensus statement[^)]*)\)",
    re.IGNORECASE,
)
URL = re.compile(r"https?://[^\s>)]+")
YEAR = re.compile(r"\b(19|20)\d{2}\b")


# --------------------------------------------------------------------------- helpers


def load_module() -> dict:
    return json.loads(MODULE.read_text(encoding="utf-8"))


def norm(text: str) -> str:
    """Lower case, no markup, no possessive 's, single spaces, padded for whole-word search."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = re.sub(r"[*_`]", "", text)
    text = text.replace("'s", "").replace("\u2019s", "")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return f" {text.strip()} "


STOP_WORDS = {
    "with",
    "that",
    "this",
    "from",
    "when",
    "than",
    "they",
    "their",
    "there",
    "which",
    "what",
    "have",
    "been",
    "into",
    "over",
    "under",
    "after",
    "before",
    "about",
    "more",
    "most",
    "also",
    "only",
    "some",
    "such",
    "each",
    "other",
    "would",
    "could",
    "should",
    "very",
    "does",
}


def stems_of(text: str) -> set[str]:
    """Content words cut to five letters, so 'pronate' and 'pronation' meet."""
    return {w[:5] for w in norm(text).split() if len(w) >= 4 and w not in STOP_WORDS}


def single_keys(data: dict) -> list[tuple[dict, int]]:
    """Each single-best-answer item with the index of its key."""
    out = []
    for q in data["questions"]:
        if q["type"] == "single":
            out.append((q, next(i for i, c in enumerate(q["choices"]) if c["correct"])))
    return out


def learner_texts(q: dict) -> list[str]:
    """Everything a learner reads about a question: stem, options, feedback, explanation."""
    texts = [q.get("title", ""), q["stem"], q.get("explanation", "")]
    for c in q.get("choices", []):
        texts += [c["text"], c.get("feedback", "")]
    for a in q.get("accepted_answers", []):
        texts += [a["text"], a.get("feedback", "")]
    for o in q.get("order_items", []):
        texts += [o["text"], o.get("feedback", "")]
    for p in q.get("pairs", []):
        texts += [p.get("prompt", ""), p["match"], p.get("feedback", "")]
    texts += [t.get("feedback", "") for t in q.get("targets", [])]
    return texts


def key_phrases(q: dict) -> set[str]:
    """Normalised texts of what a question keys: accepted answers (with synonyms), the single
    key, the rank-1 diagnosis (and its parts in brackets), longer correct multiple options."""
    phrases: list[str] = []
    kind = q["type"]
    if kind == "short_answer":
        for a in q["accepted_answers"]:
            phrases += [a["text"], *a.get("synonyms", [])]
    elif kind == "single":
        phrases += [c["text"] for c in q["choices"] if c["correct"]]
    elif kind == "ranking":
        for c in q["choices"]:
            if c.get("rank") == 1:
                phrases.append(c["text"])
                phrases += [p for p in re.split(r"\s*[()]\s*", c["text"]) if p]
    elif kind == "multiple":
        phrases += [c["text"] for c in q["choices"] if c["correct"] and len(c["text"].split()) >= 3]
    return {p for p in map(norm, phrases) if len(p.strip()) >= 3}


def named_terms(q: dict) -> set[str]:
    """Key phrases short enough to be named in passing (a test, a muscle, a diagnosis)."""
    if q["type"] in ("short_answer", "ranking"):
        return key_phrases(q)
    return set()


def gives_away(phrases: set[str], seen_text: str, seen_stems: set[str], max_words: int) -> list:
    found = []
    for phrase in phrases:
        words = stems_of(phrase)
        if phrase in seen_text or (2 <= len(words) <= max_words and words <= seen_stems):
            found.append(phrase.strip())
    return found


# --------------------------------------------------------------------------- the rules


def source_text_mentions(data: dict) -> list[str]:
    problems = []
    for q in data["questions"]:
        for text in learner_texts(q):
            if match := SOURCE_TEXT.search(text):
                problems.append(f"{q['key']}: '{match.group(0)}'")
    for case in data["cases"]:
        for text in [case["title"], case.get("summary", "")] + [s["body"] for s in case["stages"]]:
            if match := SOURCE_TEXT.search(text):
                problems.append(f"case {case['key']}: '{match.group(0)}'")
    return problems


def key_strictly_longest(data: dict) -> list[str]:
    out = []
    for q, k in single_keys(data):
        lengths = [len(c["text"]) for c in q["choices"]]
        if all(lengths[k] > n for i, n in enumerate(lengths) if i != k):
            out.append(q["key"])
    return out


def absolute_word_cues(data: dict) -> list[str]:
    problems = []
    for q in data["questions"]:
        if q["type"] in ("single", "multiple"):
            for c in q["choices"]:
                if match := ABSOLUTE.search(c["text"]):
                    problems.append(f"{q['key']}: '{match.group(0)}' in '{c['text']}'")
        if q["type"] == "true_false" and (match := ABSOLUTE.search(q["stem"])):
            problems.append(f"{q['key']}: '{match.group(0)}' in the stem")
    return problems


def reference_problems(references: str, where: str) -> list[str]:
    lines = [ln for ln in references.splitlines() if ln.strip()]
    if not lines:
        return [f"{where}: no references"]
    problems = []
    for line in lines:
        lowered = line.lower()
        if any(domain in lowered for domain in EXCLUDED_DOMAINS):
            problems.append(f"{where}: excluded source: {line[:80]}")
        for url in URL.findall(line):
            host = url.split("/")[2]
            trusted = host in ("doi.org", "pubmed.ncbi.nlm.nih.gov") or host in GUIDELINE_HOSTS
            trusted = trusted or url.startswith("https://www.ncbi.nlm.nih.gov/books/NBK")
            if not url.startswith("https://") or not trusted:
                problems.append(f"{where}: link is not a DOI, PubMed or Bookshelf link: {url}")
        if not (STABLE_LINK.search(line) or STANDARD_SOURCE.search(line)):
            problems.append(
                f"{where}: neither a stable link nor a named standard source: {line[:80]}"
            )
        if not line.startswith("- ") or not YEAR.search(line) or "*" not in line:
            problems.append(f"{where}: not written as a citation (authors, title, *source*, year)")
    return problems


def all_reference_problems(data: dict) -> list[str]:
    problems = []
    for q in data["questions"]:
        problems += reference_problems(q.get("references", ""), q["key"])
    for case in data["cases"]:
        problems += reference_problems(case.get("references", ""), f"case {case['key']}")
    return problems


def missing_feedback(data: dict) -> list[str]:
    parts_of = {
        "single": "choices",
        "multiple": "choices",
        "true_false": "choices",
        "ranking": "choices",
        "short_answer": "accepted_answers",
        "ordering": "order_items",
        "matching": "pairs",
        "hotspot": "targets",
    }
    problems = []
    for q in data["questions"]:
        parts = q.get(parts_of[q["type"]], [])
        if not parts or any(not p.get("feedback", "").strip() for p in parts):
            problems.append(f"{q['key']}: a {parts_of[q['type']]} entry without feedback")
        if not q.get("explanation", "").strip():
            problems.append(f"{q['key']}: no explanation")
    return problems


def stage_give_aways(data: dict) -> list[str]:
    """A stage shows its body above its questions and keeps earlier stages on the page, so no
    keyed answer may appear in the case title, summary, or the body or title of the same or an
    earlier stage. Exact phrases for every kind of key; for short answers and rank-1 diagnoses
    also two to four content words all already on the page ('pronate excessively')."""
    questions = {q["key"]: q for q in data["questions"]}
    problems = []
    for case in data["cases"]:
        seen_text = norm(case["title"] + " " + case.get("summary", ""))
        seen_stems = stems_of(seen_text)
        for stage in case["stages"]:
            seen_text += norm(stage.get("title", "") + " " + stage["body"])
            seen_stems |= stems_of(stage.get("title", "") + " " + stage["body"])
            for key in stage["questions"]:
                q = questions[key]
                exact = [p.strip() for p in key_phrases(q) if p in seen_text]
                fuzzy = gives_away(named_terms(q), seen_text, seen_stems, max_words=4)
                for phrase in sorted(set(exact) | set(fuzzy)):
                    problems.append(f"{case['key']} / {stage['title']}: {key} '{phrase}'")
    return problems


def quiz_give_aways(data: dict) -> list[str]:
    """In a tutor quiz the feedback and explanation of a question are read before the next
    question, so they must not contain the key of a later one."""
    questions = {q["key"]: q for q in data["questions"]}
    problems = []
    for quiz in data["quizzes"]:
        title = quiz["title"] + " " + quiz.get("description", "")
        for key in quiz["questions"]:
            for phrase in key_phrases(questions[key]):
                if phrase in norm(title):
                    problems.append(f"{quiz['key']}: the title or description names {key}'s key")
        if quiz["mode"] != "tutor":
            continue
        keys = quiz["questions"]
        for j, later in enumerate(keys):
            for earlier in keys[:j]:
                text = " ".join(learner_texts(questions[earlier]))
                for phrase in gives_away(
                    key_phrases(questions[later]), norm(text), stems_of(text), max_words=5
                ):
                    problems.append(f"{quiz['key']}: {earlier} gives away {later} '{phrase}'")
    return problems


def figure_problems(data: dict) -> list[str]:
    problems = []
    figures = {f["key"]: f for f in data["figures"]}
    for fig in data["figures"]:
        w, h = fig["width"], fig["height"]
        for region in fig["regions"]:
            if any(not (0 <= x <= w and 0 <= y <= h) for x, y in region["points"]):
                problems.append(f"{fig['key']}/{region['key']}: outside the figure")
        grid: Counter[tuple[str, ...]] = Counter()
        for x in range(0, int(w), 4):
            for y in range(0, int(h), 4):
                inside = [r["key"] for r in fig["regions"] if point_in(x + 2, y + 2, r["points"])]
                if len(inside) > 1:
                    grid[tuple(inside)] += 1
        problems += [f"{fig['key']}: regions {pair} overlap" for pair in grid]
    for q in data["questions"]:
        if q["type"] == "hotspot":
            if q["figure"] in LABELLED_FIGURES:
                problems.append(f"{q['key']}: a hotspot on a labelled figure")
            region_keys = {r["key"] for r in figures[q["figure"]]["regions"]}
            if not {t["region"] for t in q["targets"]} <= region_keys:
                problems.append(f"{q['key']}: a target names no region of its figure")
    questions = {q["key"]: q for q in data["questions"]}
    for case in data["cases"]:
        labelled_shown = False
        for stage in case["stages"]:
            labelled_shown |= bool(set(stage["figures"]) & LABELLED_FIGURES)
            for key in stage["questions"]:
                q = questions[key]
                if labelled_shown and (q["type"] == "hotspot" or "anatomy" in q["topics"]):
                    problems.append(f"{case['key']}: a labelled figure is on the page with {key}")
    return problems


def point_in(x: float, y: float, points: list) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


# --------------------------------------------------------------------------- the module


@pytest.fixture(scope="module")
def data() -> dict:
    return load_module()


def test_enough_published_questions_of_every_type(data):
    counts = Counter(q["type"] for q in data["questions"])
    assert len(data["questions"]) >= 90
    assert {t: counts[t] for t in TYPES if counts[t] < 5} == {}
    assert [q["key"] for q in data["questions"] if q["status"] != "published"] == []
    assert len({q["key"] for q in data["questions"]}) == len(data["questions"])


def test_every_question_is_delivered_and_every_placement_exists(data):
    keys = {q["key"] for q in data["questions"]}
    used = [k for quiz in data["quizzes"] for k in quiz["questions"]]
    used += [k for case in data["cases"] for stage in case["stages"] for k in stage["questions"]]
    assert sorted(set(used) - keys) == []
    assert sorted(keys - set(used)) == []


def test_every_part_has_feedback_and_every_question_an_explanation(data):
    assert missing_feedback(data) == []


def test_nothing_is_keyed_on_the_source_text(data):
    assert source_text_mentions(data) == []


def test_the_key_is_strictly_longest_in_at_most_a_third_of_single_best_answer_items(data):
    singles = single_keys(data)
    longest = key_strictly_longest(data)
    assert len(longest) * 3 <= len(singles), longest


def test_key_positions_are_varied(data):
    positions = Counter(k for _, k in single_keys(data))
    total = sum(positions.values())
    assert positions[0] / total <= 0.4, positions
    assert max(positions.values()) / total <= 0.4, positions
    assert len(positions) >= 3, positions
    rank_one = Counter(
        next(i for i, c in enumerate(q["choices"]) if c.get("rank") == 1)
        for q in data["questions"]
        if q["type"] == "ranking"
    )
    assert rank_one[0] <= max(1, sum(rank_one.values()) * 0.4), rank_one
    true_keys = [q["choices"][0]["correct"] for q in data["questions"] if q["type"] == "true_false"]
    assert 0.35 <= sum(true_keys) / len(true_keys) <= 0.65
    multiple_first = [
        q["choices"][0]["correct"] for q in data["questions"] if q["type"] == "multiple"
    ]
    assert sum(multiple_first) / len(multiple_first) <= 0.6


def test_no_absolute_words_in_options_or_true_false_stems(data):
    assert absolute_word_cues(data) == []


def test_references_are_citations_of_primary_or_standard_sources(data):
    assert all_reference_problems(data) == []


def test_no_excluded_link_anywhere_in_the_module():
    text = MODULE.read_text(encoding="utf-8").lower()
    text += (FIGURES / "figures.json").read_text(encoding="utf-8").lower()
    assert [d for d in EXCLUDED_DOMAINS if d in text] == []


def test_no_case_stage_prints_the_answer_to_its_own_questions(data):
    assert stage_give_aways(data) == []


def test_no_tutor_feedback_answers_a_later_question_and_no_title_names_a_key(data):
    assert quiz_give_aways(data) == []


def test_case_titles_and_summaries_do_not_name_a_keyed_answer(data):
    questions = {q["key"]: q for q in data["questions"]}
    named = []
    for case in data["cases"]:
        shown = norm(case["title"] + " " + case.get("summary", ""))
        keys = [k for stage in case["stages"] for k in stage["questions"]]
        named += [(case["key"], k) for k in keys for p in key_phrases(questions[k]) if p in shown]
    assert named == []


def test_figures_regions_and_labelled_figures(data):
    assert figure_problems(data) == []
    assert json.loads((FIGURES / "figures.json").read_text(encoding="utf-8")) == data["figures"]


@pytest.mark.parametrize(
    "name",
    [
        "medial-ankle",
        "medial-ankle-unlabelled",
        "plantar-territories",
        "plantar-territories-unlabelled",
    ],
)
def test_figure_svgs_are_self_contained(name):
    root = ElementTree.fromstring((FIGURES / f"{name}.svg").read_bytes())  # noqa: S314 (our own file)
    assert root.tag.endswith("svg")
    assert root.get("viewBox") == "0 0 800 600"
    for element in root.iter():
        assert not element.tag.endswith("script")
        assert not element.tag.endswith("foreignObject")
        for attribute, value in element.attrib.items():
            assert not attribute.lower().startswith("on"), attribute
            if attribute.endswith("href"):
                assert value.startswith("#"), value
            assert "url(http" not in value
    if name.endswith("unlabelled"):
        # Orientation only ("Right foot, plantar view", "MEDIAL", "heel"): no structure is named.
        words = {
            w for e in root.iter() if e.tag.endswith("text") for w in norm(e.text or "").split()
        }
        assert words <= ORIENTATION_WORDS, words - ORIENTATION_WORDS


# --------------------------------------------------------------------------- the rules can fail


def tiny_module(**changes) -> dict:
    """A minimal sound module to break one rule at a time."""
    single = {
        "key": "s1",
        "type": "single",
        "title": "Parent nerve",
        "stem": "Which nerve usually gives rise to the medial calcaneal nerve?",
        "explanation": "Usually the tibial nerve.",
        "references": "- Kiel J, Kaiser K. Tarsal Tunnel Syndrome. In: *StatPearls*. 2024. "
        "<https://www.ncbi.nlm.nih.gov/books/NBK513273/>",
        "status": "published",
        "topics": ["anatomy"],
        "choices": [
            {"text": "The sural nerve", "correct": False, "feedback": "No."},
            {"text": "The tibial nerve", "correct": True, "feedback": "Yes."},
            {"text": "The saphenous nerve", "correct": False, "feedback": "No."},
        ],
    }
    short = {
        "key": "sa1",
        "type": "short_answer",
        "title": "Name the test",
        "stem": "Name the test that compresses the heel from both sides.",
        "explanation": "The calcaneal squeeze test.",
        "references": single["references"],
        "status": "published",
        "topics": ["differential_diagnosis"],
        "accepted_answers": [
            {"text": "calcaneal squeeze test", "synonyms": ["heel squeeze"], "feedback": "Yes."}
        ],
    }
    module: dict[str, Any] = {
        "questions": [single, short],
        "cases": [
            {
                "key": "c1",
                "title": "A recruit",
                "summary": "Heel pain in training.",
                "references": single["references"],
                "stages": [
                    {
                        "title": "Examination",
                        "body": "The heel is tender.",
                        "figures": [],
                        "questions": ["sa1"],
                    }
                ],
            }
        ],
        "quizzes": [
            {
                "key": "z1",
                "title": "Tutor",
                "description": "",
                "mode": "tutor",
                "questions": ["s1", "sa1"],
            }
        ],
        "figures": [],
    }
    for path, value in changes.items():
        target: Any = module
        *parents, last = path.split("__")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value
    return module


def test_the_tiny_module_passes_every_rule():
    module = tiny_module()
    assert source_text_mentions(module) == []
    assert absolute_word_cues(module) == []
    assert all_reference_problems(module) == []
    assert missing_feedback(module) == []
    assert stage_give_aways(module) == []
    assert quiz_give_aways(module) == []
    assert key_strictly_longest(module) == []


def test_rule_catches_a_source_text_stem():
    module = tiny_module(questions__0__stem="Where does the source text place the entrapment?")
    assert source_text_mentions(module)


def test_rule_catches_a_longest_key():
    module = tiny_module(
        **{"questions__0__choices__1__text": "The tibial nerve, in most dissected feet"}
    )
    assert key_strictly_longest(module) == ["s1"]


def test_rule_catches_an_absolute_distractor():
    module = tiny_module(**{"questions__0__choices__0__text": "The sural nerve, always"})
    assert absolute_word_cues(module)


@pytest.mark.parametrize(
    "line",
    [
        "- A page. <https://www.scribd.com/document/1>",
        "- Smith J. Heel pain. *Blog*. 2020. <http://example.com/heel>",
        "- Smith J. Heel pain. *J Foot*. 2020.",
        "Heel pain, a copy. <https://doi.org/10.1000/x>",
    ],
)
def test_rule_catches_a_bad_reference(line):
    assert reference_problems(line, "q")


def test_rule_catches_missing_feedback():
    module = tiny_module(**{"questions__0__choices__2__feedback": ""})
    assert missing_feedback(module)


@pytest.mark.parametrize(
    "body",
    [
        "Squeezing the heel from both sides (the calcaneal squeeze test) hurts.",
        "It hurts when the examiner squeezes her heel from both sides.",
    ],
)
def test_rule_catches_a_stage_that_prints_its_answer(body):
    module = tiny_module(cases__0__stages__0__body=body)
    assert stage_give_aways(module)


def test_rule_catches_tutor_feedback_that_answers_a_later_question():
    module = tiny_module(
        **{
            "questions__0__choices__1__feedback": "Yes; pain on the heel squeeze test is another matter."
        }
    )
    assert quiz_give_aways(module)


def test_rule_catches_overlapping_regions_and_a_labelled_hotspot():
    square = [[10, 10], [50, 10], [50, 50], [10, 50]]
    module = tiny_module()
    module["figures"] = [
        {
            "key": "medial-ankle",
            "width": 100,
            "height": 100,
            "regions": [{"key": "a", "points": square}, {"key": "b", "points": square}],
        }
    ]
    module["questions"].append(
        {
            "key": "h1",
            "type": "hotspot",
            "figure": "medial-ankle",
            "topics": ["anatomy"],
            "targets": [{"region": "a"}],
        }
    )
    problems = figure_problems(module)
    assert any("overlap" in p for p in problems)
    assert any("labelled figure" in p for p in problems)
