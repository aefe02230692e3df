"""Small-number suppression: counts of 1 to 4 withheld, never a zero, none worked out from sums."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from feedback_reports.suppression import WITHHELD, Table
from tests.reports.helpers import exposed


def worked_out(table: Table) -> set[str]:
    """Withheld cells a reader could compute by adding and subtracting what is published."""
    cells = {name: table.value(name) if table.is_shown(name) else None for name in table.names}
    return exposed(cells, [(total, list(parts)) for total, parts in table.sums])


def _grid(values: list[list[int]]) -> Table:
    """A table of cells rIcJ with row totals rI, column totals cJ and a grand total."""
    table = Table()
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            table.add(f"r{i}c{j}", value)
    for i, row in enumerate(values):
        table.add(f"r{i}", sum(row))
        table.total(f"r{i}", [f"r{i}c{j}" for j in range(len(row))])
    for j in range(len(values[0])):
        table.add(f"c{j}", sum(row[j] for row in values))
        table.total(f"c{j}", [f"r{i}c{j}" for i in range(len(values))])
    table.add("all", sum(map(sum, values)))
    table.total("all", [f"r{i}" for i in range(len(values))])
    table.total("all", [f"c{j}" for j in range(len(values[0]))])
    table.suppress()
    return table


def test_counts_from_one_to_four_are_withheld_and_zeros_never_are() -> None:
    table = Table()
    for n in (0, 1, 4, 5, 120):
        table.add(f"n{n}", n)
    table.suppress()
    assert [table.value(f"n{n}") for n in (0, 1, 4, 5, 120)] == [0, WITHHELD, WITHHELD, 5, 120]
    assert WITHHELD == "[c]"


def test_a_withheld_count_gets_a_partner_so_the_total_cannot_give_it_away() -> None:
    table = Table()
    table.add("held", 10)
    table.add("yes", 3)
    table.add("no", 7)
    table.total("held", ["yes", "no"])
    table.suppress()
    assert [table.value(n) for n in ("held", "yes", "no")] == [10, WITHHELD, WITHHELD]


def test_a_zero_is_never_the_partner_so_the_total_goes_instead() -> None:
    table = Table()
    table.add("held", 3)
    table.add("yes", 3)
    table.add("no", 0)
    table.total("held", ["yes", "no"])
    table.suppress()
    assert [table.value(n) for n in ("held", "yes", "no")] == [WITHHELD, WITHHELD, 0]


def test_a_protected_total_is_kept_when_a_smaller_cell_can_go_instead() -> None:
    table = Table()
    table.add("held", 40, protect=True)
    table.add("due", 2)
    table.add("held_or_due", 42)
    table.total("held_or_due", ["held", "due"])
    table.suppress()
    assert [table.value(n) for n in ("held", "due", "held_or_due")] == [40, WITHHELD, WITHHELD]


def test_two_withheld_ones_under_a_published_total_are_not_left_alone() -> None:
    # Zeros are shown, so withheld cells are at least 1: two summing to 2 would both be 1.
    table = Table()
    for name, value in (("held", 12), ("a", 1), ("b", 1), ("c", 10)):
        table.add(name, value)
    table.total("held", ["a", "b", "c"])
    table.suppress()
    assert table.value("c") == WITHHELD


def test_a_cell_bridging_two_withheld_blocks_is_withheld_safely() -> None:
    # Every row and column has two withheld cells, yet r1c2 follows from the sums (rows 0-1
    # minus columns 0-1) unless more is withheld: the exact check finds it.
    big = 20
    table = _grid(
        [
            [2, 2, big, big],
            [2, 2, 2, big],
            [big, big, 2, 2],
            [big, big, 2, 2],
        ]
    )
    assert worked_out(table) == set()
    assert all(table.value(n) == WITHHELD for n in table.names if table.number(n) in (1, 2, 3, 4))


def test_a_cell_only_summed_elsewhere_still_protects_its_neighbours() -> None:
    # "late" is never printed but readers know held = in timescale + late.
    table = Table()
    table.add("held", 12)
    table.add("in_timescale", 10)
    table.add("late", 2, shown=False)
    table.total("held", ["in_timescale", "late"])
    table.suppress()
    assert table.value("in_timescale") == 10 and table.value("held") == 12
    assert worked_out(table) == set()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=9), min_size=2, max_size=4),
        min_size=2,
        max_size=4,
    ).filter(lambda rows: len({len(r) for r in rows}) == 1)
)
def test_no_withheld_cell_of_any_table_can_be_worked_out(values: list[list[int]]) -> None:
    table = _grid(values)
    assert worked_out(table) == set()
    for name in table.names:
        number = table.number(name)
        if number == 0:
            assert table.value(name) == 0
        elif number < 5:
            assert table.value(name) == WITHHELD


def test_a_total_of_ones_is_withheld_when_no_part_can_shield_them() -> None:
    # Five meetings with five different codes: each part is 1, so a published 5 would say so.
    table = Table()
    table.add("held", 5, protect=True)
    for code in ("PN0", "PN2", "PN3", "PN4", "PN6", "PN7"):
        table.add(code, 0 if code == "PN7" else 1)
    table.total("held", ["PN0", "PN2", "PN3", "PN4", "PN6", "PN7"])
    table.suppress()
    assert table.value("held") == WITHHELD and table.value("PN7") == 0
