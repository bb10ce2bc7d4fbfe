# ruff: noqa: E501  (the definitions and headings are sentences; they read best one per line)
"""The evaluation as tables (page, CSV, Excel), charts (SVG) and the funders' headings, in the page's language.

The figures come from `profiles.evaluation`; this module only lays them out. Every table has an id (its CSV
name, its Excel sheet), column headings and rows of plain values (numbers, dates, text), and each figure a
one-sentence definition taken from INDICATORS.md.
"""

from __future__ import annotations

import base64
import csv
import io
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

import openpyxl  # before pygal (see below)
import pygal

from profiles.evaluation import DIMENSIONS, UNKNOWN, Evaluation, age_band, initials, region_of_town
from profiles.indicators import EMPLOYMENT_MONTHS
from profiles.people import Identity
from web.i18n import Translate
from web.messages import N_
from web.pdf import html_to_pdf

# pygal appends to sys.meta_path a finder for its map plugins that lacks find_spec, so that every failed import made
# afterwards (an optional dependency probed by another library) warns; no map plugin is used here: take it out.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__name__ != "PluginImportFixer"]

#: One sentence per figure: how it is computed (INDICATORS.md, version 1).
DEFINITIONS: dict[str, str] = {
    "trainees": N_("Les agents du périmètre (promotion, pays)."),
    "completed_training": N_("Les agents dont la formation est marquée « terminée »."),
    "dropped_out": N_("Les agents sortis du programme à la date d'évaluation ou avant."),
    "placed": N_("Les agents ayant un premier emploi commencé à la date d'évaluation ou avant."),
    "placement_rate": N_("Agents placés divisés par agents du périmètre."),
    "median_days_to_placement": N_("Médiane des jours entre la fin de la formation de la promotion et le début du premier emploi."),
    "employed_at_3m": N_("Part des agents placés en emploi 3 mois après le début de leur premier emploi (emploi en cours ou suivi le disant), parmi ceux dont cette date est passée."),
    "employed_at_6m": N_("Part des agents placés en emploi 6 mois après le début de leur premier emploi, parmi ceux dont cette date est passée."),
    "employed_at_12m": N_("Part des agents placés en emploi 12 mois après le début de leur premier emploi, parmi ceux dont cette date est passée."),
    "retention_12m_km": N_("Estimation de Kaplan–Meier de la part des premiers emplois durant plus de 365 jours ; un emploi en cours est censuré à la date d'évaluation."),
    "remigrated": N_("Agents repartis : emploi terminé pour ré-émigration, suivi les disant à l'étranger, ou sortie du programme pour ré-émigration."),
    "mean_start_salary_fcfa": N_("Moyenne du salaire mensuel de départ des premiers emplois."),
    "placements_below_minimum_wage": N_("Emplois commencés dont le salaire est strictement inférieur au SMIG du pays où revient leur promotion."),
    "followups_due": N_("Couples (emploi, mois 1, 3, 6, 12) dont l'échéance est passée."),
    "followups_done": N_("Parmi eux, ceux ayant un suivi enregistré à la date d'évaluation ou avant."),
    "followups_reached": N_("Parmi eux, ceux où la personne a été jointe."),
    "reintegration_score_6m": N_("Moyenne de (économique + social + psychosocial) / 3 des suivis à 6 mois où la personne a été jointe."),
    "reintegration_score_12m": N_("Moyenne de (économique + social + psychosocial) / 3 des suivis à 12 mois où la personne a été jointe."),
    "cost_per_job_at_12m_eur": N_("Budget des promotions divisé par le nombre d'agents en emploi 12 mois après leur premier emploi ; vide si un budget manque."),
}  # fmt: skip

#: Names of the figures, as the pages show them.
FIGURE_NAMES: dict[str, str] = {
    "trainees": N_("Agents"), "completed_training": N_("Formation terminée"), "dropped_out": N_("Sortis du programme"),
    "placed": N_("Placés"), "placement_rate": N_("Taux de placement"), "median_days_to_placement": N_("Délai médian de placement (jours)"),
    "employed_at_3m": N_("En emploi à 3 mois"), "employed_at_6m": N_("En emploi à 6 mois"), "employed_at_12m": N_("En emploi à 12 mois"),
    "retention_12m_km": N_("Maintien dans le premier emploi à 12 mois (Kaplan–Meier)"), "remigrated": N_("Repartis"),
    "mean_start_salary_fcfa": N_("Salaire de départ moyen (FCFA)"), "placements_below_minimum_wage": N_("Emplois sous le SMIG"),
    "followups_due": N_("Suivis dus"), "followups_done": N_("Suivis faits"), "followups_reached": N_("Suivis joints"),
    "reintegration_score_6m": N_("Score de réintégration à 6 mois"), "reintegration_score_12m": N_("Score de réintégration à 12 mois"),
    "cost_per_job_at_12m_eur": N_("Coût par emploi tenu 12 mois (EUR)"),
}  # fmt: skip

