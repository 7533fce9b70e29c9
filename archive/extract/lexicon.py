"""The knowledge files as the extractor uses them: compiled patterns and lookup sets."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from archive.extract.text import phrase_alternation, phrase_pattern
from archive.extract.word_starts import word_start_finder
from archive.knowledge import forms_table, load
from archive.vietnamese import name_key, normalise


@cache
def posts() -> dict[str, str]:
    """Post title (normalised) → English label."""
    return {normalise(k): v for k, v in load("titles")["posts"].items()}


@cache
def post_modifiers_en() -> dict[str, str]:
    return {normalise(k): v for k, v in load("titles")["post_modifiers"].items()}


@cache
def ranks() -> dict[str, str]:
    return {normalise(k): v for k, v in load("titles")["ranks"].items()}


def _post_modifiers() -> str:
    return "|".join(re.escape(m) for m in post_modifiers_en())


@cache
def post_pattern() -> re.Pattern[str]:
    """A post with its modifiers ("Phó Giám đốc"), case-insensitive, whole words."""
    titles = phrase_pattern(list(posts())).pattern
    return re.compile(rf"(?:(?:{_post_modifiers()}) )?{titles}", re.IGNORECASE)


@cache
def rank_pattern() -> re.Pattern[str]:
    return phrase_pattern(list(ranks()))


@cache
def honorific_pattern() -> re.Pattern[str]:
    return phrase_pattern(load("titles")["honorifics"], case_insensitive=False)


@cache
def cue_pattern() -> re.Pattern[str]:
    """Any rank, post or honorific: the words that announce a person's name. The same as
    ``post|rank|honorific``, tried in that order, but with the post's modifiers first and
    one word start checked for the three (not once each at every position of a text)."""
    post = phrase_alternation(list(posts()))
    rank = phrase_alternation(list(ranks()))
    honorific = phrase_alternation(load("titles")["honorifics"], case_insensitive=False)
    return re.compile(
        rf"(?:{_post_modifiers()}) (?<!\w)(?:{post})(?!\w)"
        rf"|(?<!\w)(?:(?:{post})(?!\w)|(?:{rank})(?!\w)|(?:{honorific})(?!\w))",
        re.IGNORECASE,
    )


@cache
def cue_last_words() -> re.Pattern[str]:
    """The last word of any rank, post or honorific ("trưởng" of "Bộ trưởng"): a cue ends
    only where this pattern finds a word."""
    forms = [*posts(), *ranks(), *load("titles")["honorifics"]]
    return phrase_pattern([f.split()[-1] for f in forms if f.strip()])


@cache
def surnames() -> frozenset[str]:
    return frozenset(normalise(s) for s in load("surnames"))


KNOWN_PEOPLE_SWITCH = "ARCHIVE_KNOWN_PEOPLE"  # "off": extract without the list (evaluation)


_SWITCH_READ: ContextVar[bool | None] = ContextVar("known_people_switch_read", default=None)


def known_people_on() -> bool:
    """Whether the known-people list is in use (an environment switch, so worker
    processes see it too; read once for the whole of :func:`switch_read_once`)."""
    on = _SWITCH_READ.get()
    return _switch_from_environment() if on is None else on


def _switch_from_environment() -> bool:
    return os.environ.get(KNOWN_PEOPLE_SWITCH, "on") != "off"


@contextmanager
def switch_read_once() -> Iterator[None]:
    """Read the known-people switch once for what runs inside (an article's extraction
    asks it dozens of times, and the environment look-up is the dearest part)."""
    token = _SWITCH_READ.set(_switch_from_environment())
    try:
        yield
    finally:
        _SWITCH_READ.reset(token)


def known_people() -> dict[str, dict]:
    """Every spelling of every known person (name key) → their record."""
    return _known_people(known_people_on())


@cache
def _known_people(on: bool) -> dict[str, dict]:
    table = {}
    for record in load("people") if on else []:
        for form in [record["name"], *record.get("aliases", [])]:
            table[name_key(form)] = record
    return table


def known_people_pattern() -> re.Pattern[str] | None:
    """Any spelling of any known person, or None when the list is switched off."""
    return _known_people_pattern(known_people_on())


@cache
def _known_people_pattern(on: bool) -> re.Pattern[str] | None:
    forms = [f for r in load("people") for f in [r["name"], *r.get("aliases", [])]]
    return phrase_pattern(forms, case_insensitive=False) if on and forms else None


@cache
def organisations() -> dict[str, dict]:
    """Every form of every known organisation (name key) → record with ``name``."""
    return forms_table(load("organisations")["organisations"], name_key)


@cache
def bare_organisations() -> dict[str, str]:
    """Forms like "Bộ Công an" that mean the home (Vietnamese) body when nothing follows."""
    return {
        name_key(form): name
        for name, record in load("organisations")["organisations"].items()
        for form in record.get("bare_forms", [])
    }


def organisation_forms() -> list[str]:
    return [
        f
        for n, r in load("organisations")["organisations"].items()
        for f in [n, *r.get("aliases", []), *r.get("bare_forms", [])]
    ]


@cache
def organisation_pattern() -> re.Pattern[str]:
    return phrase_pattern(organisation_forms())


@cache
def organisation_starts() -> re.Pattern[str]:
    """Where a known organisation's name starts (:func:`organisation_pattern` is then tried
    only there, when a whole text is searched)."""
    return word_start_finder([phrase_alternation(organisation_forms())], r"(?!\w)")


@cache
def organisation_heads() -> re.Pattern[str]:
    return phrase_pattern(load("organisations")["heads"], case_insensitive=False)


@cache
def organisation_stop_words() -> frozenset[str]:
    return frozenset(load("organisations")["name_stop_words"])


@cache
def organisation_words() -> frozenset[str]:
    """Words that start an organisation's name and never sit inside a person's."""
    return frozenset(load("organisations")["name_head_words"])


@cache
def post_with_organisation() -> tuple[re.Pattern[str], dict[str, dict]]:
    """Posts written with their organisation in short, and what each stands for."""
    table = {normalise(k).casefold(): v for k, v in load("titles")["post_organisations"].items()}
    return phrase_pattern(list(load("titles")["post_organisations"])), table


@cache
def _posts_by_fold() -> tuple[dict[str, str], dict[str, str]]:
    posts_ = {k.casefold(): k for k in posts()}
    return posts_, {k.casefold(): k for k in post_modifiers_en()}


def canonical_post(text: str) -> str:
    """A post as the titles file spells it ("làm trưởng đoàn" → "Trưởng đoàn")."""
    by_fold, modifiers = _posts_by_fold()
    for modifier_fold, modifier in modifiers.items():
        if text.casefold().startswith(modifier_fold + " "):
            rest = text[len(modifier) + 1 :]
            if rest.casefold() in by_fold:
                return f"{modifier} {by_fold[rest.casefold()]}"
    return by_fold.get(text.casefold(), text)


@cache
def foreign_honorific_pattern() -> re.Pattern[str]:
    """Honorifics of other countries at the start of a run ("Samdech Krolahom ")."""
    forms = sorted(load("names")["foreign_honorifics"], key=len, reverse=True)
    return re.compile(rf"(?:{'|'.join(re.escape(f) for f in forms)})(?!\w)\s*")


@cache
def person_appositive() -> re.Pattern[str]:
    return re.compile(load("names")["person_appositive"], re.IGNORECASE)


@cache
def person_list_opener() -> re.Pattern[str]:
    return re.compile(load("names")["person_list_opener"], re.IGNORECASE)


def longest_framed_name() -> int:
    return int(load("names")["longest_framed_name"])


@cache
def syllable_pattern() -> re.Pattern[str]:
    """One Vietnamese syllable, lower case: (initial)(1–3 vowels)(final)."""
    shape = load("names")["syllable"]
    initials = "|".join(sorted(shape["initials"], key=len, reverse=True))
    finals = "|".join(sorted(shape["finals"], key=len, reverse=True))
    return re.compile(rf"(?:{initials})?[{shape['vowels']}]{{1,3}}(?:{finals})?")


@cache
def country_frames() -> dict[str, re.Pattern[str]]:
    """Patterns that tell a person's country from the words around the name."""
    return {key: re.compile(value) for key, value in load("names")["country_frames"].items()}


