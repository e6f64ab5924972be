"""`quiz progress`: a learner's progress file, signed with their invite, for an instructor whose
database is not the one they review in."""

from __future__ import annotations

import click

from quiz.cli import App, _note, _now, _show, force_option, format_option, main, pass_app


@main.group()
def progress() -> None:
    """Your progress file, for an instructor whose database is not the one you review in."""


@progress.command("export")
@click.option("--learner", metavar="NAME", help="Whose progress (default: your user name).")
@click.option("-o", "--output", metavar="FILE", help="The file to write (default: progress-NAME.json).")
@click.option(
    "--invite",
    "invite",
    metavar="FILE",
    help="The invite file your instructor gave you: signs the file so their quiz accepts it.",
)
@force_option
@format_option
@pass_app
def progress_export(
    app: App, learner: str | None, output: str | None, invite: str | None, force: bool, fmt: str
) -> None:
    """Write your review log (card keys and grades, never card text) for your instructor."""
    from pathlib import Path

    from quiz.render import people
    from quiz.services.progress import export_progress

    with app.db() as db:
        result = export_progress(
            db,
            learner,
            Path(output) if output else None,
            _now(),
            Path(invite) if invite else None,
            force=force,
        )
    _show(result, fmt, lambda: people.progress_export_line(result))
    if result.cohort is None:
        _note(
            f"Warning: {result.path} is not signed, and an instructor's quiz cohort import refuses it: "
            "export with --invite FILE, the invite your instructor gave you"
        )