#: The headings funders report under, each with the indicator that answers it.
FUNDER_HEADINGS: tuple[tuple[str, str], ...] = (
    (N_("Personnes formées"), "completed_training"),
    (N_("Rapatriés accompagnés"), "trainees"),
    (N_("Emplois trouvés"), "placed"),
    (N_("Emplois toujours occupés (12 mois)"), "employed_at_12m"),
    (N_("Coût par emploi durable"), "cost_per_job_at_12m_eur"),
)

#: The figures that are shares (shown as percentages on the pages; exports keep the number, e.g. 0.8125).
SHARES = frozenset({"placement_rate", "employed_at_3m", "employed_at_6m", "employed_at_12m", "retention_12m_km"})

#: One sentence per table (by its id; the employment tables share one): how its figures are computed.
TABLE_DEFINITIONS: dict[str, str] = {
    "indicators": N_("Chaque indicateur de INDICATORS.md (version 1) pour tout le périmètre, à la date d'évaluation."),
    "funnel": N_("Par promotion : agents, formation terminée, placés, en emploi à 3, 6 et 12 mois parmi les observables, sortis et repartis."),
    "retention": N_("Estimation de Kaplan–Meier de la part des premiers emplois durant plus que le nombre de jours indiqué ; « à risque » : premiers emplois ayant duré au moins ce nombre de jours (terminés ou non)."),
    "employment": N_("Parmi les agents placés regroupés par leur premier emploi (ou leur promotion), la part en emploi 3, 6 et 12 mois après son début, parmi ceux dont cette date est passée."),
    "days_to_placement": N_("Nombre d'agents placés par nombre de jours entre la fin de la formation de leur promotion et le début de leur premier emploi."),
    "start_salaries": N_("Nombre d'agents placés par rapport entre le salaire de départ de leur premier emploi et le SMIG."),
    "reintegration": N_("Moyenne de chaque dimension du questionnaire de réintégration (et de leur moyenne) sur les suivis à 6 et 12 mois où la personne a été jointe et les trois scores sont donnés."),
    "costs": N_("Budget de chaque promotion divisé par ses agents en emploi 12 mois après le début de leur premier emploi ; vide si un budget manque."),
}  # fmt: skip

#: Characters that make a spreadsheet read a cell as a formula (CSV and Excel exports neutralise them).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    """A table of the evaluation: what the page shows, the CSV holds and an Excel sheet holds."""

    id: str
    title: str
    headings: list[str]
    rows: list[list[Any]]
    links: list[str | None] | None = None  # per column: the figure whose people a cell lists (None: no link)
    shares: list[bool] | None = None  # per column: a share (shown as a percentage on the pages, a number in exports)
    definition: str = ""  # how its figures are computed, in one sentence (in the page's language)


