"""The `rdvm` command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from matching import exchange
from matching.exchange import Issue, LoadResult

if TYPE_CHECKING:
    from sqlmodel import Session

    from core.audit import Break
    from employers.history_store import StoredColumns
    from matching.config import ScoringConfig
    from matching.learning import Learned
    from profiles.history import HistoryKind
    from web.demo import DemoResult

app = typer.Typer(
    help="rdvm — job matching for the RDV programmes (RDV au Mali by default; --country).",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)

EXIT_BAD_INPUT = 2
#: The kinds of file that hold the programme's history (INDICATORS.md), not exchange records.
HISTORY_KINDS: tuple[HistoryKind, ...] = ("cohorts", "placements", "followups")


class Lang(StrEnum):
    """Language of reasons and messages."""

    fr = "fr"
    en = "en"


class Method(StrEnum):
    """Planning method."""

    optimal = "optimal"
    stable = "stable"


class Size(StrEnum):
    """Benchmark workload size."""

    S = "S"
    M = "M"
    L = "L"


TraineesArg = Annotated[Path, typer.Argument(help="Trainees file (.json or .csv, exchange format).")]
VacanciesArg = Annotated[Path, typer.Argument(help="Vacancies file (.json or .csv, exchange format).")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of reasons: fr or en.")]
CountryOpt = Annotated[
    str | None,
    typer.Option(
        "--country", help="The country pack (ML Mali, SN Senegal): towns, languages, minimum wage, phones. Default: RDVM_COUNTRY."
    ),
]
WeightsOpt = Annotated[
    Path | None, typer.Option("--weights", help="A weights file (rdvm learn --out) to score with instead of the defaults.")
]


@app.callback()
def installation_country() -> None:
    """Every command works for the installation's country (RDVM_COUNTRY); some take --country to choose another."""
    choose_country(None)


def choose_country(code: str | None) -> None:
    """Make the command work for this country (RDVM_COUNTRY when None); exit 2 naming the packs there are otherwise."""
    from pydantic import ValidationError

    from matching.country import UnknownCountry, use_country
    from web.config import get_settings

    try:
        settings = get_settings()
    except ValidationError as exc:  # a setting from the environment (or .env) that cannot be used: name each
        for problem in exc.errors():
            name = "RDVM_" + "_".join(str(part) for part in problem["loc"]).upper()
            err.print(f"[bold red]error[/] {name}: {escape(problem['msg'])} (given {escape(repr(problem.get('input')))})")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    try:
        use_country(code or settings.country)
    except (UnknownCountry, ValueError) as exc:
        err.print(f"[bold red]error[/] --country: {escape(str(exc))}")
        raise typer.Exit(EXIT_BAD_INPUT) from None


def report_issues(issues: Iterable[Issue], *, warnings: bool = True) -> None:
    """Print issues on standard error, errors first."""
    ordered = sorted(issues, key=lambda i: i.severity != "error")
    for issue in ordered:
        # The issue quotes the file's own text: escape it, so "[/x]" or ":dog:" is printed as written.
        if issue.severity == "error":
            err.print(f"[bold red]error[/] {escape(str(issue))}", highlight=False, emoji=False, soft_wrap=True)
        elif warnings:
            err.print(f"[yellow]warning[/] {escape(str(issue))}", highlight=False, emoji=False, soft_wrap=True)


def load_or_exit(path: Path, kind: exchange.Kind, *, quiet: bool = False) -> LoadResult[Any]:
    """Load an exchange file; on any error print every issue and exit with status 2."""
    try:
        result = exchange.load(path, kind)
    except exchange.ExchangeError as exc:
        result = LoadResult([], exc.issues)
    report_issues(result.issues, warnings=not quiet)
    return result


def load_pair(trainees: Path, vacancies: Path, quiet: bool) -> tuple[list[Any], list[Any]]:
    """Load both input files, reporting every error of both before exiting on any."""
    t = load_or_exit(trainees, "trainees", quiet=quiet)
    v = load_or_exit(vacancies, "vacancies", quiet=quiet)
    if not (t.ok and v.ok):
        count = len(t.errors) + len(v.errors)
        err.print(f"[bold red]{count} error(s): nothing was ranked.[/]")
        raise typer.Exit(EXIT_BAD_INPUT)
    return t.records, v.records


def progress_bar(total: int, label: str) -> Progress:
    """Return a progress bar on standard error, disabled when it is not a terminal."""
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not err.is_terminal,
        transient=True,
    )


def _with_progress(items: Iterator[Any], total: int, label: str) -> Iterator[Any]:
    with progress_bar(total, label) as bar:
        task = bar.add_task(label, total=total)
        for item in items:
            yield item
            bar.advance(task)


class Ineligible(StrEnum):
    """Whether `rdvm rank` lists every ineligible trainee."""

    none = "none"
    all = "all"


@app.command()
def rank(
    trainees: TraineesArg,
    vacancies: VacanciesArg,
    top: Annotated[int, typer.Option("--top", "-k", min=1, help="Candidates listed per vacancy.")] = 10,
    near: Annotated[int, typer.Option("--near", min=0, help="Near misses (trainees failing one rule) per vacancy.")] = 10,
    ineligible: Annotated[
        Ineligible, typer.Option("--ineligible", help="all: also list every ineligible trainee with its failed rules.")
    ] = Ineligible.none,
    lang: LangOpt = Lang.fr,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print warnings.")] = False,
    weights: WeightsOpt = None,
    country: CountryOpt = None,
) -> None:
    """Rank the trainees for every vacancy and print the ranking as JSON (FORMAT.md, rdvm-rank/2)."""
    choose_country(country)
    from dataclasses import replace

    from matching.config import ScoringConfig
    from matching.gcpause import freeze_until_exit
    from matching.rank_output import write_document
    from matching.ranking import rank_prepared
    from matching.scoring import prepare

    # The exchange document breaks exact ties by trainee id alone, as FORMAT.md says (the pages use the
    # recruiter's order: experience, distance, id).
    config = replace(weights_or_exit(weights) or ScoringConfig(), ties_by_id=True)
    t, v = load_pair(trainees, vacancies, quiet)
    prepared = prepare(t, v, config)
    rankings = _with_progress(rank_prepared(prepared, top=top, near=near, lang=lang.value), len(v), "ranking")
    sys.stdout.flush()
    write_document(rankings, sys.stdout.buffer, ineligible=ineligible is Ineligible.all)
    sys.stdout.buffer.flush()
    freeze_until_exit()


