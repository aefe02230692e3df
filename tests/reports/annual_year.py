"""A generated year of children in care, on plans, with IROs and challenges, as CSV files,
and the figures a person would count from those rows by hand (plain Python, no SQL).

The rows are written the ways case management systems export them (mixed capitals, DfE codes
or words, ISO or day-first dates) so the round trip checks the reading as well as the counts.
"""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from feedback_reports.figures import pct
from storage import codes
from storage.import_rules import age_on
from storage.models import CHALLENGE_CATEGORIES, CHALLENGE_STAGES, PLAN_CATEGORIES

START, END = date(2025, 4, 1), date(2026, 3, 31)
IROS = ("iro_a", "iro_b", "iro_c")
STAGE_DAYS = dict.fromkeys(CHALLENGE_STAGES, 20)
GENDER_WORDS = {"1": ("Male", "m", "1", "boy"), "2": ("Female", "F", "2", "girl")}
ETHNICITIES = ("WBRI", "WBRI", "WBRI", "MWBC", "BAFR", "AIND", "WOTH", "NOBT")
LEGAL_STATUSES = ("C1", "C2", "C2", "E1", "V2", "V2", "J1")
CATEGORY_WORDS = {
    "neglect": ("Neglect", "NEG"),
    "emotional": ("Emotional abuse", "EMO"),
    "physical": ("physical", "Physical abuse"),
    "sexual": ("Sexual abuse", "SAB"),
    "multiple": ("Multiple", "MUL"),
}


@dataclass
class Year:
    children: list[dict[str, Any]] = field(default_factory=list)
    care: list[dict[str, Any]] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)
    allocations: list[dict[str, Any]] = field(default_factory=list)
    challenges: list[dict[str, Any]] = field(default_factory=list)


def _written(day: date | None, rng: random.Random) -> str:
    if day is None:
        return ""
    return day.isoformat() if rng.random() < 0.5 else day.strftime("%d/%m/%Y")


def _day(rng: random.Random, first: date, last: date) -> date:
    """A day between the two, never the 29th to 31st (month lengths are tested elsewhere)."""
    day = first + timedelta(days=rng.randrange((last - first).days + 1))
    return day.replace(day=min(day.day, 28))


def _spans(rng: random.Random, first: date, count: int) -> list[tuple[date, date | None]]:
    """`count` episodes one after another from `first`, the last possibly still open."""
    found: list[tuple[date, date | None]] = []
    start = _day(rng, first, first + timedelta(days=500))
    for index in range(count):
        end: date | None = _day(rng, start + timedelta(days=30), start + timedelta(days=900))
        if end is not None and (
            end > date(2026, 11, 1) or (index == count - 1 and rng.random() < 0.4)
        ):
            end = None
        found.append((start, end))
        if end is None:
            break
        start = _day(
            rng, end + timedelta(days=rng.choice((0, 40, 200))), end + timedelta(days=400)
        )
        start = max(start, end)
        if start > date(2026, 11, 1):
            break
    return found


def generate(seed: int = 16, children: int = 160) -> Year:
    rng = random.Random(seed)
    year = Year()
    for number in range(children):
        gender = rng.choice(("1", "2", "2", "1", None))
        child = {
            "case_ref": f"AR{number:04d}",
            "birth": None if number % 23 == 0 else _day(rng, date(2007, 1, 1), date(2025, 6, 1)),
            "gender": gender,
            "ethnicity": rng.choice(ETHNICITIES),
        }
        year.children.append(child)
        if rng.random() < 0.6:
            for start, end in _spans(rng, date(2022, 6, 1), rng.choice((1, 1, 2, 3))):
                if child["birth"] is not None and start < child["birth"]:
                    continue  # looked after before birth: the import refuses it
                year.care.append(
                    {
                        "child": child,
                        "start": start,
                        "end": end,
                        "legal": rng.choice(LEGAL_STATUSES),
                    }
                )
        if rng.random() < 0.45:
            first = _day(rng, date(2022, 1, 1), date(2025, 3, 1))
            for start, end in _spans(rng, first, rng.choice((1, 2, 2, 3))):
                year.plans.append(
                    {
                        "child": child,
                        "start": start,
                        "end": end,
                        "category": rng.choice(PLAN_CATEGORIES),
                    }
                )
        if rng.random() < 0.85:
            for start, end in _spans(rng, date(2023, 1, 1), rng.choice((1, 2))):
                year.allocations.append(
                    {"child": child, "start": start, "end": end, "iro": rng.choice(IROS)}
                )
        if rng.random() < 0.35:
            for _ in range(rng.choice((1, 1, 2))):
                raised = _day(rng, date(2025, 1, 1), date(2026, 6, 1))
                resolved = (
                    raised + timedelta(days=rng.randrange(5, 120)) if rng.random() < 0.8 else None
                )
                year.challenges.append(
                    {
                        "child": child,
                        "raised": raised,
                        "category": rng.choice(CHALLENGE_CATEGORIES),
                        "stage": rng.choice(CHALLENGE_STAGES),
                        "resolved": resolved,
                        "outcome": rng.choice(("resolved", "partly resolved")) if resolved else "",
                        "iro": rng.choice(IROS),
                    }
                )
    # Two challenges of a child on one day are one row, unless their categories differ.
    seen: set[tuple[str, date, str]] = set()
    unique = []
    for challenge in year.challenges:
        key = (challenge["child"]["case_ref"], challenge["raised"], challenge["category"])
        if key not in seen:
            seen.add(key)
            unique.append(challenge)
    year.challenges = unique
    return year


