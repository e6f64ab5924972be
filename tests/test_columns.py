from quiz.render.columns import BOLD, columns


def test_columns_align_and_cut_the_first_column_to_the_width() -> None:
    rows = [["Heterotopic Ossification", "3", "12"], ["  Fibrodysplasia Ossificans Progressiva", "0", "1"]]
    text = columns(["deck and section", "new", "due"], rows, title="Status", width=34)
    lines = text.splitlines()
    assert lines[0] == "Status"
    assert all(len(line) <= 34 for line in lines)
    assert lines[3].startswith("Heterotopic Ossification") and lines[3].endswith("  3   12")
    assert lines[4].startswith("  Fibrodysplasia Oss") and "…" in lines[4] and lines[4].endswith("0    1")
    assert BOLD not in text


def test_columns_bold_only_with_color() -> None:
    text = columns(["a", "n"], [["deck", "1"], ["section", "2"]], strong=frozenset({0}), color=True, width=80)
    assert text.splitlines()[2].startswith(BOLD) and not text.splitlines()[3].startswith(BOLD)