@app.command()
def gaps(
    trainees: TraineesArg,
    vacancies: VacanciesArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print the gaps as JSON on standard output.")] = False,
    lang: LangOpt = Lang.fr,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print warnings.")] = False,
    country: CountryOpt = None,
) -> None:
    """Print, for each certification, language level, licence and extra town, the trainees and open seats it would join."""
    choose_country(country)
    from matching import gaps as training_gaps
    from matching.scoring import prepare

    t, v = load_pair(trainees, vacancies, quiet)
    prepared = prepare(t, v)
    found = training_gaps.gaps_prepared(prepared)
    if as_json:
        sys.stdout.write(json.dumps({"gaps": [g.to_dict() for g in found]}, ensure_ascii=False, indent=2) + "\n")
        return
    for sentence in training_gaps.sentences(found, prepared, lang.value):
        sys.stdout.write(sentence + "\n")


class By(StrEnum):
    """What `rdvm fairness` groups the trainees by."""

    gender = "gender"
    age_band = "age_band"
    region = "region"
    literacy = "literacy"
    cohort = "cohort"


@app.command()
def fairness(
    trainees: TraineesArg,
    vacancies: VacanciesArg,
    by: Annotated[By, typer.Option("--by", help="Group the trainees by gender, age_band, region, literacy or cohort.")],
    top: Annotated[int, typer.Option("--top", "-k", min=1, help="Length of each vacancy's top list counted.")] = 10,
    as_of: Annotated[
        datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="The date of the age bands (default: today, UTC).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the audit as JSON on standard output.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print warnings.")] = False,
    country: CountryOpt = None,
) -> None:
    """Print each group's share of trainees, of eligible pairs and of top-list appearances (the four-fifths rule)."""
    choose_country(country)
    from matching.fairness import audit

    t, v = load_pair(trainees, vacancies, quiet)
    day = as_of.date() if as_of else datetime.now(UTC).date()
    found = audit(t, v, by=by.value, top=top, as_of=day).to_dict()
    if as_json:
        sys.stdout.write(json.dumps(found, ensure_ascii=False, indent=2) + "\n")
    else:
        print_fairness(found)


def print_fairness(found: dict[str, Any]) -> None:
    """Print a fairness audit as a table, flagged groups marked."""
    table = Table(title=f"Fairness by {found['by']}: top {found['top']} of every vacancy (flag: ratio < 0.8, 10+ trainees)")
    columns = ("trainees", "trainee_share", "eligible_share", "exposure_share", "exposure_ratio")
    table.add_column("group")
    for name in columns:
        table.add_column(name, justify="right")
    table.add_column("flagged")
    for g in found["groups"]:
        cells = ("—" if g[name] is None else str(g[name]) for name in columns)
        table.add_row(escape(g["group"]), *cells, "FLAGGED" if g["flagged"] else "")
    console = Console()
    if not console.is_terminal:
        console.width = max(console.width, 120)
    console.print(table)


@app.command()
def plan(
    trainees: TraineesArg,
    vacancies: VacanciesArg,
    method: Annotated[Method, typer.Option("--method", help="optimal (maximum total score) or stable.")] = Method.optimal,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print warnings.")] = False,
    weights: WeightsOpt = None,
    country: CountryOpt = None,
) -> None:
    """Assign trainees to vacancies' seats and print the plan as JSON."""
    choose_country(country)
    from matching.assignment import SOLVERS, plan_problem
    from matching.scoring import prepare

    config = weights_or_exit(weights)
    t, v = load_pair(trainees, vacancies, quiet)
    result = SOLVERS[method.value](plan_problem(prepare(t, v, config)))
    sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")


def weights_or_exit(path: Path | None) -> ScoringConfig | None:
    """Return the scoring configuration of a weights file (None: the defaults); on any problem print them all and exit 2."""
    if path is None:
        return None
    from matching import weights as weights_file  # here: it imports the learning's optimiser, which rank needs not

    try:
        return weights_file.config_from(path)
    except exchange.ExchangeError as exc:
        report_issues(exc.issues)
        err.print(f"[bold red]{len(exc.issues)} error(s) in the weights file: nothing was done.[/]")
        raise typer.Exit(EXIT_BAD_INPUT) from None


@app.command()
def learn(
    trainees: Annotated[Path | None, typer.Argument(metavar="TRAINEES", help="Trainees file (exchange format).")] = None,
    vacancies: Annotated[Path | None, typer.Argument(metavar="VACANCIES", help="Vacancies file (exchange format).")] = None,
    outcomes: Annotated[
        Path | None,
        typer.Argument(metavar="OUTCOMES", help="Outcomes (.json, .csv): trainee_id, vacancy_id, outcome."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON on standard output.")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Write the weights to use to this weights file (JSON).")] = None,
    by_level: Annotated[bool, typer.Option("--by-level", help="Also report each level's outcomes alone.")] = False,
    weights: Annotated[
        Path | None, typer.Option("--weights", help="Compare with a weights file's scoring (default: the scoring in use).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print warnings.")] = False,
    country: CountryOpt = None,
) -> None:
    """Learn the score's component weights from outcomes (the files, or without files the database's placements)."""
    choose_country(country)
    from core.clock import utcnow
    from matching import weights as weights_file

    given = [p for p in (trainees, vacancies, outcomes) if p is not None]
    if given and len(given) != 3:
        raise typer.BadParameter(
            "give the three files, or none to learn from the database", param_hint="TRAINEES VACANCIES OUTCOMES"
        )
    against = weights_or_exit(weights)
    if trainees is not None and vacancies is not None and outcomes is not None:
        learned, source = learned_from_files(trainees, vacancies, outcomes, against, quiet=quiet), f"files: {outcomes}"
    else:
        learned, source = learned_from_database(against)
    if out is not None:
        weights_file.write(out, learned, source=source, created_at=utcnow())
        err.print(f"wrote {out}", highlight=False)
    if as_json:
        sys.stdout.write(json.dumps(learned.to_dict(by_level=by_level), ensure_ascii=False, indent=2) + "\n")
    else:
        print_learned(learned, by_level=by_level)