def _ref(child: dict[str, Any], rng: random.Random) -> str:
    ref: str = child["case_ref"]
    return ref.lower() if rng.random() < 0.3 else ref


def _csv(heading: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(heading)
    writer.writerows(rows)
    return buffer.getvalue()


def files(year: Year, seed: int = 3) -> dict[str, str]:
    """The year as the CSV files `mysay import` reads, by import command."""
    rng = random.Random(seed)
    return {
        "children": _csv(
            ["case_ref", "birth_date", "gender", "ethnicity", "legal_status", "iro_username"],
            [
                [
                    c["case_ref"],
                    _written(c["birth"], rng),
                    rng.choice(GENDER_WORDS[c["gender"]]) if c["gender"] else "",
                    c["ethnicity"] if rng.random() < 0.7 else codes.ETHNICITY[c["ethnicity"]],
                    "",
                    "",
                ]
                for c in year.children
            ],
        ),
        "care-episodes": _csv(
            ["case_ref", "started_on", "ended_on", "legal_status"],
            [
                [
                    _ref(e["child"], rng),
                    _written(e["start"], rng),
                    _written(e["end"], rng),
                    e["legal"],
                ]
                for e in year.care
            ],
        ),
        "plans": _csv(
            ["case_ref", "started_on", "ended_on", "category"],
            [
                [
                    _ref(p["child"], rng),
                    _written(p["start"], rng),
                    _written(p["end"], rng),
                    rng.choice(CATEGORY_WORDS[p["category"]]),
                ]
                for p in year.plans
            ],
        ),
        "allocations": _csv(
            ["case_ref", "iro_username", "started_on", "ended_on"],
            [
                [
                    _ref(a["child"], rng),
                    a["iro"],
                    _written(a["start"], rng),
                    _written(a["end"], rng),
                ]
                for a in year.allocations
            ],
        ),
        "challenges": _csv(
            [
                "case_ref",
                "iro_username",
                "raised_on",
                "category",
                "stage",
                "resolved_on",
                "outcome",
            ],
            [
                [
                    _ref(c["child"], rng),
                    c["iro"],
                    _written(c["raised"], rng),
                    c["category"].replace("_", " "),
                    {"informal": "Informal"}.get(
                        c["stage"], c["stage"].replace("formal", "formal ")
                    ),
                    _written(c["resolved"], rng),
                    c["outcome"],
                ]
                for c in year.challenges
            ],
        ),
    }


# What a person counting the rows would find.


def _band(birth: date | None, day: date) -> str:
    if birth is None:
        return "unknown"
    age = age_on(birth, day)
    for limit, band in ((1, "under_1"), (5, "1_4"), (10, "5_9"), (16, "10_15")):
        if age < limit:
            return band
    return "16_plus"


def _open(row: dict[str, Any], day: date) -> bool:
    return bool(row["start"] <= day and (row["end"] is None or row["end"] > day))


def _table(chosen: list[tuple[dict[str, Any], date, str | None]]) -> dict[str, Any]:
    """Children (each with the day their age is taken and their legal status) by group."""
    groups: dict[str, Counter[str]] = {
        d: Counter() for d in ("gender", "ethnicity", "legal_status", "age_band")
    }
    for child, day, legal in chosen:
        groups["gender"][child["gender"] or "unknown"] += 1
        groups["ethnicity"][child["ethnicity"]] += 1
        groups["legal_status"][legal or "unknown"] += 1
        groups["age_band"][_band(child["birth"], day)] += 1
    names = {
        "gender": (*codes.GENDER, "unknown", "unrecognised"),
        "ethnicity": (*codes.ETHNICITY, "unknown", "unrecognised"),
        "legal_status": (*codes.LEGAL_STATUS, "unknown", "unrecognised"),
        "age_band": ("under_1", "1_4", "5_9", "10_15", "16_plus", "unknown"),
    }
    return {"children": len(chosen)} | {
        dimension: {name: groups[dimension][name] for name in names[dimension]}
        for dimension in names
    }


def _population(rows: list[dict[str, Any]], legal: bool, start: date, end: date) -> dict[str, Any]:
    def status(row: dict[str, Any]) -> str | None:
        return row.get("legal") if legal else None

    on_date = [(r["child"], end, status(r)) for r in rows if _open(r, end)]
    first: dict[str, dict[str, Any]] = {}
    last: dict[str, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: r["start"]):
        ref = row["child"]["case_ref"]
        if start <= row["start"] <= end and ref not in first:
            first[ref] = row
        if row["end"] is not None and start <= row["end"] <= end:
            last[ref] = row
    return {
        "on_date": _table(on_date),
        "started": _table([(r["child"], r["start"], status(r)) for r in first.values()]),
        "ended": _table([(r["child"], r["end"], status(r)) for r in last.values()]),
    }


def _rate(count: int, of: int) -> dict[str, Any]:
    return {"count": count, "of": of, "pct": pct(count, of)}


def _over(start: date, until: date, months: int) -> bool:
    counted = start.year * 12 + start.month - 1 + months
    return (until.year, until.month, until.day) > (counted // 12, counted % 12 + 1, start.day)


def _plans(plans: list[dict[str, Any]], start: date, end: date) -> dict[str, Any]:
    started = [p for p in plans if start <= p["start"] <= end]
    open_on = [p for p in plans if _open(p, end)]
    ended = [p for p in plans if p["end"] is not None and start <= p["end"] <= end]
    repeat = [
        p
        for p in started
        if any(o["child"] is p["child"] and o["start"] < p["start"] for o in plans)
    ]

    def shares(found: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            c: _rate(sum(p["category"] == c for p in found), len(found)) for c in PLAN_CATEGORIES
        }

    return {
        "started": len(started),
        "started_by_category": shares(started),
        "open_by_category": shares(open_on),
        "repeat": _rate(len(repeat), len(started)),
        "ended_lasting_over": {
            str(m): _rate(sum(_over(p["start"], p["end"], m) for p in ended), len(ended))
            for m in (15, 18, 24)
        },
        "open_lasting_over": {
            str(m): _rate(sum(_over(p["start"], end, m) for p in open_on), len(open_on))
            for m in (15, 18, 24)
        },
    }


def _caseloads(
    allocations: list[dict[str, Any]], names: dict[str, str], end: date
) -> dict[str, Any]:
    before = end.replace(year=end.year - 1)
    now = Counter(a["iro"] for a in allocations if _open(a, end))
    then = Counter(a["iro"] for a in allocations if _open(a, before))
    iros = sorted(set(now) | set(then), key=lambda iro: names[iro])
    return {
        "source": "allocations",
        "on": end.isoformat(),
        "year_before_on": before.isoformat(),
        "per_iro": [{"iro": names[i], "children": now[i], "year_before": then[i]} for i in iros],
        "children": sum(now.values()),
        "year_before": sum(then.values()),
        "mean_per_iro": round(sum(now.values()) / len(now), 1) if now else None,
        "mean_per_iro_year_before": round(sum(then.values()) / len(then), 1) if then else None,
    }


def _challenges(challenges: list[dict[str, Any]], start: date, end: date) -> dict[str, Any]:
    raised = [c for c in challenges if start <= c["raised"] <= end]
    resolved = [c for c in raised if c["resolved"] is not None]
    allowed = {s: 20 * (i + 1) for i, s in enumerate(CHALLENGE_STAGES)}
    in_time = [c for c in resolved if (c["resolved"] - c["raised"]).days <= allowed[c["stage"]]]
    return {
        "raised": len(raised),
        "by_category": {k: sum(c["category"] == k for c in raised) for k in CHALLENGE_CATEGORIES},
        "by_stage_reached": {s: sum(c["stage"] == s for c in raised) for s in CHALLENGE_STAGES},
        "resolved": _rate(len(resolved), len(raised)),
        "resolved_in_timescale": _rate(len(in_time), len(resolved)),
        "stage_days": STAGE_DAYS,
    }


def expected(
    year: Year, iro_names: dict[str, str], start: date = START, end: date = END
) -> dict[str, Any]:
    """The report's `children` section for `start` to `end`, nothing withheld."""
    return {
        "snapshot_on": end.isoformat(),
        "in_care": _population(year.care, True, start, end),
        "on_plan": _population(year.plans, False, start, end),
        "plans": _plans(year.plans, start, end),
        "caseloads": _caseloads(year.allocations, iro_names, end),
        "challenges": _challenges(year.challenges, start, end),
    }