def tables(ev: Evaluation, _: Translate) -> list[Table]:
    """Return every table of the evaluation, in page order."""
    months = [f"{m}" for m in EMPLOYMENT_MONTHS]
    funnel = Table(
        "funnel", _("Entonnoir par promotion"),
        [_("Périmètre"), _("Agents"), _("Formation terminée"), _("Placés"),
         *[_("En emploi à {m} mois").format(m=m) for m in months], *[_("Observables à {m} mois").format(m=m) for m in months],
         _("Sortis du programme"), _("Repartis")],
        [[r["scope"], r["trainees"], r["completed_training"], r["placed"], *[r[f"employed_at_{m}m"] for m in months],
          *[r[f"employed_at_{m}m_base"] for m in months], r["dropped_out"], r["remigrated"]] for r in ev.funnel],
    )  # fmt: skip
    figures = Table(
        "indicators", _("Indicateurs"), [_("Indicateur"), _("Valeur"), _("Définition")],
        [[_(FIGURE_NAMES[k]), ev.figures["overall"][k], _(DEFINITIONS[k])] for k in FIGURE_NAMES],
        links=[None, "figure", None],
    )  # fmt: skip
    km = Table("retention", _("Maintien dans le premier emploi (Kaplan–Meier)"), [_("Jour"), _("Agents à risque"), _("Part encore en emploi")],
               [[day, n, ev.km.survival_at(day)] for day, n in ev.km.at_risk])  # fmt: skip
    groups = [
        Table(
            f"employment_by_{kind}", title, [label, _("Placés"), *[_("En emploi à {m} mois").format(m=m) for m in months],
                                             *[_("Taux à {m} mois").format(m=m) for m in months]],
            [[g.key, g.placed, *[g.employed[m] for m in EMPLOYMENT_MONTHS], *[g.rate(m) for m in EMPLOYMENT_MONTHS]] for g in ev.groups[kind]],
        )  # fmt: skip
        for kind, title, label in (
            ("cohort", _("Emploi par promotion"), _("Promotion")), ("level", _("Emploi par niveau"), _("Niveau")),
            ("region", _("Emploi par région du poste"), _("Région")), ("employer", _("Emploi par employeur"), _("Employeur")),
        )
    ]  # fmt: skip
    days = Table("days_to_placement", _("Délai de placement"), [_("Jours après la fin de la formation"), _("Agents")],
                 [[b.label, b.count] for b in ev.days_to_placement])  # fmt: skip
    wages = Table(
        "start_salaries",
        _("Salaire de départ et SMIG"),
        [_("Salaire / SMIG"), _("Agents")],
        [[b.label, b.count] for b in ev.wages],
    )
    scores = Table(
        "reintegration", _("Scores de réintégration par dimension"),
        [_("Mois"), _("Économique"), _("Social"), _("Psychosocial"), _("Moyenne"), _("Suivis")],
        [[m, *[ev.reintegration[m][d] for d in (*DIMENSIONS, "overall")], ev.reintegration_count[m]] for m in ev.reintegration],
    )  # fmt: skip
    costs = Table("costs", _("Coût par emploi tenu 12 mois"), [_("Périmètre"), _("Budget (EUR)"), _("En emploi à 12 mois"), _("Coût par emploi (EUR)")],
                  [[c["scope"], c["budget_eur"], c["jobs_at_12m"], c["cost_per_job_at_12m_eur"]] for c in ev.costs])  # fmt: skip
    km.shares = [False, False, True]
    for t in groups:
        t.shares = [False] * (2 + len(months)) + [True] * len(months)
    for t in (figures, funnel, km, *groups, days, wages, scores, costs):
        t.definition = _(TABLE_DEFINITIONS["employment" if t.id.startswith("employment_by_") else t.id])
    return [figures, funnel, km, *groups, days, wages, scores, costs]


def funder_rows(ev: Evaluation, _: Translate) -> list[list[Any]]:
    """Return the funders' headings with the figure that answers each, its value and its definition."""
    overall = ev.figures["overall"]
    jobs_held = len(ev.people["employed_at_12m"])
    value = {**overall, "employed_at_12m": jobs_held}
    return [[_(heading), _(FIGURE_NAMES[key]), value[key], _(DEFINITIONS[key])] for heading, key in FUNDER_HEADINGS]


def people_rows(ev: Evaluation, figure: str, identities: Mapping[str, Identity], *, pseudonymised: bool) -> list[dict[str, str]]:
    """Return the people behind a figure: code, initials, age band, region, and the name unless pseudonymised."""
    rows = []
    for row in ev.people.get(figure, []):
        code = ev.codes[row]
        who = identities.get(code)
        shown = {"code": code, "initials": initials(who.full_name) if who else UNKNOWN,
                 "age_band": age_band(who.birth_date if who else None, ev.scope.as_of),
                 "region": region_of_town(who.home_town if who else None)}  # fmt: skip
        rows.append(shown if pseudonymised or who is None else {**shown, "name": who.full_name})
    return rows


# ---------------------------------------------------------------- exports


def safe_cell(value: Any) -> Any:
    """Return a cell's value, with text a spreadsheet would read as a formula prefixed by an apostrophe."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def to_csv(table: Table) -> str:
    """Return a table as CSV (comma-separated, UTF-8), formula-like text neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in table.headings])
    writer.writerows([[("" if v is None else safe_cell(v)) for v in row] for row in table.rows])
    return out.getvalue()


def to_workbook(found: list[Table], as_of: date) -> bytes:
    """Return every table as an Excel workbook, one sheet each, numbers and dates as such."""
    book = openpyxl.Workbook()
    book.remove(book.active) if book.active is not None else None
    for table in found:
        sheet = book.create_sheet(table.id[:31])
        sheet.append([safe_cell(h) for h in table.headings])
        for row in table.rows:
            sheet.append([safe_cell(v) for v in row])
    about = book.create_sheet("as_of")
    about.append(["as_of", as_of])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def chart_data_uris(ev: Evaluation, _: Translate) -> dict[str, str]:
    """Return every chart as a data: URI, for the PDF report (which fetches nothing)."""
    return {name: "data:image/svg+xml;base64," + base64.b64encode(chart(ev, name, _) or b"").decode() for name in CHARTS}


def to_pdf(html: str) -> bytes:
    """Return the report's HTML rendered as PDF, with the evaluation's print stylesheet."""
    return html_to_pdf(html, "evaluation.css")


# ---------------------------------------------------------------- charts


