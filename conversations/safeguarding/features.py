"""The features the learned classifier reads: the same at training time and at screening time.

A message is first normalised (see `normalise.py`), then cut into word unigrams and bigrams
(which carry meaning: "touches me") and character 3- to 5-grams inside each word (which
carry spelling tolerance beyond the mender: "kiks" shares "kik" with "kick"). The writer
(child, parent or carer) becomes a feature of its own, so the model can learn that a
parent's "they'll take my kids" is fear of the plan, not a threat.

The child's age band is deliberately not a feature: in the corpus, age went with how a
message was written more than with the risk in it, and a model that learnt "8 to 12 means
harmless" would hear a nine-year-old's disclosure less well.

Training passes `document()` strings to scikit-learn with `analyse` as the analyzer, so the
shipped model and the screener cannot drift apart.
"""

from __future__ import annotations

import itertools

from conversations.safeguarding.model import ScreeningContext

CHAR_SIZES = (3, 4, 5)
CHAR_PREFIX = "c:"
# Separates the context from the words in a document; normalised text never holds a tab.
_SEPARATOR = "\t"


def document(normalised: str, context: ScreeningContext) -> str:
    """Pack normalised words and who wrote them into the one string `analyse` reads."""
    return f"{context.author}{_SEPARATOR}{normalised}"


def analyse(doc: str) -> list[str]:
    """Return every feature of a `document()` string, repeated as often as it occurs."""
    author, text = doc.split(_SEPARATOR, 1)
    words = text.split()
    features = [author_feature(author), *pair_features(words)]
    for word in words:
        features.extend(word_features(word))
    return features


def author_feature(author: str) -> str:
    """The feature naming who wrote the message."""
    return f"@author={author}"


def pair_features(words: list[str]) -> list[str]:
    """The bigram features of a message's words."""
    return [f"b:{first} {second}" for first, second in itertools.pairwise(words)]


def word_features(word: str) -> list[str]:
    """The features of one word: itself, and its character n-grams with the spaces around it."""
    features = [f"w:{word}"]
    padded = f" {word} "
    for size in CHAR_SIZES:
        if len(padded) < size:
            break
        features.extend(
            f"{CHAR_PREFIX}{padded[start : start + size]}"
            for start in range(len(padded) - size + 1)
        )
    return features
