"""How text becomes search words, on every backend alike."""

from __future__ import annotations

import re

from maillage.accounts.models import fold_for_search

MAX_WORD = 40  # longer words are cut (SearchTerm columns; nobody types more)
TYPO_MIN_LENGTH = 4  # a query word this long may have one typo
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """Folded words: "Jérôme Lefèvre-Dupont" → ["jerome", "lefevre", "dupont"]."""
    return [w[:MAX_WORD] for w in _WORD.findall(fold_for_search(text or ""))]


def deletions(word: str) -> set[str]:
    """The word and every form of it with one letter deleted (SymSpell's deletion variants)."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def within_one_edit(a: str, b: str) -> bool:
    """Whether `a` becomes `b` by at most one insertion, deletion, substitution or swap of two
    neighbouring letters (Damerau–Levenshtein distance ≤ 1)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b = b, a
    # b is one letter longer: removing one letter of b gives a.
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]