@cache
def home_units() -> re.Pattern[str]:
    """Administrative units only Vietnam has, at the start of a place phrase."""
    return re.compile(rf"^\s*(?:{'|'.join(load('names')['home_units'])})\b", re.IGNORECASE)


@cache
def home_body_heads() -> re.Pattern[str]:
    """Bodies that are Vietnam's when no other country is named with them."""
    return phrase_pattern(load("names")["home_body_heads"], case_insensitive=False)


@cache
def home_unit_codes() -> re.Pattern[str]:
    return re.compile(load("names")["home_unit_codes"])


@cache
def unit_words() -> frozenset[str]:
    return frozenset(load("names")["unit_words"])


@cache
def post_countries() -> dict[str, str]:
    """Posts only one country's system has ("Ủy viên Quốc vụ" is China's) → that country."""
    return {normalise(k).casefold(): v for k, v in load("titles")["post_countries"].items()}


@cache
def frame_words() -> frozenset[str]:
    """Honorifics and ranks, case-folded: the words right before a name that make it one."""
    return frozenset(normalise(w).casefold() for w in [*load("titles")["honorifics"], *ranks()])


@cache
def suspect_pattern() -> re.Pattern[str]:
    """A suspect word right before a name (its end anchored at the name)."""
    words = "|".join(re.escape(normalise(w)) for w in load("names")["suspect_words"])
    return re.compile(rf"(?<!\w)(?:{words})\s*$", re.IGNORECASE)
