"""The victim-group lexicon: parse data/lexicon.toml text into typed, validated, compiled records.

Format (see the comments in data/lexicon.toml): `[vocab]` named word lists usable as `{name}` in
any pattern; `[groups.SLUG]` with label, description, role, anchors, yield_to and patterns (a
pattern may mark the part of its match that counts as the hit with a named group `(?P<hit>...)`);
`[kinds.SLUG]` and `[quantifiers.SLUG]` with label and patterns. Every pattern is a regular
expression matched case-insensitively and word-bounded; a space in a pattern matches any run of
whitespace (line breaks included), except inside a look-behind where it is one space.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

ROLES = ("people", "state", "other")
_SLUG_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_VOCAB_REF_RE = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_FLAGS = re.IGNORECASE

_TOP_KEYS = {"schema", "kinds_for", "vocab", "groups", "kinds", "quantifiers"}
_GROUP_KEYS = {"label", "description", "role", "anchors", "yield_to", "patterns"}
_PATTERN_KEYS = {"pattern", "requires", "unless", "note"}
_KIND_KEYS = {"label", "description", "patterns", "fallback"}
_QUANT_KEYS = {"label", "description", "patterns"}


class LexiconError(ValueError):
    """The lexicon text is not valid: the message names the bad entry and what is wrong."""


@dataclass(frozen=True)
class Pattern:
    """One compiled group pattern, with optional sentence-level conditions."""

    source: str
    regex: re.Pattern
    requires: re.Pattern | None = None  # the sentence must also match this
    unless: re.Pattern | None = None  # ... and must not match this
    note: str = ""


@dataclass(frozen=True)
class Group:
    """A victim group (or the North Korean state) and the patterns that find it."""

    slug: str
    label: str
    description: str
    role: str  # "people", "state" or "other"
    patterns: tuple[Pattern, ...]
    anchors: tuple[str, ...] = ()  # lowercase substrings; patterns tried only where one occurs
    yield_to: tuple[str, ...] = ()  # matches overlapping these groups' matches are dropped


@dataclass(frozen=True)
class Kind:
    """A kind of exploitation that a north_korean sentence can be classified as."""

    slug: str
    label: str
    description: str
    patterns: tuple[re.Pattern, ...]
    fallback: bool = False  # assigned when no other kind matches
    # one regex matching where any of the patterns does (any_of_patterns); None when there is none
    any_of: re.Pattern | None = field(default=None, repr=False, compare=False)

    def named_in(self, folded: str) -> bool:
        """Whether one of the kind's patterns matches somewhere in a folded text."""
        if self.any_of is not None:
            return self.any_of.search(folded) is not None
        return any(p.search(folded) for p in self.patterns)


@dataclass(frozen=True)
class QuantifierClass:
    """A class of quantifier words ("few", "many", "share" ...) in lexicon order."""

    slug: str
    label: str
    description: str
    patterns: tuple[re.Pattern, ...]


@dataclass(frozen=True, eq=False)
class Lexicon:
    """The parsed lexicon. Dict order is the order of the TOML file; hashable by identity."""

    groups: dict[str, Group]
    kinds: dict[str, Kind]
    quantifiers: dict[str, QuantifierClass]
    kinds_for: tuple[str, ...]
    quantifier_regex: re.Pattern = field(repr=False, default=re.compile(r"(?!x)x"))
    # (capturing-group number in quantifier_regex, class slug), one per quantifier pattern
    quantifier_slots: tuple[tuple[int, str], ...] = field(repr=False, default=())

    def __repr__(self) -> str:
        return f"Lexicon(groups={list(self.groups)}, kinds={list(self.kinds)}, quantifiers={list(self.quantifiers)})"

    def label(self, slug: str) -> str:
        """The human label of a group slug (the slug itself when unknown)."""
        group = self.groups.get(slug)
        return group.label if group else slug

    def quantifier_class_of(self, match: re.Match) -> str:
        """The quantifier class slug of a match of quantifier_regex."""
        for index, slug in self.quantifier_slots:
            if match.group(index) is not None:
                return slug
        return ""


