"""Safeguarding screening rules, kept as reviewed YAML data (no code lives here).

`normalisation.yaml` maps how children write to plain words, `fragments.yaml` names
shared pattern pieces, and every other `*.yaml` file holds rules; see
`conversations/safeguarding/rules.py` for the format and how they are checked.
"""
