"""The DfE SSDA903 code lists for a child's gender, ethnicity and legal status.

Children are stored with these codes, so "male", "Male" and "M" are one group in every
report. Imports and `mysay child add` read a code in any capitals, or the usual words for it
(the DfE's own descriptions, and the spellings case management systems export); anything
else is refused with the list it should come from. Words that could mean two codes (the 2021
census's "Gypsy or Irish Traveller", "short breaks") are refused too: guessing would put a
child in the wrong group.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

GENDER = {"1": "Male", "2": "Female"}

ETHNICITY = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WIRT": "Traveller of Irish heritage",
    "WROM": "Gypsy/Roma",
    "WOTH": "Any other White background",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Black Caribbean",
    "BAFR": "Black African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}

LEGAL_STATUS = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "J1": "Remanded to local authority accommodation or to youth detention accommodation",
    "J2": "Placed in local authority accommodation under the Police and Criminal Evidence "
    "Act 1984",
    "J3": "Sentenced to a youth rehabilitation order with residence or intensive fostering",
    "L1": "Under police protection and in local authority accommodation",
    "L2": "Emergency protection order",
    "L3": "Under child assessment order and in local authority accommodation",
    "V2": "Single period of accommodation under section 20",
    "V3": "Accommodated under an agreed series of short-term breaks, episodes recorded",
    "V4": "Accommodated under an agreed series of short-term breaks, agreements recorded",
}

# Other ways of writing a code, as `_key` leaves them (lower case, words only).
_GENDER_WORDS = {"m": "1", "boy": "1", "f": "2", "girl": "2"}
_ETHNICITY_WORDS = {
    "british": "WBRI",
    "white english welsh scottish northern irish or british": "WBRI",
    "irish": "WIRI",
    "irish traveller": "WIRT",
    "white irish traveller": "WIRT",
    "gypsy roma": "WROM",
    "gypsy": "WROM",
    "roma": "WROM",
    "white roma": "WROM",
    "white gypsy roma": "WROM",
    "white other": "WOTH",
    "other white": "WOTH",
    "any other white": "WOTH",
    "other mixed": "MOTH",
    "mixed other": "MOTH",
    "any other mixed multiple ethnic background": "MOTH",
    "other asian": "AOTH",
    "asian other": "AOTH",
    "caribbean": "BCRB",
    "african": "BAFR",
    "other black": "BOTH",
    "black other": "BOTH",
    "any other black african or caribbean background": "BOTH",
    "other": "OOTH",
    "other ethnic group": "OOTH",
    "information refused": "REFU",
    "declined": "REFU",
    "not obtained": "NOBT",
    "not yet obtained": "NOBT",
}
# Category names written before the group ("Mixed - White and Asian").
_ETHNICITY_PREFIXES = (
    "mixed multiple ethnic groups ",
    "mixed ",
    "asian or asian british ",
    "asian british ",
    "black or black british ",
    "black black british caribbean or african ",
    "black british ",
    "chinese or other ethnic group ",
    "other ethnic group ",
)
_LEGAL_STATUS_WORDS = {
    "interim care": "C1",
    "care order": "C2",
    "full care": "C2",
    "freeing order": "D1",
    "placement order": "E1",
    "remand": "J1",
    "remanded": "J1",
    "pace": "J2",
    "youth rehabilitation order": "J3",
    "police protection": "L1",
    "emergency protection order": "L2",
    "epo": "L2",
    "child assessment order": "L3",
    "section 20": "V2",
    "s20": "V2",
    "s 20": "V2",
    "accommodated under section 20": "V2",
}


def _key(value: str) -> str:
    """Lower case, '&' as 'and', every run of other characters one space."""
    words = re.sub(r"[^a-z0-9]+", " ", value.lower().replace("&", " and "))
    return " ".join(words.split())


def _reader(
    name: str, listed: dict[str, str], other_words: dict[str, str], prefixes: tuple[str, ...]
) -> Callable[[str], str]:
    words = {_key(code): code for code in listed}
    words |= {_key(description): code for code, description in listed.items()}
    words |= other_words
    choices = ", ".join(f"{code} ({description.lower()})" for code, description in listed.items())

    def read(value: str) -> str:
        key = _key(value)
        for prefix in ("", *prefixes):
            if key.startswith(prefix) and key[len(prefix) :] in words:
                return words[key[len(prefix) :]]
        raise ValueError(f"is not one of {choices}")

    read.__doc__ = f"The DfE {name} code `value` stands for; ValueError if none does."
    return read


gender = _reader("gender", GENDER, _GENDER_WORDS, ())
ethnicity = _reader("ethnicity", ETHNICITY, _ETHNICITY_WORDS, _ETHNICITY_PREFIXES)
legal_status = _reader("legal status", LEGAL_STATUS, _LEGAL_STATUS_WORDS, ())


# The report reads every grouped row's stored gender: the same few values again and again.
@lru_cache(maxsize=1024)
def gender_group(stored: str | None) -> str:
    """The report group of a stored gender: its code, or unknown, or unrecognised.

    Children stored before imports were checked may hold any spelling; this reads them the
    way an import would, so one gender is one group.
    """
    if stored is None or not stored.strip():
        return "unknown"
    try:
        return gender(stored)
    except ValueError:
        return "unrecognised"