# --------------------------------------------------------------------------------------------
# Pattern source to regex


def _spaces_to_whitespace(src: str) -> str:
    """Replace each unescaped space outside character classes and look-behinds with \\s+."""
    out: list[str] = []
    stack: list[str] = []  # "lb" for look-behind groups, "g" for others
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch == "\\" and i + 1 < n:
            out.append(src[i : i + 2])
            i += 2
            continue
        if ch == "[":
            j = i + 1
            if j < n and src[j] == "^":
                j += 1
            if j < n and src[j] == "]":
                j += 1
            while j < n and src[j] != "]":
                j += 2 if src[j] == "\\" else 1
            out.append(src[i : j + 1])
            i = j + 1
            continue
        if ch == "(":
            stack.append("lb" if src.startswith(("(?<=", "(?<!"), i) else "g")
        elif ch == ")" and stack:
            stack.pop()
        elif ch == " " and "lb" not in stack:
            j = i
            while j < n and src[j] == " ":
                j += 1
            quantified = j < n and src[j] in "?*+{"
            out.append(r"(?:\s+)" if quantified else r"\s+")
            i = j
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _expand_vocab(src: str, vocab: dict[str, str], where: str) -> str:
    def repl(m: re.Match) -> str:
        name = m.group(1)
        if name not in vocab:
            known = ", ".join(sorted(vocab)) or "none"
            raise LexiconError(f"{where}: unknown vocab name {{{name}}} (known: {known})")
        return vocab[name]

    return _VOCAB_REF_RE.sub(repl, src)


def _body(src: Any, vocab: dict[str, str], where: str) -> str:
    """The regex text of a pattern: vocab expanded, spaces made whitespace runs (not bounded)."""
    if not isinstance(src, str) or not src.strip():
        raise LexiconError(f"{where}: a pattern must be a non-empty string, got {src!r}")
    return _spaces_to_whitespace(_expand_vocab(src, vocab, where))


def _compile(src: Any, vocab: dict[str, str], where: str) -> re.Pattern:
    body = rf"(?<!\w)(?:{_body(src, vocab, where)})(?!\w)"
    try:
        rx = re.compile(body, _FLAGS)
    except re.error as exc:
        raise LexiconError(f"{where}: invalid regular expression {src!r}: {exc}") from None
    if rx.match(""):
        raise LexiconError(f"{where}: pattern {src!r} matches the empty string")
    return rx


def _hit_group_only(rx: re.Pattern, where: str) -> re.Pattern:
    """A group pattern may name one group, `hit` (the part of the match that counts); no other names."""
    other = sorted(set(rx.groupindex) - {"hit"})
    if other:
        raise LexiconError(f"{where}: named groups {other} are not allowed (only (?P<hit>...), the part that counts)")
    return rx


# --------------------------------------------------------------------------------------------
# TOML structure helpers


