from quiz.render.columns import BOLD, cell_lines, columns


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


def test_cells_wrap_at_spaces_only_a_word_too_long_is_broken() -> None:
    assert cell_lines("Imaging Characteristics", 16) == ["Imaging", "Characteristics"]
    assert cell_lines("    Impact on Rehabilitation", 20) == ["    Impact on", "    Rehabilitation"]
    assert cell_lines("a Pneumonoultramicroscopic b", 10) == ["a", "Pneumonoul", "tramicrosc", "opic b"]


def test_a_wide_table_fits_by_wrapping_and_keeps_its_under_column_whole() -> None:
    rows = [["Imaging Characteristics of heterotopic ossification", "What is seen on MRI early?", "k/" * 30]]
    text = columns(["section", "front", "key"], rows, left={0, 1, 2}, wrap={0, 1}, width=60, under=2)
    lines = text.splitlines()
    assert all(len(line) <= 60 for line in lines if "key:" not in line), text
    assert lines[-1] == "  key: " + "k/" * 30  # whole, on its own line, to be copied
    assert "Characteristics" in text.split() and "…" not in text
    assert columns(["n", "x"], [["a b", "1"]], wrap={0}, width=80).splitlines()[2] == "a b  1"