def learned_from_files(trainees: Path, vacancies: Path, outcomes: Path, against: ScoringConfig | None, *, quiet: bool) -> Learned:
    """Learn from three files against `against` (None: the defaults, by level), reporting every error of all three first."""
    from matching import learning

    t = load_or_exit(trainees, "trainees", quiet=quiet)
    v = load_or_exit(vacancies, "vacancies", quiet=quiet)
    try:
        o = learning.read_outcomes(outcomes, trainee_ids=[x.id for x in t.records], vacancy_ids=[x.id for x in v.records])
        issues = o.issues
    except exchange.ExchangeError as exc:
        o, issues = None, exc.issues
    report_issues(issues, warnings=not quiet)
    count = len(t.errors) + len(v.errors) + sum(i.severity == "error" for i in issues)
    if count or o is None:
        err.print(f"[bold red]{count} error(s): nothing was learned.[/]")
        raise typer.Exit(EXIT_BAD_INPUT)
    learned = learning.learn(t.records, v.records, o.records, against)
    excluded = [Issue(o.source, o.located[i][0], "", learning.EXCLUDED, severity="warning") for i in learned.excluded]
    report_issues(excluded, warnings=not quiet)
    return learned


def learned_from_database(against: ScoringConfig | None) -> tuple[Learned, str]:
    """Learn from the database's placements and follow-ups, against `against` (None: the version in use)."""
    from core.clock import utcnow
    from employers import weights

    with transaction() as session:
        return weights.propose(session=session, as_of=utcnow().date(), against=against), weights.DATABASE_SOURCE


def print_learned(learned: Learned, *, by_level: bool = False) -> None:
    """Print a learning result: the decision, both AUCs and the weights to use beside the weights fitted."""
    typer.echo(f"{learned.n} outcomes; AUC of the scoring in use {learned.baseline_auc}, learned AUC {learned.learned_auc}")
    typer.echo(("adopted: " if learned.adopted else "not adopted: ") + learned.reason)
    for level, alone in learned.levels.items() if by_level else ():
        typer.echo(f"{level}: {alone.n} outcomes; " + ("would be adopted: " if alone.adopted else "not adopted: ") + alone.reason)
    table = Table(title="Component weights")
    for column in ("component", "to use", "fitted"):
        table.add_column(column, justify="left" if column == "component" else "right")
    for name, value in learned.weights.items():
        fitted = learned.fitted.get(name) if learned.fitted else None
        table.add_row(name, f"{value:.4f}", "—" if fitted is None else f"{fitted:.4f}")
    Console().print(table)


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="An exchange file (.json or .csv).")],
    kind: Annotated[str | None, typer.Option("--kind", help="trainees or vacancies (guessed when absent).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the issues as JSON on standard output.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print warnings.")] = False,
    country: CountryOpt = None,
) -> None:
    """Check a file: print every error and warning; exit 1 when it has errors."""
    choose_country(country)
    if kind not in (None, "trainees", "vacancies"):
        raise typer.BadParameter("must be trainees or vacancies", param_hint="--kind")
    if not file.exists():
        err.print(f"[bold red]error[/] {file}: no such file")
        raise typer.Exit(EXIT_BAD_INPUT)
    chosen: exchange.Kind = kind or exchange.guess_kind(file)  # type: ignore[assignment]
    try:
        parsed = exchange.load_located(file, kind=chosen, model=exchange.MODELS[chosen])
    except exchange.ExchangeError as exc:
        parsed = exchange.Parsed(str(file), "json", [], [], list(exc.issues))
    if as_json:
        sys.stdout.write(json.dumps([i.to_dict() for i in parsed.issues], ensure_ascii=False, indent=2) + "\n")
    else:
        report_issues(parsed.issues, warnings=not quiet)
        read, valid = len(parsed.raw), len(parsed.located)
        counts = f"{read} {chosen} read, {valid} valid, {len(parsed.errors)} error(s), {len(parsed.warnings)} warning(s)"
        err.print(f"{file}: {counts}", highlight=False, soft_wrap=True)
    raise typer.Exit(0 if parsed.ok else 1)


@app.command()
def synth(
    outdir: Annotated[Path, typer.Argument(help="Folder to write trainees.json/.csv and vacancies.json/.csv into.")],
    trainees: Annotated[int, typer.Option("--trainees", min=1)] = 30,
    vacancies: Annotated[int, typer.Option("--vacancies", min=1)] = 8,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    country: CountryOpt = None,
) -> None:
    """Write realistic synthetic trainees and vacancies in the exchange format."""
    choose_country(country)
    from matching import synth as synthetic

    t, v = synthetic.generate(trainees=trainees, vacancies=vacancies, seed=seed)
    outdir.mkdir(parents=True, exist_ok=True)
    for path in synthetic.write(outdir, t, v):
        err.print(f"wrote {path}")


