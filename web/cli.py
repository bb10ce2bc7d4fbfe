"""The `rdvm` command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from matching import exchange
from matching.exchange import Issue, LoadResult

app = typer.Typer(help="rdvm — job matching for the RDV au Mali programme.", no_args_is_help=True, add_completion=False)
err = Console(stderr=True)

EXIT_BAD_INPUT = 2


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


def report_issues(issues: Iterable[Issue], *, warnings: bool = True) -> None:
    """Print issues on standard error, errors first."""
    ordered = sorted(issues, key=lambda i: i.severity != "error")
    for issue in ordered:
        if issue.severity == "error":
            err.print(f"[bold red]error[/] {issue}", highlight=False, markup=True, soft_wrap=True)
        elif warnings:
            err.print(f"[yellow]warning[/] {issue}", highlight=False, soft_wrap=True)


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


def write_ranking(rankings: Iterable[Any], out: TextIO) -> None:
    """Stream the `rdvm rank` JSON document, one vacancy at a time."""
    out.write('{\n  "vacancies": [')
    for i, ranking in enumerate(rankings):
        body = json.dumps(ranking.to_dict(), ensure_ascii=False, indent=2).replace("\n", "\n    ")
        out.write(("," if i else "") + "\n    " + body)
    out.write("\n  ]\n}\n")


@app.command()
def rank(
    trainees: TraineesArg,
    vacancies: VacanciesArg,
    top: Annotated[int, typer.Option("--top", "-k", min=1, help="Candidates listed per vacancy.")] = 10,
    lang: LangOpt = Lang.fr,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print warnings.")] = False,
) -> None:
    """Rank the trainees for every vacancy and print the ranking as JSON."""
    from matching.ranking import rank_prepared
    from matching.scoring import prepare

    t, v = load_pair(trainees, vacancies, quiet)
    prepared = prepare(t, v)
    rankings = _with_progress(rank_prepared(prepared, top=top, lang=lang.value), len(v), "ranking")
    write_ranking(rankings, sys.stdout)


@app.command()
def plan(
    trainees: TraineesArg,
    vacancies: VacanciesArg,
    method: Annotated[Method, typer.Option("--method", help="optimal (maximum total score) or stable.")] = Method.optimal,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print warnings.")] = False,
) -> None:
    """Assign trainees to vacancies' seats and print the plan as JSON."""
    from matching.assignment import SOLVERS, plan_problem
    from matching.scoring import prepare

    t, v = load_pair(trainees, vacancies, quiet)
    result = SOLVERS[method.value](plan_problem(prepare(t, v)))
    sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="An exchange file (.json or .csv).")],
    kind: Annotated[str | None, typer.Option("--kind", help="trainees or vacancies (guessed when absent).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the issues as JSON on standard output.")] = False,
) -> None:
    """Check a file: print every error and warning; exit 1 when it has errors."""
    if kind not in (None, "trainees", "vacancies"):
        raise typer.BadParameter("must be trainees or vacancies", param_hint="--kind")
    if not file.exists():
        err.print(f"[bold red]error[/] {file}: no such file")
        raise typer.Exit(EXIT_BAD_INPUT)
    chosen: exchange.Kind = kind or exchange.guess_kind(file)  # type: ignore[assignment]
    result = load_or_exit(file, chosen, quiet=as_json)
    if as_json:
        sys.stdout.write(json.dumps([i.to_dict() for i in result.issues], ensure_ascii=False, indent=2) + "\n")
    else:
        err.print(f"{file}: {len(result.records)} {chosen}, {len(result.errors)} error(s), {len(result.warnings)} warning(s)")
    raise typer.Exit(0 if result.ok else 1)


@app.command()
def synth(
    outdir: Annotated[Path, typer.Argument(help="Folder to write trainees.json/.csv and vacancies.json/.csv into.")],
    trainees: Annotated[int, typer.Option("--trainees", min=1)] = 30,
    vacancies: Annotated[int, typer.Option("--vacancies", min=1)] = 8,
    seed: Annotated[int, typer.Option("--seed")] = 1,
) -> None:
    """Write realistic synthetic trainees and vacancies in the exchange format."""
    from matching import synth as synthetic

    t, v = synthetic.generate(trainees=trainees, vacancies=vacancies, seed=seed)
    outdir.mkdir(parents=True, exist_ok=True)
    for path in synthetic.write(outdir, t, v):
        err.print(f"wrote {path}")


@app.command()
def bench(
    size: Annotated[
        Size, typer.Option("--size", help="S = 1,000 × 200, M = 10,000 × 2,000 (3 seats), L = 50,000 × 5,000.")
    ] = Size.S,
    as_json: Annotated[bool, typer.Option("--json", help="End with one JSON line of the figures.")] = False,
    seed: Annotated[int, typer.Option("--seed")] = 7,
) -> None:
    """Time each stage of ranking and planning on synthetic data, and compare with a naive version."""
    from matching.bench import run_benchmark

    figures = run_benchmark(size.value, seed=seed, log=lambda line: err.print(line, highlight=False))
    print_figures(figures)
    if as_json:
        sys.stdout.write(json.dumps(figures) + "\n")


def print_figures(figures: dict[str, Any]) -> None:
    """Print benchmark figures as a table on standard error."""
    table = Table(title=f"rdvm bench --size {figures['size']}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in figures.items():
        table.add_row(key, f"{value:.3f}" if isinstance(value, float) else str(value))
    err.print(table)


@app.command()
def show(
    trainees: TraineesArg,
    vacancies: VacanciesArg,
    top: Annotated[int, typer.Option("--top", "-k", min=1)] = 5,
    lang: LangOpt = Lang.fr,
) -> None:
    """Print the ranking as readable tables (what `make run` shows)."""
    from matching.ranking import rank

    t, v = load_pair(trainees, vacancies, quiet=True)
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


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line."""
    app(args=list(argv) if argv is not None else None)


if __name__ == "__main__":
    main()
