"""The note types quiz exports to Anki: their fixed ids and fields, card templates and CSS (day and
night, phone and desktop), and the deck preset that serves new cards in the document's order."""

from __future__ import annotations

import genanki

# Chosen once: Anki matches note types by id and fields. Changing the fields means a new id and
# name together (see the README); templates and CSS change in place (Anki takes them from a newer
# package when the fields are the same).
BASIC_MODEL_ID = 1_730_211_001
CLOZE_MODEL_ID = 1_730_211_002
BASIC_MODEL_NAME = "Quiz Basic"
CLOZE_MODEL_NAME = "Quiz Cloze"
BASIC_FIELDS = ("Front", "Back", "Context", "Source")
CLOZE_FIELDS = ("Text", "Extra", "Context", "Source")

# A deck preset whose new cards are gathered by position (Anki's default gathers deck by deck in
# alphabetical order, which puts "Clinical Considerations" before "Clinical Manifestations").
PRESET_ID = 1_730_211_010
PRESET_NAME = "Quiz: document order"
GATHER_BY_POSITION = 1  # DeckConfig.Config.NewCardGatherPriority.LOWEST_POSITION
SORT_AS_GATHERED = 1  # DeckConfig.Config.NewCardSortOrder.NO_SORT

# Day colours on white, night colours on Anki's dark canvas (#2c2c2c, its --canvas in night mode);
# every pair is at least WCAG AA (4.5:1), see tests/test_anki_export_study.py.
DAY = {"fg": "#1f2328", "bg": "#ffffff", "muted": "#57606a", "gap": "#0550ae", "rule": "#d0d7de"}
NIGHT = {"fg": "#e8e8e8", "bg": "#2c2c2c", "muted": "#b4b9bf", "gap": "#8cc4ff", "rule": "#4a4a4a"}

CSS = f""".card {{
  --quiz-text: 20px;
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: var(--quiz-text); line-height: 1.45; color: {DAY["fg"]}; background-color: {DAY["bg"]};
  text-align: left; max-width: 40em; margin: 0 auto; padding: 0.5em;
  overflow-wrap: break-word;
}}
.nightMode.card, .night_mode .card, .nightMode .card {{
  color: {NIGHT["fg"]}; background-color: var(--canvas, {NIGHT["bg"]});
}}
.context {{ font-size: 0.7em; color: {DAY["muted"]}; margin-bottom: 0.8em; line-height: 1.3; }}
.context .crumb {{ display: inline-block; max-width: 100%; }}
.context .sep {{ padding: 0 0.3em; }}
.lead {{ font-size: 0.85em; color: {DAY["muted"]}; margin-bottom: 0.3em; }}
.back, .extra {{ margin-top: 0.6em; }}
.back ul {{ margin: 0.2em 0 0 1.2em; padding: 0; }}
.cloze {{ font-weight: bold; color: {DAY["gap"]}; }}
/* A card asks one gap: the sentence's other gaps stay hidden on the front, shown on the back. */
.question .cloze-inactive {{ visibility: hidden; font-size: 0; }}
.question .cloze-inactive::after {{
  content: "[\\2026]"; visibility: visible; font-size: var(--quiz-text); color: {DAY["muted"]};
}}
.retired {{ font-size: 0.7em; font-weight: bold; color: #9a3412; margin-bottom: 0.5em; }}
.source {{ font-size: 0.7em; color: {DAY["muted"]}; margin-top: 1.2em; }}
.source summary {{ cursor: pointer; }}
.source ol {{ margin: 0.3em 0 0 1.4em; padding: 0; }}
.source .locator {{ margin-top: 0.3em; }}
hr#answer {{ border: none; border-top: 1px solid {DAY["rule"]}; height: 0; background: none; }}
.nightMode .context, .night_mode .context, .nightMode .lead, .night_mode .lead,
.nightMode .source, .night_mode .source,
.nightMode .question .cloze-inactive::after, .night_mode .question .cloze-inactive::after {{
  color: {NIGHT["muted"]};
}}
.nightMode .cloze, .night_mode .cloze {{ color: {NIGHT["gap"]}; }}
.nightMode .retired, .night_mode .retired {{ color: #fdba74; }}
.nightMode hr#answer, .night_mode hr#answer {{ border-top-color: {NIGHT["rule"]}; }}
"""

_CONTEXT = '{{#Context}}<div class="context">{{Context}}</div>{{/Context}}'
_SOURCE = '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}'
_LEAD = '{{#Extra}}<div class="lead">{{Extra}}</div>{{/Extra}}'
_TEXT = '<div class="text">{{cloze:Text}}</div>'

BASIC_MODEL = genanki.Model(
    BASIC_MODEL_ID,
    BASIC_MODEL_NAME,
    fields=[{"name": name} for name in BASIC_FIELDS],
    templates=[
        {
            "name": "Card",
            "qfmt": f'<div class="question">{_CONTEXT}<div class="front">{{{{Front}}}}</div></div>',
            "afmt": f'{_CONTEXT}<div class="front">{{{{Front}}}}</div><hr id="answer">'
            f'<div class="back">{{{{Back}}}}</div>{_SOURCE}',
        }
    ],
    css=CSS,
)
# The lead-in (Extra) opens the sentence on both sides: the question needs it.
CLOZE_MODEL = genanki.Model(
    CLOZE_MODEL_ID,
    CLOZE_MODEL_NAME,
    fields=[{"name": name} for name in CLOZE_FIELDS],
    templates=[
        {
            "name": "Cloze",
            "qfmt": f'<div class="question">{_CONTEXT}{_LEAD}{_TEXT}</div>',
            "afmt": f'<div class="answer">{_CONTEXT}{_LEAD}{_TEXT}</div>{_SOURCE}',
        }
    ],
    css=CSS,
    model_type=genanki.Model.CLOZE,
)
