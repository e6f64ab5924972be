"""The deck commands: import, outline, decks, cards, and export to Anki, CSV or JSON."""

from __future__ import annotations

import click

from quiz.cli import App, _color, _note, _now, _show, force_option, format_option, main, pass_app


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option(
    "--replace",
    is_flag=True,
    help="Let a document take over a deck made from a file of another name (the cards it "
    "does not make are retired).",
)
@format_option
@pass_app
def import_command(app: App, paths: tuple[str, ...], dry_run: bool, replace: bool, fmt: str) -> None:
    """Make or update decks from documents (Markdown or text files, or folders of them)."""
    from pathlib import Path

    from quiz.render import library
    from quiz.services.importing import import_documents

    with app.db() as db:
        result = import_documents(db, [Path(p) for p in paths], dry_run=dry_run, replace=replace)
    for warning in library.import_warnings(result):
        _note(warning)
    _show(result, fmt, lambda: library.import_table(result, _color()))


@main.command()
@click.argument("file", type=click.Path())
@click.option(
    "--cards",
    "with_cards",
    is_flag=True,
    help="Also list each section's cards, flagged where an automatic check fails, and the "
    "text that made no card (the JSON always has them).",
)
@format_option
def outline(file: str, with_cards: bool, fmt: str) -> None:
    """Show the section tree quiz reads in FILE, with the cards each section gives."""
    from pathlib import Path

    from quiz.render import library
    from quiz.services.documents import outline as outline_of

    result = outline_of(Path(file), with_cards=with_cards or fmt == "json")
    for warning in library.outline_warnings(result):
        _note(warning)
    click.echo(library.outline_json(result) if fmt == "json" else library.outline_tree(result, _color()))


@main.command()
@format_option
@pass_app
def decks(app: App, fmt: str) -> None:
    """List the decks with their numbers of cards and sections."""
    from quiz.render import library
    from quiz.services.browse import list_decks

    with app.reader() as reader:
        rows = list_decks(reader)
    _show(rows, fmt, lambda: library.decks_table(rows, _color()))


@main.command()
@click.argument("deck")
@click.option("--section", metavar="TEXT", help="Only sections whose path contains TEXT.")
@format_option
@pass_app
def cards(app: App, deck: str, section: str | None, fmt: str) -> None:
    """List a deck's cards in document order."""
    from quiz.render import library
    from quiz.services.browse import list_cards

    with app.reader() as reader:
        result = list_cards(reader, deck, section)
    click.echo(library.cards_json(result) if fmt == "json" else library.cards_table(result, _color()))


@main.group()
def export() -> None:
    """Export decks: to Anki (updating in place), to Anki's text import, or to JSON."""


@export.command("anki")
@click.argument("decks", nargs=-1)
@click.option("-o", "--output", metavar="FILE.apkg", help="The package to write (default: DECK.apkg).")
@click.option("--section", metavar="TEXT", help="Only sections whose path contains TEXT.")
@click.option(
    "--include-retired", is_flag=True, help="No effect: retired cards always travel, tagged and suspended."
)
@click.option("--learner", metavar="NAME", help="With --suspended: whose suspended cards.")
@click.option("--suspended", is_flag=True, help="Mark the learner's suspended cards suspended in Anki.")
@force_option
@format_option
@pass_app
def export_anki(
    app: App,
    decks: tuple[str, ...],
    output: str | None,
    section: str | None,
    include_retired: bool,
    learner: str | None,
    suspended: bool,
    force: bool,
    fmt: str,
) -> None:
    """Write an Anki package; a later export updates the same notes in Anki, adding no duplicates."""
    from pathlib import Path

    from quiz.render import library
    from quiz.services.export import export_anki as export_package

    target = Path(output or f"{decks[0] if len(decks) == 1 else 'quiz'}.apkg")
    with app.db() as db:
        result = export_package(
            db,
            list(decks),
            target,
            _now(),
            section=section,
            include_retired=include_retired,
            learner=learner,
            suspended=suspended,
            force=force,
        )
    _show(result, fmt, lambda: library.export_line(result))


def _text_export(kind: str, summary: str) -> None:
    """Register `quiz export KIND DECK [-o FILE] [--include-retired] [--format json]`."""

    @export.command(kind, help=summary)
    @click.argument("deck")
    @click.option("-o", "--output", metavar="FILE", help=f"The file to write (default: DECK.{kind}).")
    @click.option("--include-retired", is_flag=True, help="Also the cards no longer made from the source.")
    @force_option
    @format_option
    @pass_app
    def command(
        app: App, deck: str, output: str | None, include_retired: bool, force: bool, fmt: str
    ) -> None:
        from pathlib import Path

        from quiz.render import library
        from quiz.services.export import export_text

        with app.db() as db:
            target = Path(output or f"{deck}.{kind}")
            result = export_text(db, deck, target, kind, _now(), include_retired, force=force)
        _show(result, fmt, lambda: library.export_line(result))


_text_export("csv", "Write a deck as a text file that Anki's own File > Import reads.")
_text_export("json", "Write a deck's cards as JSON (key, section, kind, front, back, references, source).")
