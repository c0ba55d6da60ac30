"""Reading quadratic knapsack instances (Billionnet-Soutif format) and their exact objective."""

from __future__ import annotations

import tempfile
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from objectmatch._qkp_data import (
    QkpFormatError,
    QkpInstance,
    qkp_value,
    qkp_weight,
    read_best_known,
    read_qkp,
)

# A hand-written instance with 4 items, laid out as the published files are (with their trailing
# free-text block). Linear profits 3 0 5 2; pair profits p12=4 p13=0 p14=1 p23=6 p24=0 p34=2.
HAND = """hand_4
4
  3   0   5   2
  4   0   1
  6   0
  2

0
7
  2   3   4   1

Comments

Density             : 100.00 %
"""

HAND_PROFITS = [
    [3, 4, 0, 1],
    [4, 0, 6, 0],
    [0, 6, 5, 2],
    [1, 0, 2, 2],
]


def write(tmp_path: Path, text: str, name: str = "inst.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def format_instance(instance: QkpInstance) -> str:
    """The instance in the Billionnet-Soutif layout (the test's own writer, to round-trip)."""
    p = instance.profits.astype(int)
    n = instance.n
    lines = [instance.name, str(n), " ".join(str(v) for v in np.diagonal(p))]
    lines += [" ".join(str(v) for v in p[i, i + 1 :]) for i in range(n - 1)]
    lines += ["", "0", str(instance.capacity), " ".join(str(int(w)) for w in instance.weights)]
    return "\n".join(lines) + "\n"


# -- reading ----------------------------------------------------------------------------------------


def test_reads_the_hand_written_instance(tmp_path: Path) -> None:
    inst = read_qkp(write(tmp_path, HAND))
    assert inst.name == "hand_4"
    assert inst.n == 4
    assert inst.capacity == 7
    assert inst.weights.tolist() == [2, 3, 4, 1]
    assert inst.weights.dtype == np.int64
    assert inst.profits.dtype == np.float64
    assert inst.profits.tolist() == HAND_PROFITS


def test_hand_worked_objectives(tmp_path: Path) -> None:
    inst = read_qkp(write(tmp_path, HAND))
    # items 1, 2, 4: linear 3 + 0 + 2, pairs p12 + p14 + p24 = 4 + 1 + 0
    assert qkp_value(inst, [1, 1, 0, 1]) == 10
    # items 1, 3, 4: linear 3 + 5 + 2, pairs p13 + p14 + p34 = 0 + 1 + 2
    assert qkp_value(inst, [1, 0, 1, 1]) == 13
    # items 2, 3: linear 0 + 5, pair p23 = 6
    assert qkp_value(inst, [0, 1, 1, 0]) == 11
    # all: linear 10, pairs 4 + 0 + 1 + 6 + 0 + 2 = 13
    assert qkp_value(inst, [1, 1, 1, 1]) == 23
    assert qkp_value(inst, [0, 0, 0, 0]) == 0
    assert isinstance(qkp_value(inst, np.ones(4, dtype=bool)), int)
    assert qkp_weight(inst, [1, 0, 1, 1]) == 7
    assert qkp_weight(inst, [1, 1, 1, 1]) == 10


def test_hand_instance_optimum_by_enumeration(tmp_path: Path) -> None:
    inst = read_qkp(write(tmp_path, HAND))
    feasible = [
        x for k in range(16) if qkp_weight(inst, x := [(k >> b) & 1 for b in range(4)]) <= inst.capacity
    ]
    assert max(qkp_value(inst, x) for x in feasible) == 13  # items 1, 3, 4 (weight 7), worked out above


def test_windows_line_endings_and_no_trailing_block(tmp_path: Path) -> None:
    body = HAND.split("\nComments")[0]
    inst = read_qkp(write(tmp_path, body.replace("\n", "\r\n")))
    assert inst.profits.tolist() == HAND_PROFITS
    assert inst.weights.tolist() == [2, 3, 4, 1]


def test_single_item_has_no_pair_rows(tmp_path: Path) -> None:
    inst = read_qkp(write(tmp_path, "one\n1\n9\n\n0\n5\n4\n"))
    assert inst.profits.tolist() == [[9.0]]
    assert qkp_value(inst, [1]) == 9


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (HAND.replace("  6   0\n", "  6\n"), 5, "row 2 of the quadratic profits: expected 2 numbers, found 1"),
        (HAND.replace("  3   0   5   2", "  3   0   x   2"), 3, "'x' is not an integer"),
        (HAND.replace("\n0\n7\n", "\n1\n7\n"), 8, "constraint type must be 0"),
        (HAND.replace("  2   3   4   1", "  2   3   -4   1"), 10, "-4 is negative"),
        (HAND.replace("hand_4\n4\n", "hand_4\nfour\n"), 2, "expected one integer, found 'four'"),
        (HAND.replace("hand_4\n4\n", "hand_4\n0\n"), 2, "n must be positive"),
        ("cut\n4\n3 0 5 2\n4 0 1\n", 4, "file ends before row 2 of the quadratic profits"),
        ("cut\n2\n1 2\n4\n\n0\n8\n", 7, "file ends before the weights"),
    ],
)
def test_format_errors_name_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = write(tmp_path, text, "broken.txt")
    with pytest.raises(QkpFormatError) as info:
        read_qkp(path)
    message = str(info.value)
    assert message.startswith(f"{path}, line {line}:"), message
    assert words in message


