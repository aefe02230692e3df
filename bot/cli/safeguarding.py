"""`mysay safeguarding train`: train the screener's learned layer from the shipped corpus."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import click

CORPUS_DIR = Path(str(files("conversations") / "safeguarding_corpus"))
MODEL_PATH = Path(str(files("conversations") / "safeguarding_model" / "classifier.json"))


@click.group("safeguarding")
def safeguarding_group() -> None:
    """Look after safeguarding screening's learned layer."""


@safeguarding_group.command("train")
@click.option(
    "--corpus",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=CORPUS_DIR,
    show_default=True,
    help="Folder of labelled *.tsv files to train on (never an evaluation set).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=MODEL_PATH,
    show_default=True,
    help="Where to write the model (plain JSON).",
)
def train_command(corpus: Path, out: Path) -> None:
    """Train the classifier on the corpus and write it as JSON (deterministic)."""
    try:
        from conversations.safeguarding.training import train, write_model
    except ImportError as exc:  # scikit-learn is a dev dependency, not a runtime one
        raise click.ClickException(
            f"training needs scikit-learn ({exc.name} is missing): pip install -e '.[dev]'"
        ) from exc
    from conversations.safeguarding import default_rules
    from conversations.safeguarding.labelled import read_all

    paths = sorted(corpus.glob("*.tsv"))
    if not paths:
        raise click.ClickException(f"no *.tsv files in {corpus}")
    messages = read_all(paths)
    click.echo(f"training on {len(messages)} messages from {len(paths)} files")
    model = train(messages, default_rules().normalise)
    write_model(model, out)
    t = model.thresholds
    click.echo(
        f"wrote {out}: {len(model.features)} features, {len(model.categories)} categories;"
        f" thresholds urgent {t.urgent}, concern {t.concern}, unsure {t.unsure_urgent}"
    )


COMMANDS: list[click.Command] = [safeguarding_group]