def _config(title: str, x_title: str, y_title: str) -> pygal.Config:
    """Return a chart's settings: no script, printable, values written on the chart (readable without colour)."""
    config = pygal.Config()
    config.js = []  # no script: the page's Content-Security-Policy allows none, and the SVG is an <img>
    config.title, config.x_title, config.y_title = title, x_title, y_title
    config.print_values = True
    config.show_legend = True
    config.legend_at_bottom = True
    config.disable_xml_declaration = False
    config.style = pygal.style.BlueStyle(font_family="sans-serif")
    config.width, config.height = 800, 400
    return config


def chart(ev: Evaluation, name: str, _: Translate) -> bytes | None:
    """Return one of the page's charts as SVG (funnel, retention, employment), or None for an unknown name."""
    makers: dict[str, Callable[[Evaluation, Translate], Any]] = {
        "funnel": _funnel_chart,
        "retention": _km_chart,
        "employment": _employment_chart,
    }
    maker = makers.get(name)
    if maker is None:
        return None
    svg = _without_script(maker(ev, _).render())
    return with_at_risk_row(svg, ev.km.at_risk, _("À risque")) if name == "retention" else svg


#: The charts of the page, by name.
CHARTS: dict[str, Callable[[Evaluation, Translate], Any]] = {}


def _without_script(svg: bytes) -> bytes:
    """Drop the inline configuration script pygal writes even without its JavaScript (the page allows no script)."""
    return re.sub(rb"<script[^>]*>.*?</script>", b"", svg, flags=re.DOTALL)


def _funnel_chart(ev: Evaluation, _: Translate) -> Any:
    bars = pygal.Bar(_config(_("Entonnoir par promotion"), _("Étape"), _("Agents")))
    steps = ["trainees", "completed_training", "placed", *[f"employed_at_{m}m" for m in EMPLOYMENT_MONTHS]]
    bars.x_labels = [_("Agents"), _("Formation terminée"), _("Placés"), *[_("{m} mois").format(m=m) for m in EMPLOYMENT_MONTHS]]
    for row in ev.funnel:
        bars.add(row["scope"], [row[s] for s in steps])
    return bars


def _km_chart(ev: Evaluation, _: Translate) -> Any:
    line = pygal.XY(
        _config(_("Maintien dans le premier emploi (Kaplan–Meier)"), _("Jours depuis le début"), _("Part encore en emploi"))
    )
    points: list[tuple[int, float]] = []
    for day, survival in ev.km.steps:
        points += [(day, points[-1][1])] if points else []
        points.append((day, survival))
    points.append((365, ev.km.survival_at(365)))
    line.add(_("Premiers emplois"), points, stroke_style={"width": 2}, dots_size=3)
    line.range = (0, 1)
    line.value_formatter = _percent
    line.x_labels = [d for d, _n in ev.km.at_risk]
    line.x_labels_major = line.x_labels
    line.x_title = "\n" + _("Jours depuis le début")  # a line left free under the axis: the number at risk
    line.print_values = False
    return line


def _percent(share: float | None) -> str:
    """Return a share as a whole percentage (0.8125 → "81 %")."""
    return "" if share is None else f"{share * 100:.0f} %"


_X_LABEL = re.compile(rb'(<text x="([0-9.]+)" y="([0-9.]+)" class="major">(-?[0-9]+)</text>)')


def with_at_risk_row(svg: bytes, at_risk: list[tuple[int, int]], label: str) -> bytes:
    """Return the Kaplan–Meier chart with the number at risk written under each day of its axis, and the row's name."""
    counts = dict(at_risk)
    axis = svg.find(b'<g class="axis x')
    end = svg.find(b'<g class="series', axis)
    labels = list(_X_LABEL.finditer(svg, axis, end)) if axis >= 0 and end >= 0 else []
    if not labels:
        return svg
    row = [(float(m[2]), float(m[3]) + 16, counts.get(int(m[4]))) for m in labels]
    cells = "".join(
        f'<text x="{x}" y="{y}" class="major at-risk" text-anchor="middle" font-size="12">{n}</text>'
        for x, y, n in row
        if n is not None
    )
    name = f'<text x="{row[0][0] - 10}" y="{row[0][1]}" class="at-risk" text-anchor="end" font-size="12">{escape(label)}</text>'
    return svg[:end] + cells.encode() + name.encode() + svg[end:]


def _employment_chart(ev: Evaluation, _: Translate) -> Any:
    bars = pygal.Bar(_config(_("En emploi à 3, 6 et 12 mois par promotion"), _("Promotion"), _("Part des observables")))
    bars.x_labels = [g.key for g in ev.groups["cohort"]]
    bars.range = (0, 1)
    bars.value_formatter = _percent
    for m in EMPLOYMENT_MONTHS:
        bars.add(_("{m} mois").format(m=m), [g.rate(m) for g in ev.groups["cohort"]])
    return bars


CHARTS.update(funnel=_funnel_chart, retention=_km_chart, employment=_employment_chart)