def test_format_error_is_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="file ends before the instance name"):
        read_qkp(write(tmp_path, ""))


# -- best known -------------------------------------------------------------------------------------


def test_reads_best_known(tmp_path: Path) -> None:
    path = write(tmp_path, "jeu_100_25_1 18558\n\njeu_200_100_3   29367\n", "best_known.txt")
    assert read_best_known(path) == {"jeu_100_25_1": 18558, "jeu_200_100_3": 29367}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a 1\nb 2 3\n", "line 2: expected 'name value'"),
        ("a 1\nb x\n", "line 2: value 'x' is not an integer"),
        ("a 1\n\na 2\n", "line 3: 'a' is listed twice"),
    ],
)
def test_best_known_errors(tmp_path: Path, text: str, words: str) -> None:
    path = write(tmp_path, text, "best.txt")
    with pytest.raises(QkpFormatError, match=words) as info:
        read_best_known(path)
    assert str(path) in str(info.value)


# -- the instance -----------------------------------------------------------------------------------


def test_instance_copies_and_freezes_its_arrays() -> None:
    profits = np.array([[1.0, 4.0], [4.0, 2.0]])
    weights = np.array([3, 5])
    inst = QkpInstance("pair", profits, weights, 6)
    profits[0, 0] = 99.0
    weights[0] = 99
    assert inst.profits[0, 0] == 1.0
    assert inst.weights[0] == 3
    with pytest.raises(ValueError, match="read-only"):
        inst.profits[0, 0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        inst.weights[0] = 5


@pytest.mark.parametrize(
    ("profits", "weights", "capacity", "words"),
    [
        ([[1.0, 2.0], [3.0, 1.0]], [1, 1], 1, r"symmetric: p\[0,1\]=2.0 but p\[1,0\]=3.0"),
        ([[1.0, 2.0, 3.0]], [1], 1, "square"),
        ([[1.0, 2.0], [2.0, 1.0]], [1, 1, 1], 1, r"weights must have shape \(2,\)"),
        ([[1.0, 2.0], [2.0, 1.0]], [1, -1], 1, "non-negative, got -1"),
        ([[1.0, 2.0], [2.0, 1.0]], [1.5, 1.0], 1, "whole numbers"),
        ([[1.0, 2.0], [2.0, 1.0]], [1, 1], -3, "capacity must be non-negative, got -3"),
        ([[1.0, 2.0], [2.0, 1.0]], [1, 1], 2.5, "capacity must be an int"),
        ([[np.nan, 2.0], [2.0, 1.0]], [1, 1], 1, "finite"),
    ],
)
def test_instance_validation(profits: list[list[float]], weights: list[float], capacity: int, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        QkpInstance("bad", np.array(profits), np.array(weights), capacity)


@pytest.mark.parametrize(
    ("x", "words"),
    [([1, 0, 1], r"shape \(4,\)"), ([1, 0, 2, 0], "only 0 and 1, got 2"), ([[1, 0, 1, 0]], "shape")],
)
def test_value_rejects_bad_vectors(tmp_path: Path, x: list[int], words: str) -> None:
    inst = read_qkp(write(tmp_path, HAND))
    with pytest.raises(ValueError, match=words):
        qkp_value(inst, x)


def test_value_needs_whole_profits() -> None:
    inst = QkpInstance("frac", np.array([[1.5, 0.0], [0.0, 1.0]]), np.array([1, 1]), 2)
    with pytest.raises(ValueError, match="whole numbers"):
        qkp_value(inst, [1, 1])


# -- properties -------------------------------------------------------------------------------------


@st.composite
def instances(draw: st.DrawFn) -> QkpInstance:
    n = draw(st.integers(1, 12))
    upper = draw(arrays(np.int64, (n, n), elements=st.integers(0, 1000)))
    sym = np.triu(upper) + np.triu(upper, 1).T
    weights = draw(arrays(np.int64, (n,), elements=st.integers(0, 50)))
    capacity = draw(st.integers(0, 300))
    return QkpInstance("prop", sym.astype(np.float64), weights, capacity)


@given(instances(), st.data())
def test_value_is_the_sum_over_items_and_pairs(inst: QkpInstance, data: st.DataObject) -> None:
    x = data.draw(arrays(np.int64, (inst.n,), elements=st.integers(0, 1)))
    chosen = [i for i in range(inst.n) if x[i]]
    by_loop = sum(int(inst.profits[i, i]) for i in chosen)
    by_loop += sum(int(inst.profits[i, j]) for i, j in combinations(chosen, 2))
    assert qkp_value(inst, x) == by_loop
    assert qkp_weight(inst, x) == sum(int(inst.weights[i]) for i in chosen)


@given(instances())
def test_written_instance_reads_back_exactly(inst: QkpInstance) -> None:
    # tmp_path does not mix with @given; a fresh temporary directory per example instead
    with tempfile.TemporaryDirectory() as folder:
        back = read_qkp(write(Path(folder), format_instance(inst)))
    assert back.name == inst.name
    assert back.capacity == inst.capacity
    np.testing.assert_array_equal(back.profits, inst.profits)
    np.testing.assert_array_equal(back.weights, inst.weights)