def _table(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise LexiconError(f"{where}: expected a table, got {type(value).__name__}")
    return value


def _check_keys(table: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise LexiconError(f"{where}: unknown key(s) {unknown} (allowed: {sorted(allowed)})")


def _text(table: dict, key: str, where: str, required: bool = True) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise LexiconError(f"{where}.{key}: expected a string, got {type(value).__name__}")
    if required and not value.strip():
        raise LexiconError(f"{where}: missing {key}")
    return value.strip()


def _str_list(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise LexiconError(f"{where}: expected a list of non-empty strings")
    return list(value)


def _parse_vocab(raw: Any) -> dict[str, str]:
    vocab: dict[str, str] = {}
    for name, words in _table(raw, "vocab").items():
        where = f"vocab.{name}"
        if not _SLUG_RE.match(name):
            raise LexiconError(f"{where}: names are lowercase letters, digits and _")
        items = [words] if isinstance(words, str) else _str_list(words, where)
        # A vocab entry may use vocab defined above it.
        expanded = [_expand_vocab(w, vocab, where) for w in items]
        fragment = "(?:" + "|".join(expanded) + ")"
        try:
            re.compile(_spaces_to_whitespace(fragment))
        except re.error as exc:
            raise LexiconError(f"{where}: invalid regular expression: {exc}") from None
        vocab[name] = fragment
    return vocab


def _parse_group(slug: str, raw: Any, vocab: dict[str, str]) -> Group:
    where = f"groups.{slug}"
    if not _SLUG_RE.match(slug):
        raise LexiconError(f"{where}: slugs are lowercase letters, digits and _")
    table = _table(raw, where)
    _check_keys(table, _GROUP_KEYS, where)
    role = _text(table, "role", where, required=False) or "people"
    if role not in ROLES:
        raise LexiconError(f"{where}.role: {role!r} is not one of {list(ROLES)}")
    raw_patterns = table.get("patterns")
    if not isinstance(raw_patterns, list) or not raw_patterns:
        raise LexiconError(f"{where}: patterns must be a non-empty list")
    patterns: list[Pattern] = []
    for i, item in enumerate(raw_patterns):
        pw = f"{where}.patterns[{i}]"
        if isinstance(item, str):
            patterns.append(Pattern(item, _hit_group_only(_compile(item, vocab, pw), pw)))
            continue
        entry = _table(item, pw)
        _check_keys(entry, _PATTERN_KEYS, pw)
        src = entry.get("pattern")
        requires = entry.get("requires")
        unless = entry.get("unless")
        patterns.append(
            Pattern(
                src if isinstance(src, str) else "",
                _hit_group_only(_compile(src, vocab, pw), pw),
                _compile(requires, vocab, pw + ".requires") if requires is not None else None,
                _compile(unless, vocab, pw + ".unless") if unless is not None else None,
                _text(entry, "note", pw, required=False),
            )
        )
    anchors = tuple(a.lower() for a in _str_list(table.get("anchors", []), where + ".anchors"))
    yield_to = tuple(_str_list(table.get("yield_to", []), where + ".yield_to"))
    return Group(
        slug=slug,
        label=_text(table, "label", where),
        description=_text(table, "description", where, required=False),
        role=role,
        patterns=tuple(patterns),
        anchors=anchors,
        yield_to=yield_to,
    )


def _parse_plain_patterns(table: dict, vocab: dict[str, str], where: str, required: bool) -> tuple[re.Pattern, ...]:
    raw = table.get("patterns", [])
    if not isinstance(raw, list) or (required and not raw):
        raise LexiconError(f"{where}: patterns must be a non-empty list")
    return tuple(_compile(p, vocab, f"{where}.patterns[{i}]") for i, p in enumerate(raw))


def any_of_patterns(patterns: tuple[re.Pattern, ...]) -> re.Pattern | None:
    r"""One regex that matches somewhere in a text exactly when one of `patterns` (each made by _compile:
    (?<!\w)(?:BODY)(?!\w), IGNORECASE) does: the bodies as alternatives inside one pair of word
    boundaries, which the engine tests at each position once instead of once per pattern. None when
    there are no patterns, or when one has capturing groups (its group numbers would shift)."""
    prefix, suffix = r"(?<!\w)(?:", r")(?!\w)"
    if not patterns or any(p.groups or not (p.pattern.startswith(prefix) and p.pattern.endswith(suffix)) for p in patterns):
        return None
    bodies = [p.pattern[len(prefix):-len(suffix)] for p in patterns]
    return re.compile(prefix + "|".join(f"(?:{b})" for b in bodies) + suffix, _FLAGS)


def parse_lexicon(toml_text: str) -> Lexicon:
    """Parse and validate lexicon TOML text; raise LexiconError naming the bad entry."""
    if not isinstance(toml_text, str):
        raise LexiconError(f"lexicon text must be a str, got {type(toml_text).__name__}")
    try:
        doc = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"lexicon is not valid TOML: {exc}") from None
    _check_keys(doc, _TOP_KEYS, "lexicon")
    vocab = _parse_vocab(doc.get("vocab", {}))

    raw_groups = _table(doc.get("groups", {}), "groups")
    if not raw_groups:
        raise LexiconError("lexicon: no [groups.*] defined")
    groups = {slug: _parse_group(slug, raw, vocab) for slug, raw in raw_groups.items()}
    for g in groups.values():
        for other in g.yield_to:
            if other not in groups:
                raise LexiconError(f"groups.{g.slug}.yield_to: unknown group {other!r}")
            if other == g.slug:
                raise LexiconError(f"groups.{g.slug}.yield_to: a group cannot yield to itself")
            if g.slug in groups[other].yield_to:
                raise LexiconError(f"groups.{g.slug}.yield_to: {other!r} yields to {g.slug!r} too (a cycle)")

    kinds: dict[str, Kind] = {}
    for slug, raw in _table(doc.get("kinds", {}), "kinds").items():
        where = f"kinds.{slug}"
        if not _SLUG_RE.match(slug):
            raise LexiconError(f"{where}: slugs are lowercase letters, digits and _")
        table = _table(raw, where)
        _check_keys(table, _KIND_KEYS, where)
        fallback = table.get("fallback", False)
        if not isinstance(fallback, bool):
            raise LexiconError(f"{where}.fallback: expected true or false")
        kind_patterns = _parse_plain_patterns(table, vocab, where, required=not fallback)
        kinds[slug] = Kind(
            slug, _text(table, "label", where), _text(table, "description", where, required=False),
            kind_patterns, fallback, any_of_patterns(kind_patterns),
        )
    fallbacks = [k.slug for k in kinds.values() if k.fallback]
    if kinds and len(fallbacks) != 1:
        raise LexiconError(f"kinds: exactly one kind must have fallback = true, found {fallbacks}")

    quantifiers: dict[str, QuantifierClass] = {}
    alternatives: list[str] = []
    slots: list[tuple[int, str]] = []
    next_group = 1
    for slug, raw in _table(doc.get("quantifiers", {}), "quantifiers").items():
        where = f"quantifiers.{slug}"
        if not _SLUG_RE.match(slug):
            raise LexiconError(f"{where}: slugs are lowercase letters, digits and _")
        table = _table(raw, where)
        _check_keys(table, _QUANT_KEYS, where)
        pats = _parse_plain_patterns(table, vocab, where, required=True)
        quantifiers[slug] = QuantifierClass(slug, _text(table, "label", where), _text(table, "description", where, required=False), pats)
        for i, p in enumerate(pats):  # each alternative in its own capturing group, to tell its class
            alternatives.append(f"({_body(table['patterns'][i], vocab, where)})")
            slots.append((next_group, slug))
            next_group += 1 + p.groups
    try:
        # One word boundary around the whole alternation: several times faster than one per pattern.
        combined = r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)"
        quantifier_regex = re.compile(combined, _FLAGS) if alternatives else re.compile(r"(?!x)x")
    except re.error as exc:  # e.g. the same named group in two quantifier patterns
        raise LexiconError(f"quantifiers: the patterns cannot be combined into one regex: {exc}") from None

    kinds_for = tuple(_str_list(doc.get("kinds_for", []), "kinds_for"))
    for slug in kinds_for:
        if slug not in groups:
            raise LexiconError(f"kinds_for: unknown group {slug!r}")
    if kinds_for and not kinds:
        raise LexiconError("kinds_for names groups but no [kinds.*] are defined")
    return Lexicon(groups, kinds, quantifiers, kinds_for, quantifier_regex, tuple(slots))
