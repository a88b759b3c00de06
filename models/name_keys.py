"""Search keys of a person's name and document number: spellings of one name meet.

A name is written in Latin with diacritics (Bērziņš), plain Latin (Berzins), Cyrillic
(Берзиньш) or Georgian (ბერიძე). ``fold`` brings each word to one key:

1. any script to ASCII with ``anyascii`` (Берзиньш -> Berzin'sh, ნინო -> nino);
2. lower case; apostrophes and soft/hard signs (which anyascii writes as ') dropped;
3. y -> j (Russian я/ю/й come out as ya/yu/y, Latvian writes ja/ju/j: Yanis = Jānis);
4. h dropped after s, z, c (Russian ш/ж/ч/щ, Georgian შ/ჟ/ჩ are sh/zh/ch/shch, Latvian
   š/ž/č lose their caron: s/z/c), kh -> h (х, ხ; Latvian writes h), ts -> c (ц);
5. a doubled letter once (Hovhannisyan = Hovhanisyan).

So "Bērziņš", "Berzins", "BERZINS" and "Берзиньш" all fold to "berzins". The rules are
for finding possible matches, not for spelling names: a few unrelated names fold together
(a search may show one case too many, never one too few for these spellings).
"""

from __future__ import annotations

import re

from anyascii import anyascii

_SIGNS = re.compile(r"['’ʼ`]")
_WORD = re.compile(r"[a-z]+")
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"y"), "j"),
    (re.compile(r"([szc])h"), r"\1"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"ts"), "c"),
    (re.compile(r"([a-z])\1+"), r"\1"),
)
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")


def fold_words(text: str) -> list[str]:
    """The folded words of a name, in order ("Jānis Bērziņš" -> ["janis", "berzins"])."""
    ascii_text = _SIGNS.sub("", anyascii(text).lower())
    words = []
    for word in _WORD.findall(ascii_text):
        for pattern, replacement in _RULES:
            word = pattern.sub(replacement, word)
        words.append(word)
    return words


def name_key(name: str) -> str | None:
    """A name's key: its folded words joined ("de la Cruz" -> "delacruz"), so a key holds
    letters only and a prefix of it is a range on an ordinary index, whatever the database's
    collation. A placeholder in square brackets ("[anonymised]") is no name: no key."""
    if name.startswith("[") and name.endswith("]"):
        return None
    return "".join(fold_words(name)) or None


def document_key(number: str | None) -> str | None:
    """A document number as compared: upper case, letters and digits only ("ge 123-45" ->
    "GE12345")."""
    key = _NOT_ALNUM.sub("", anyascii(number or "").upper())
    return key or None


def prefix_range(prefix: str) -> tuple[str, str | None]:
    """The half-open range [low, high) holding every key that starts with ``prefix`` (a key
    is lower-case letters only); high is None when no key is above it ("zz")."""
    stem = prefix.rstrip("z")
    if not stem:
        return prefix, None
    return prefix, stem[:-1] + chr(ord(stem[-1]) + 1)