@app.command()
def bench(
    size: Annotated[
        Size | None,
        typer.Option(
            "--size",
            help="S = 1,000 × 200, M = 10,000 × 2,000 (3 seats), L = 50,000 × 5,000 (default S); "
            "with --web: S = 500 × 20, M = 10,000 × 500, L = 50,000 × 2,000 (default M).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="End with one JSON line of the figures.")] = False,
    seed: Annotated[int, typer.Option("--seed")] = 7,
    web: Annotated[
        bool, typer.Option("--web", help="Instead: time the employer's vacancy page with 10,000 trainees and 500 vacancies.")
    ] = False,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="With --web: the database to load (default: a temporary SQLite file).")
    ] = None,
    list_requests: Annotated[
        int, typer.Option("--list-requests", min=1, help="With --web: requests of each way through the longest candidate list.")
    ] = 20,
    ineligible_all: Annotated[
        bool, typer.Option("--ineligible-all", help="Also time `rdvm rank --ineligible all` end to end.")
    ] = False,
    evaluation: Annotated[
        bool,
        typer.Option(
            "--evaluation",
            help="Instead: time the evaluation from a database of 50,000 trainees, 60,000 placements and 200,000 follow-ups.",
        ),  # fmt: skip
    ] = False,
    evaluation_trainees: Annotated[
        int, typer.Option("--evaluation-trainees", min=1, help="With --evaluation: trainees (placements 1.2×, follow-ups 4×).")
    ] = 50_000,
    evaluation_pages: Annotated[
        int, typer.Option("--evaluation-pages", min=0, help="With --evaluation: requests of the evaluation page timed (0: none).")
    ] = 40,
    crash: Annotated[
        int,
        typer.Option("--crash", min=0, help="Instead: kill -9 the server this many times amid writes; count lost writes."),
    ] = 0,
    load: Annotated[
        bool,
        typer.Option("--load", help="With --web: a locust load test (dev extras; give --database-url of PostgreSQL)."),
    ] = False,
    load_seconds: Annotated[int, typer.Option("--load-seconds", min=5, max=600, help="With --load: how long.")] = 120,
    load_users: Annotated[int, typer.Option("--load-users", min=1, max=500, help="With --load: simulated users.")] = 100,
    server_workers: Annotated[int, typer.Option("--server-workers", min=1, max=16, help="With --load: uvicorn workers.")] = 4,
) -> None:
    """Time each stage of ranking and planning on synthetic data, and compare with a naive version."""
    log = lambda line: err.print(line, highlight=False)  # noqa: E731
    if crash:
        from web.crash_test import run_crash_test

        figures = run_crash_test(kills=crash, database_url=database_url, log=log)
        figures["size"] = "crash"
        if figures["lost"]:
            print_figures(figures)
            err.print(f"[bold red]error[/] {figures['lost']} acknowledged write(s) lost", highlight=False)
            raise typer.Exit(1)
    elif load:
        from web.bench_web import WEB_SIZES
        from web.load_test import run_load_test

        trainees, vacancies = WEB_SIZES[(size or Size.M).value]
        figures = run_load_test(trainees=trainees, vacancies=vacancies, database_url=database_url, seconds=load_seconds,
                                users=load_users, workers=server_workers, log=log)  # fmt: skip
        figures["size"] = f"load {(size or Size.M).value}"
    elif evaluation:
        from web.bench_evaluation import run_evaluation_benchmark

        n = evaluation_trainees
        figures = run_evaluation_benchmark(trainees=n, placements=n * 6 // 5, followups=n * 4, pages=evaluation_pages, log=log)
        figures["size"] = "evaluation"
    elif web:
        from web.bench_web import WEB_SIZES, run_web_benchmark

        trainees, vacancies = WEB_SIZES[(size or Size.M).value]
        figures = run_web_benchmark(
            trainees=trainees, vacancies=vacancies, database_url=database_url, list_requests=list_requests, log=log
        )
        figures["size"] = f"web {(size or Size.M).value}"
    else:
        from matching.bench import run_benchmark

        figures = run_benchmark((size or Size.S).value, seed=seed, ineligible=ineligible_all, log=log)
    print_figures(figures)
    if as_json:
        sys.stdout.write(json.dumps(figures) + "\n")


def print_figures(figures: dict[str, Any]) -> None:
    """Print benchmark figures as a table on standard error."""
    table = Table(title=f"rdvm bench --size {figures['size']}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in figures.items():
        # A value may quote a request name such as "/officer/trainees/[id]": printed as written, not as markup.
        table.add_row(key, f"{value:.3f}" if isinstance(value, float) else escape(str(value)))
    err.print(table)


@app.command()
def show(
    trainees: TraineesArg,
    vacancies: VacanciesArg,
    top: Annotated[int, typer.Option("--top", "-k", min=1)] = 5,
    lang: LangOpt = Lang.fr,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print warnings.")] = False,
    country: CountryOpt = None,
) -> None:
    """Print the ranking of two exchange files as readable tables, one per vacancy, best candidates first."""
    choose_country(country)
    from matching.ranking import rank

    t, v = load_pair(trainees, vacancies, quiet=quiet)
    console = Console()
    titles = {x.id: x for x in v}
    for ranking in rank(t, v, top=top, lang=lang.value):
        vacancy = titles[ranking.vacancy_id]
        table = Table(title=f"{vacancy.id} — {vacancy.title} ({vacancy.town}, {vacancy.seats} seat(s))", title_justify="left")
        table.add_column("#", justify="right")
        table.add_column("trainee")
        table.add_column("score", justify="right")
        table.add_column("reasons")
        for i, c in enumerate(ranking.candidates, start=1):
            table.add_row(str(i), c.trainee_id, f"{c.score:.2f}", "; ".join(c.reasons))
        console.print(table)
        console.print(f"  eligible: {ranking.eligible_count}, ineligible: {ranking.ineligible_count}\n")


@app.command()
def evaluate(
    trainees: Annotated[
        Path | None, typer.Argument(metavar="TRAINEES", help="Trainees file (.json or .csv, exchange format).")
    ] = None,
    placements: Annotated[
        Path | None, typer.Argument(metavar="PLACEMENTS", help="Placements file (.json or .csv; see INDICATORS.md).")
    ] = None,
    followups: Annotated[Path | None, typer.Option(help="Follow-ups file (.json or .csv; see INDICATORS.md).")] = None,
    cohorts: Annotated[Path | None, typer.Option(help="Cohorts file (.json or .csv); without it, no per-cohort figures.")] = None,
    as_of: Annotated[
        datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="The date of the figures (default: today, UTC).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON on standard output.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print warnings.")] = False,
    country: CountryOpt = None,
) -> None:
    """Compute the programme's indicators from its history files, or from the database without files (INDICATORS.md)."""
    choose_country(country)
    from profiles import indicators

    day = as_of.date() if as_of else datetime.now(UTC).date()
    loaded = evaluated_history(trainees, placements, followups, cohorts)
    report_issues(loaded.issues, warnings=not quiet)
    if not loaded.ok:
        err.print(f"[bold red]{len(loaded.errors)} error(s): nothing was evaluated.[/]")
        raise typer.Exit(EXIT_BAD_INPUT)
    figures = indicators.evaluate_columns(loaded.columns, as_of=day)
    if as_json:
        sys.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
    else:
        print_indicators(figures)


def evaluated_history(
    trainees: Path | None, placements: Path | None, followups: Path | None, cohorts: Path | None
) -> StoredColumns:
    """Return the history to evaluate, as columns with its issues: the files given, or the application's database when
    none is (read a column at a time: no record object per row)."""
    from employers.history_store import StoredColumns
    from profiles import history, history_columns

    if trainees is not None and placements is not None:
        loaded = history.load_history(trainees=trainees, placements=placements, followups=followups, cohorts=cohorts)
        columns = history_columns.from_records(loaded.trainees, loaded.placements, loaded.followups, loaded.cohorts)
        return StoredColumns(columns, loaded.issues)
    if trainees is not None or followups is not None or cohorts is not None:
        raise typer.BadParameter("give the trainees and placements files (and any other), or no file to evaluate the database",
                                 param_hint="TRAINEES PLACEMENTS")  # fmt: skip
    from employers import history_store

    with transaction() as session:
        return history_store.stored_columns(session=session)


def print_indicators(figures: dict[str, Any]) -> None:
    """Print the indicators as a table: one row per indicator, a column for overall and one per cohort."""
    from profiles.indicators import INDICATORS

    scopes = {"overall": figures["overall"], **figures["cohorts"]}
    table = Table(title=f"Indicators as of {figures['as_of']} (INDICATORS.md, version {figures['version']})")
    table.add_column("indicator")
    for name in scopes:
        table.add_column(escape(name), justify="right")
    for indicator in INDICATORS:
        table.add_row(indicator, *("—" if s[indicator] is None else f"{s[indicator]:,}" for s in scopes.values()))
    console = Console()
    if not console.is_terminal:
        console.width = max(console.width, 40 + 14 * len(scopes))
    console.print(table)


# ---------------------------------------------------------------- the application: database, accounts, demo


class Kind(StrEnum):
    """What a file holds: exchange records (FORMAT.md) or the programme's history (INDICATORS.md)."""

    trainees = "trainees"
    vacancies = "vacancies"
    cohorts = "cohorts"
    placements = "placements"
    followups = "followups"


db_app = typer.Typer(help="The application's database.", no_args_is_help=True)
user_app = typer.Typer(help="Accounts.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(audit_app, name="audit")
trainee_app = typer.Typer(help="A trainee's privacy rights: their personal export and erasure.", no_args_is_help=True)
app.add_typer(trainee_app, name="trainee")

KindArg = Annotated[Kind, typer.Argument(help="trainees, vacancies, cohorts, placements or followups.", case_sensitive=False)]


@contextmanager
def transaction() -> Iterator[Session]:
    """Yield a session on the application's database; commit at the end, roll back everything on any error."""
    from sqlalchemy.exc import OperationalError, ProgrammingError
    from sqlmodel import Session

    import web.tables  # noqa: F401  (every table known, so foreign keys resolve whichever command runs)
    from web.db import get_engine

    with Session(get_engine()) as session:
        try:
            yield session
            session.commit()
        except (OperationalError, ProgrammingError) as exc:
            session.rollback()
            err.print(f"[bold red]error[/] {database_label()}: {exc.orig}", highlight=False, soft_wrap=True)
            err.print("Is the database up to date? Run: rdvm db upgrade")
            raise typer.Exit(1) from None
        except BaseException:
            session.rollback()
            raise


def refuse(exc: Exception, *, status: int = 1) -> NoReturn:
    """Print a service's refusal on standard error and exit."""
    from web.i18n import translator
    from web.messages import MESSAGES

    said = str(exc)
    key = next((k for k in (said, getattr(exc, "code", "")) if k in MESSAGES), None)
    if key is None:
        detail = said or type(exc).__name__
    else:
        detail = translator("en")(MESSAGES[key]) + (f" ({said})" if said and said != key else "")
    err.print(f"[bold red]error[/] {detail}", highlight=False, soft_wrap=True)
    raise typer.Exit(status)


def database_label() -> str:
    """Return the configured database URL, its password hidden."""
    from sqlalchemy.engine import make_url

    from web.config import get_settings

    return make_url(get_settings().database_url).render_as_string(hide_password=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database (RDVM_DATABASE_URL) up to the latest migration."""
    from web.config import get_settings
    from web.migrate import upgrade

    upgrade(get_settings().database_url)
    err.print(f"database {database_label()} is up to date", highlight=False)


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the audit trail's hash chain: print how many events hold and "ok", or name the first broken one (exit 1)."""
    from core import audit

    with transaction() as session:
        check = audit.verify(session)
    if check.broken is None:
        typer.echo(f"audit trail: {check.checked} events checked, ok")
        return
    err.print(f"[bold red]error[/] audit trail broken after {check.checked} good event(s): {describe_break(check.broken)}",
              highlight=False, soft_wrap=True)  # fmt: skip
    raise typer.Exit(1)


def describe_break(broken: Break) -> str:
    """Return, in words, which event breaks the audit chain and how ."""
    where = f"event id {broken.event_id}" + (f" (seq {broken.seq})" if broken.seq is not None else "")
    what = {
        "content": f"content edited: its stored hash is {broken.found}, its content hashes to {broken.expected}",
        "link": f"link broken: it names {broken.found} as the previous hash, the previous event's hash is {broken.expected}",
        "gap": f"gap: seq {broken.expected} expected, found {broken.found} (events deleted before it)",
        "unchained": f"outside the chain (no seq; the chain ends before seq {broken.expected})",
    }[broken.problem]
    return f"{where}: {what}"


@app.command("import")
def import_(
    kind: KindArg,
    file: Annotated[Path, typer.Argument(help="An exchange file (.json or .csv).")],
    consent: Annotated[
        bool,
        typer.Option(
            "--consent",
            help="Record that the imported trainees consent to share their profile with employers (the school collects "
            "consent on paper). Default: new trainees have not consented; existing ones keep what was recorded.",
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print warnings.")] = False,
    country: CountryOpt = None,
) -> None:
    """Create or update (by id) trainees, vacancies, cohorts, placements or follow-ups from a file, in one transaction:
    nothing is written on any error."""
    choose_country(country)
    from employers.imports import import_text

    if consent and kind != Kind.trainees:
        raise typer.BadParameter("applies to trainees only", param_hint="--consent")
    try:
        fmt = exchange.detect_format(file)
        data = file.read_bytes()
    except exchange.ExchangeError as exc:
        report_issues(exc.issues)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except OSError as exc:
        err.print(f"[bold red]error[/] {file}: cannot be read: {exc.strerror}", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    text, unreadable = exchange.decode(data, source=str(file))
    if unreadable:
        report_issues(unreadable)
        err.print("[bold red]1 error(s): nothing was imported.[/]")
        raise typer.Exit(EXIT_BAD_INPUT)
    with transaction() as session:  # a refused file stored nothing: its savepoint was rolled back
        outcome = import_text(session=session, text=text, source=str(file), fmt=fmt, kind=kind.value, consent=consent)
    report_issues(outcome.issues, warnings=not quiet)
    if not outcome.ok:
        err.print(f"[bold red]{len(outcome.errors) or 1} error(s): nothing was imported.[/]")
        if outcome.refusal is not None:
            refuse(outcome.refusal, status=EXIT_BAD_INPUT)
        raise typer.Exit(EXIT_BAD_INPUT)
    unchanged = f", {outcome.unchanged} unchanged" if kind.value in HISTORY_KINDS else ""
    typer.echo(f"{file}: {outcome.created} {kind.value} created, {outcome.updated} updated{unchanged}")


def exported_records(session: Session, kind: Kind) -> list[Any]:
    """Return every trainee or vacancy of the database as exchange records, by id."""
    from sqlmodel import col, select

    from employers.models import Employer, Vacancy
    from profiles import service as profiles_service

    if kind == Kind.trainees:
        return profiles_service.export_trainees(session=session)
    rows = session.exec(select(Vacancy, Employer.name).join(Employer).order_by(col(Vacancy.code)))
    return [vacancy.to_exchange(name) for vacancy, name in rows]


@app.command("export")
def export(
    kind: KindArg,
    file: Annotated[Path, typer.Argument(help="The file to write: .json or .csv (exchange format).")],
    country: CountryOpt = None,
) -> None:
    """Write every trainee, vacancy, cohort, placement or follow-up of the database to a file (by id)."""
    choose_country(country)
    try:
        exchange.detect_format(file)
    except exchange.ExchangeError as exc:
        report_issues(exc.issues)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if kind.value in HISTORY_KINDS:
        export_history(cast("HistoryKind", kind.value), file)
        return
    chosen: exchange.Kind = "trainees" if kind == Kind.trainees else "vacancies"
    with transaction() as session:
        records = exported_records(session, kind)
    file.parent.mkdir(parents=True, exist_ok=True)
    exchange.write(file, records, chosen)
    typer.echo(f"{file}: {len(records)} {chosen} written")


def export_history(kind: HistoryKind, file: Path) -> None:
    """Write the database's cohorts, placements or follow-ups as a history file; refuse records a file cannot hold."""
    from employers import history_store
    from profiles import history

    with transaction() as session:
        stored = history_store.stored_records(session=session, kind=kind)
    report_issues(stored.issues)
    if not stored.ok:
        err.print(f"[bold red]{len(stored.errors)} error(s): nothing was written.[/]")
        raise typer.Exit(EXIT_BAD_INPUT)
    file.parent.mkdir(parents=True, exist_ok=True)
    history.write_records(file, stored.records, kind)
    typer.echo(f"{file}: {len(stored.records)} {kind} written")


class AccountRole(StrEnum):
    """The role of a new account."""

    admin = "admin"
    officer = "officer"
    employer = "employer"
    trainee = "trainee"
    school = "school"
    auditor = "auditor"


@user_app.command("create")
def user_create(
    role: Annotated[AccountRole, typer.Option("--role", help="admin, officer, employer, trainee, school or auditor.")],
    login: Annotated[str, typer.Option("--login", help="E-mail; for a trainee, the phone (+223… Mali, +221… Senegal).")],
    name: Annotated[str, typer.Option("--name", help="Full name.")],
    employer_id: Annotated[int | None, typer.Option("--employer-id", help="The company (employer accounts).")] = None,
    trainee_code: Annotated[str | None, typer.Option("--trainee-code", help="The trainee's id (trainee accounts).")] = None,
    centre: Annotated[
        str | None,
        typer.Option("--centre", help="The training centre's name (school accounts); created when no centre has this name."),
    ] = None,
) -> None:
    """Create an account: prompts for the password, or prints a new 6-digit PIN for a trainee."""
    from web.auth import service as auth_service
    from web.auth.exceptions import AuthError
    from web.auth.models import Role

    check_links(role, employer_id, trainee_code, centre)
    login = trainee_login(login) if role == AccountRole.trainee else login
    pin = auth_service.new_pin() if role == AccountRole.trainee else None
    secret = pin or typer.prompt("Password (10 characters or more)", hide_input=True, confirmation_prompt=True)
    try:
        with transaction() as session:
            trainee_id = linked_trainee(session, trainee_code)
            user = auth_service.create_user(
                session=session, login=login, full_name=name, role=Role(role.value), secret=secret,
                employer_id=linked_employer(session, employer_id), trainee_id=trainee_id,
                centre_id=linked_centre(session, centre),
            )  # fmt: skip
            created = user.login
    except AuthError as exc:
        refuse(exc)
    typer.echo(f"created {role.value} account {created}" + (f"; PIN {pin} (give it to the trainee)" if pin else ""))


@user_app.command("disable")
def user_disable(
    login: Annotated[str, typer.Argument(help="The account's e-mail, or a trainee's phone.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit trail).")],
) -> None:
    """Disable an account: it can no longer sign in, and every open session of it ends at once."""
    set_user_access(login, active=False, reason=reason)


@user_app.command("enable")
def user_enable(login: Annotated[str, typer.Argument(help="The account's e-mail, or a trainee's phone.")]) -> None:
    """Enable a disabled account again (its password or PIN is unchanged)."""
    set_user_access(login, active=True)


def set_user_access(login: str, *, active: bool, reason: str = "") -> None:
    """Disable or enable an account by login, audited, and say what changed."""
    from web.auth import service as auth_service
    from web.auth.exceptions import AuthError

    try:
        with transaction() as session:
            user = auth_service.account_by_login(session=session, login=login)
            changed = auth_service.set_access(session=session, user=user, active=active, by=None, reason=reason)
            shown = user.login
    except AuthError as exc:
        refuse(exc)
    state = "enabled" if active else "disabled"
    typer.echo(f"account {shown} {state}" if changed else f"account {shown} was already {state}")


def trainee_login(phone: str) -> str:
    """Return a trainee's login: the phone number in international form (+223…), as profiles store it."""
    from matching.models import normalise_phone

    try:
        return normalise_phone(phone)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--login") from None


def check_links(role: AccountRole, employer_id: int | None, trainee_code: str | None, centre: str | None = None) -> None:
    """Require a company for employer accounts, a profile for trainee accounts, a centre for school accounts, and nothing else."""
    if (employer_id is not None) != (role == AccountRole.employer):
        raise typer.BadParameter("is required for employer accounts and only for them", param_hint="--employer-id")
    if (trainee_code is not None) != (role == AccountRole.trainee):
        raise typer.BadParameter("is required for trainee accounts and only for them", param_hint="--trainee-code")
    if (bool(centre and centre.strip())) != (role == AccountRole.school):
        raise typer.BadParameter("is required for school accounts and only for them", param_hint="--centre")


def linked_employer(session: Session, employer_id: int | None) -> int | None:
    """Return the id of an existing company, or exit."""
    from employers.models import Employer

    if employer_id is not None and session.get(Employer, employer_id) is None:
        err.print(f"[bold red]error[/] no company has id {employer_id}")
        raise typer.Exit(1)
    return employer_id


def linked_centre(session: Session, name: str | None) -> int | None:
    """Return the id of the training centre of this name, created (and said so) when there is none."""
    from profiles import cohorts

    if name is None:
        return None
    known = {c.id for c in cohorts.list_centres(session=session)}
    centre = cohorts.centre_named(session=session, name=name)
    if centre.id not in known:
        err.print(f"created the training centre {escape(centre.name)}", highlight=False)
    return centre.id


def linked_trainee(session: Session, code: str | None) -> int | None:
    """Return the database id of the trainee with this code, or exit."""
    from profiles import service as profiles_service

    if code is None:
        return None
    profile = profiles_service.get_by_code(session=session, code=code)
    if profile is None:
        err.print(f"[bold red]error[/] no trainee has the id {code}")
        raise typer.Exit(1)
    return profile.id


@app.command()
def jobs(
    every: Annotated[
        int, typer.Option("--every", min=0, help="Run again every N seconds until stopped (0: run once, for cron).")
    ] = 0,
    outbox_file: Annotated[
        Path | None, typer.Option("--outbox-file", help="Append the messages as JSON lines here (default: RDVM_OUTBOX_FILE).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only list the trainees the retention rule would erase; change nothing.")
    ] = False,
) -> None:
    """Erase the personal data past retention (RDVM_RETENTION_MONTHS; listed first), expire unanswered offers
    (RDVM_OFFER_ANSWER_DAYS), remind their trainees, announce follow-up calls, send the outbox, purge old sign-in data."""
    import time

    from web.config import get_settings

    settings = get_settings()
    chosen = outbox_file or (Path(settings.outbox_file) if settings.outbox_file else None)
    while True:
        run_retention(months=settings.retention_months, dry_run=dry_run)
        if dry_run:
            return
        run_jobs(days=settings.offer_answer_days, outbox_file=chosen, office_phone=settings.office_phone)
        if not every:
            return
        time.sleep(every)


def run_jobs(*, days: int, outbox_file: Path | None, office_phone: str = "") -> None:
    """Run the periodic jobs once, each in its own transaction, and print what they did."""
    from core.clock import utcnow
    from employers import followups, offers, outbox
    from web import idempotency
    from web.auth import service as auth_service

    with transaction() as session:
        expiry = offers.expire_offers(session=session, now=utcnow(), days=days)
    with transaction() as session:
        announced = followups.remind_trainees(session=session, today=utcnow().date(), office_phone=office_phone)
    sender = outbox.FileSender(outbox_file) if outbox_file else outbox.ConsoleSender()
    with transaction() as session:
        delivery = outbox.deliver_pending(session=session, sender=sender)
    err.print(f"offers: {len(expiry.expired)} expired, {len(expiry.reminded)} reminded; "
              f"outbox: {len(delivery.sent)} sent, {len(delivery.failed)} failed; "
              f"follow-ups: {len(announced)} announced", highlight=False)  # fmt: skip
    with transaction() as session:
        attempts, sessions = auth_service.purge(session=session, now=utcnow())
        replies = idempotency.purge(session=session, now=utcnow())
    err.print(f"sign-ins: {attempts} old failed attempt(s) and {sessions} expired session(s) deleted", highlight=False)
    err.print(f"API: {replies} reply(ies) kept for an Idempotency-Key over a day deleted", highlight=False)


def run_retention(*, months: int, dry_run: bool) -> None:
    """List the trainees past the retention time, then erase them (one transaction), unless it is a dry run."""
    from core.clock import utcnow
    from web import privacy

    if not months:
        err.print("retention: off (RDVM_RETENTION_MONTHS=0)", highlight=False)
        return
    with transaction() as session:
        due = privacy.due_for_erasure(session=session, months=months, today=utcnow().date())
        for item in due:
            typer.echo(f"retention: {'would erase' if dry_run else 'erasing'} {item.code} (due since {item.since}, {item.why})")
        if not dry_run:
            for item in due:
                privacy.erase(session=session, code=item.code, reason=f"retention: {months} months", by=None)
    err.print(f"retention: {len(due)} trainee(s) {'to erase' if dry_run else 'erased'}", highlight=False)


@contextmanager
def exit_on(error: type[Exception], said: str | None = None) -> Iterator[None]:
    """Turn a refusal into an error line on standard error (`said`, or the refusal's own words) and exit 1."""
    try:
        yield
    except error as exc:
        err.print(f"[bold red]error[/] {escape(said or str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


@trainee_app.command("export")
def trainee_export(
    code: Annotated[str, typer.Argument(help="The trainee's id, e.g. T-2020-007.")],
    file: Annotated[Path, typer.Argument(help="The JSON file to write; a readable .html is written beside it.")],
) -> None:
    """Write everything held on a trainee (their personal export) as JSON and HTML, readable by the owner only."""
    from profiles.exceptions import TraineeNotFound
    from web import privacy
    from web.privacy_pages import export_html

    with exit_on(TraineeNotFound, f"no trainee has the id {code}"), transaction() as session:
        data = privacy.personal_data(session=session, profile=privacy.trainee_by_code(session, code))
    page = file.with_suffix(".html")
    exchange.write_text_private(file, json.dumps(data, ensure_ascii=False, indent=2))
    exchange.write_text_private(page, export_html(data, "fr"))
    typer.echo(f"{file} and {page}: the personal data of {code} written")


@trainee_app.command("erase")
def trainee_erase(
    code: Annotated[str, typer.Argument(help="The trainee's id, e.g. T-2020-007.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (the person's request, retention…); kept in the audit trail.")],
) -> None:
    """Erase a trainee's personal data for good (the pseudonymous record, counts and dates stay for the evaluation)."""
    from profiles.exceptions import TraineeNotFound
    from web import privacy

    if not reason.strip():
        raise typer.BadParameter("say why", param_hint="--reason")
    with exit_on(TraineeNotFound, f"no trainee has the id {code}"), transaction() as session:
        done = privacy.erase(session=session, code=code, reason=reason, by=None)
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(done.counts.items()))
    typer.echo(f"{code}: personal data erased ({counts})")


@app.command()
def backup(file: Annotated[Path, typer.Argument(help="The backup file to write (readable by its owner only).")]) -> None:
    """Back up the database (SQLite: online backup API; PostgreSQL: pg_dump) with its schema revision, in one file."""
    from web import backup as backups
    from web.config import get_settings

    with exit_on(backups.BackupError):
        made = backups.backup(url=get_settings().database_url, file=file)
    typer.echo(f"{file}: {made.dialect} backup at schema revision {made.revision}")


@app.command()
def restore(file: Annotated[Path, typer.Argument(help="A file written by rdvm backup.")]) -> None:
    """Replace the database's content by a backup's (refused when the backup is of another schema version)."""
    from web import backup as backups
    from web.config import get_settings

    with exit_on(backups.BackupError):
        made = backups.restore(url=get_settings().database_url, file=file)
    typer.echo(f"{file}: restored ({made.dialect}, schema revision {made.revision}, made {made.created_at})")


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    reload: Annotated[bool, typer.Option("--reload", help="Restart when the code changes (development).")] = False,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Server processes (uvicorn workers); run `rdvm worker` beside them.")
    ] = 1,
) -> None:
    """Run the web application (uvicorn)."""
    import uvicorn

    err.print(f"rdvm on http://{host}:{port} — database {database_label()} — {workers} worker(s)", highlight=False)
    # uvicorn's own proxy handling is off: it would believe X-Forwarded-For from 127.0.0.1 (any local proxy
    # passing a client's header on); the application believes only RDVM_TRUSTED_PROXIES (web.security).
    uvicorn.run("web.app:create_server_app", factory=True, host=host, port=port, reload=reload, proxy_headers=False,
                workers=None if reload else workers)  # fmt: skip


@app.command()
def worker(
    once: Annotated[bool, typer.Option("--once", help="Take the queued changes in (or build every ranking), then stop.")] = False,
    full: Annotated[bool, typer.Option("--full", help="Rebuild every ranking first.")] = False,
) -> None:
    """Keep the stored rankings up to date: re-score changed trainees and vacancies, rebuild when weights change."""
    import os
    import signal
    from datetime import timedelta

    import web.tables  # noqa: F401  (every table known, so foreign keys resolve)
    from employers import ranking_worker
    from web.config import get_settings
    from web.db import get_engine

    settings = get_settings()
    engine = get_engine()
    if settings.ranking_worker_nice and hasattr(os, "nice"):  # ranking is background work: pages come first
        os.nice(settings.ranking_worker_nice)
    rebuild = timedelta(minutes=settings.ranking_rebuild_minutes) if settings.ranking_rebuild_minutes else None
    say = lambda line: err.print(f"worker: {line}", highlight=False)  # noqa: E731
    if once:
        report = ranking_worker.run_step(engine, top=settings.ranking_top, rebuild_after=rebuild, full=full)
        while report.work >= ranking_worker.BATCH:  # more may be queued than one batch
            say(report.describe())
            report = ranking_worker.run_step(engine, top=settings.ranking_top)
        say(report.describe())
        return
    if full:
        say(ranking_worker.run_step(engine, top=settings.ranking_top, full=True).describe())
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda signum, _frame: stopping.append(signum))
    say(f"ranking for {database_label()}; Ctrl-C stops")
    try:
        ranking_worker.run_forever(engine, top=settings.ranking_top, poll_seconds=settings.ranking_poll_seconds,
                                   rebuild_after=rebuild, say=say, stop=lambda: bool(stopping))  # fmt: skip
    except KeyboardInterrupt:
        pass
    say("stopped")


@app.command()
def demo(
    folder: Annotated[Path, typer.Option("--folder", help="Where to write the generated demo files.")] = Path("var/demo"),
    country: CountryOpt = None,
) -> None:
    """Migrate, then seed a demo: companies, accounts, trainees and open vacancies; prints the demo sign-ins."""
    choose_country(country)
    from employers.exceptions import EmployerError
    from profiles.exceptions import ProfileError
    from web import demo as demo_data
    from web.config import get_settings
    from web.migrate import upgrade

    upgrade(get_settings().database_url)
    try:
        with transaction() as session:
            result = demo_data.seed(session=session, folder=folder)
    except (demo_data.DemoError, EmployerError, ProfileError) as exc:
        refuse(exc)
    files = " and ".join(str(path) for path in result.files)
    err.print(f"wrote {files} ({len(result.warnings)} warning(s): values kept as written)", highlight=False, soft_wrap=True)
    show_demo(result)
    if country and country.upper() != get_settings().country:
        err.print(f"serve this demo with RDVM_COUNTRY={country.upper()} rdvm serve (its towns, SMIG and phones)", highlight=False)


def show_demo(result: DemoResult) -> None:
    """Print what the demo seeded and its sign-ins as a table."""
    console = Console()
    if not console.is_terminal:
        console.width = max(console.width, 120)
    (t_new, t_updated), (v_new, v_updated) = result.trainees, result.vacancies
    console.print(f"demo database {database_label()}", highlight=False, soft_wrap=True)
    counts = f"trainees {t_new} created, {t_updated} updated; vacancies {v_new} created, {v_updated} updated"
    counts += f"; cohorts {result.cohorts}; placements {result.placements}, follow-ups {result.followups} (a year of history)"
    console.print(counts, highlight=False)
    table = Table(title="Demo sign-ins (demo only: these passwords are public)", title_justify="left")
    for column in ("role", "login", "password / PIN", "name"):
        table.add_column(column, no_wrap=column != "name")
    for s in result.sign_ins:
        table.add_row(s.role.value, s.login, s.secret, s.name)
    console.print(table)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line."""
    app(args=list(argv) if argv is not None else None)


if __name__ == "__main__":
    main()
