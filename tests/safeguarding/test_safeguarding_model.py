"""The learned layer: the shipped corpus, the shipped model, and training that reproduces it."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from conversations.safeguarding import CATEGORIES, Level, ScreeningContext, assess, default_rules
from conversations.safeguarding.classifier import ModelError, load_classifier
from conversations.safeguarding.evaluation import combine
from conversations.safeguarding.feature_rows import FeatureRows
from conversations.safeguarding.features import analyse, document
from conversations.safeguarding.labelled import (
    KNOWN_CATEGORIES,
    LabelledMessage,
    read_all,
    read_labelled,
)
from conversations.safeguarding.training import cross_validate

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted((ROOT / "conversations" / "safeguarding_corpus").glob("*.tsv"))
MODEL = ROOT / "conversations" / "safeguarding_model" / "classifier.json"
BLIND = sorted((Path(__file__).parent / "blind").rglob("*.tsv"))
MYSAY = Path(sys.executable).with_name("mysay")
TOLERANCE = 0.01


def _key(text: str) -> str:
    return " ".join("".join(c for c in text.lower() if c.isalnum() or c == " ").split())


def test_the_corpus_covers_what_the_screener_must_learn() -> None:
    messages = read_all(CORPUS)
    levels = Counter(message.level for message in messages)
    assert len(messages) >= 4000
    assert levels[Level.NONE] >= 1500
    assert {c for m in messages for c in m.categories} == KNOWN_CATEGORIES
    ages = {m.age for m in messages if m.author == "child"}
    assert set(range(6, 18)) <= ages
    assert sum(m.author != "child" for m in messages) >= 300
    assert all(m.categories for m in messages if m.level is not Level.NONE)


def test_no_evaluation_message_is_in_the_training_corpus() -> None:
    trained = {_key(m.text) for m in read_all(CORPUS)}
    for path in BLIND:
        leaked = [m.text for m in read_labelled(path) if _key(m.text) in trained]
        assert leaked == [], f"{path.name} shares {len(leaked)} messages with the corpus"


def test_the_shipped_model_was_trained_on_the_shipped_corpus() -> None:
    header = json.loads(MODEL.read_text(encoding="utf-8"))
    assert header["corpus_size"] == len(read_all(CORPUS)), "run `mysay safeguarding train`"
    assert set(header["categories"]) <= KNOWN_CATEGORIES
    assert set(header["categories"]) >= CATEGORIES


def test_a_broken_model_file_is_named_in_the_error(tmp_path: Path) -> None:
    broken = tmp_path / "classifier.json"
    broken.write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(ModelError, match=r"classifier\.json: not a mysay-safeguarding-linear"):
        load_classifier(broken)
    with pytest.raises(ModelError, match="file not found"):
        load_classifier(tmp_path / "missing.json")

    truncated = tmp_path / "truncated.json"
    truncated.write_text(MODEL.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    with pytest.raises(ModelError, match=r"truncated\.json: not valid JSON"):
        load_classifier(truncated)
    ragged = tmp_path / "ragged.json"
    header = json.loads(MODEL.read_text(encoding="utf-8"))
    header["features"] = [["w:hit", 1.0, [0, 0, 1], [0] * 17], ["w:kick", 1.0, [0, 0, 1], [0]]]
    ragged.write_text(json.dumps(header), encoding="utf-8")
    with pytest.raises(ModelError, match=r"ragged\.json: malformed model"):
        load_classifier(ragged)


def test_the_model_read_row_by_row_is_the_whole_file() -> None:
    whole = json.loads(MODEL.read_text(encoding="utf-8"))
    model = load_classifier(MODEL)
    assert list(model.index) == [row[0] for row in whole["features"]]
    assert model.idf.tolist() == [row[1] for row in whole["features"]]
    weights = [weight for row in whole["features"] for weight in row[2] + row[3]]
    # Six significant digits in the file; a 32-bit float holds about seven.
    read = [weight for feature in model.index for weight in model.weights_of(feature)]
    assert read == pytest.approx(weights, rel=1e-6)


def test_a_feature_the_model_does_not_hold_finds_no_row() -> None:
    model = load_classifier(MODEL)
    held = list(model.index)
    assert [model.index.get(name) for name in held[:2000]] == list(range(2000))
    for unknown in ("w:zzzq", "b:my zzzq", "", held[0] + " ", held[0][:-1]):
        assert model.index.get(unknown) is None and unknown not in model.index
        with pytest.raises(KeyError):
            model.weights_of(unknown)


def test_a_feature_written_twice_keeps_its_last_row_as_a_dict_would() -> None:
    rows = FeatureRows()
    for name in ["w:hit", "w:kick", "w:hit", *(f"c:{n}" for n in range(100))]:
        rows.add(name)
    rows.seal()
    assert rows["w:hit"] == 2 and rows["w:kick"] == 1 and rows["c:99"] == 102
    assert rows.get("w:punch") is None and len(rows) == 103


def test_training_reproduces_the_shipped_model(tmp_path: Path) -> None:
    retrained_path = tmp_path / "retrained.json"
    subprocess.run(
        [str(MYSAY), "safeguarding", "train", "--out", str(retrained_path)],
        check=True,
        capture_output=True,
        text=True,
    )
    shipped, retrained = load_classifier(MODEL), load_classifier(retrained_path)
    # Another scikit-learn or numpy release solves the same problem a hair differently: the
    # model must come out the same within that hair, not bit for bit.
    for name, value in asdict(shipped.thresholds).items():
        assert getattr(retrained.thresholds, name) == pytest.approx(value, abs=TOLERANCE)
    sample = random.Random(3).sample(read_all(CORPUS), 300)
    normalised = [default_rules().normalise(m.text) for m in sample]
    disagreements = 0
    for message, text in zip(sample, normalised, strict=True):
        a = shipped.predict(text, message.context)
        b = retrained.predict(text, message.context)
        disagreements += a.level is not b.level
        for level in Level:
            assert a.probabilities[level] == pytest.approx(b.probabilities[level], abs=TOLERANCE)
    assert disagreements <= 3, "only messages on a threshold may change level"


def test_a_parents_fear_of_the_plan_is_not_a_risk_to_the_child() -> None:
    parent = ScreeningContext(author="parent")
    fear = assess("im terrified theyre going to take my kids off me at this meeting", parent)
    assert fear.level is Level.NONE
    assert "worry_about_plan" in fear.categories
    disclosure = assess("my partner hits my son when hes drunk", parent)
    assert disclosure.level is Level.URGENT


@pytest.mark.parametrize(
    "text",
    [
        "dad kiks me when hes angry",
        "i keep cuting my arms",
        "he does stuff to me when mum is on nights and says its our secret",
        "i want to 🔪 myself",
    ],
)
def test_how_children_really_write_is_still_urgent(text: str) -> None:
    assert assess(text).level is Level.URGENT


def test_a_classifier_flag_says_so_without_the_words() -> None:
    # No rule reads this sign ("giving my stuff away" is a rule of its own now).
    found = assess("i have been sorting out who gets my things, i wont need them soon")
    assert found.level is not Level.NONE
    assert any(reason.startswith(("classifier.", "uncertain.")) for reason in found.rules)
    assert all(" " not in reason for reason in found.rules)


def test_the_classifier_scores_as_numpy_does_on_the_training_side() -> None:
    # Training's own tools read the shipped file: scikit-learn's TF-IDF with its features and
    # idf, then numpy's product with its weights (as 32-bit floats, as the classifier keeps
    # them). Screening adds the same sums up in plain Python, in another order.
    whole = json.loads(MODEL.read_text(encoding="utf-8"))
    vectoriser = TfidfVectorizer(
        analyzer=analyse, vocabulary=[row[0] for row in whole["features"]], sublinear_tf=True
    )
    vectoriser.idf_ = np.array([row[1] for row in whole["features"]])
    weights = np.array([row[2] + row[3] for row in whole["features"]], dtype=np.float32)
    bias = np.array(whole["level_bias"] + whole["category_bias"])
    sample = random.Random(5).sample(read_all(CORPUS), 300)
    normalised = [default_rules().normalise(message.text) for message in sample]
    docs = [document(text, m.context) for text, m in zip(normalised, sample, strict=True)]
    expected = vectoriser.transform(docs) @ weights.astype(np.float64) + bias
    classifier = load_classifier(MODEL)
    for text, message, scores in zip(normalised, sample, expected.tolist(), strict=True):
        assert classifier.scores(text, message.context) == pytest.approx(scores, abs=1e-9)


def test_cross_validation_screens_each_writer_with_a_model_trained_without_them(
    tmp_path: Path,
) -> None:
    # A small sample of three writers keeps training to a second or two.
    by_writer: dict[str, list[LabelledMessage]] = {}
    for message in read_all(CORPUS):
        if message.writer in ("part1", "part5", "part6"):
            by_writer.setdefault(message.writer, []).append(message)
    sample = [m for messages in by_writer.values() for m in random.Random(7).sample(messages, 80)]
    results = cross_validate(sample, default_rules(), ["part5", "part6"])
    assert list(results) == ["part5", "part6"]
    assert [result.total for result in results.values()] == [80, 80]
    together = combine(list(results.values()))
    assert together.total == 160
    assert together.count(Level.NONE) == sum(r.count(Level.NONE) for r in results.values())
