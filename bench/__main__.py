"""`python -m bench --size N [--only ingest,index,search]`: run the benchmark suite."""

import argparse
import logging

from bench.corpus import DEFAULT_SEED
from bench.report import regenerate
from bench.suite import PHASES, Options, run


def _phases(text: str) -> tuple[str, ...]:
    phases = tuple(p.strip() for p in text.split(",") if p.strip())
    unknown = set(phases) - set(PHASES)
    if unknown or not phases:
        raise argparse.ArgumentTypeError(f"choose among {', '.join(PHASES)}")
    return tuple(p for p in PHASES if p in phases)


def _workers(text: str) -> tuple[int, ...]:
    if text == "none":
        return ()
    return tuple(int(n) for n in text.split(","))


def parse_args(argv=None) -> Options | None:
    """Read the command line; None means: only regenerate the report."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", type=int, default=2000, help="dispatches in the archive")
    parser.add_argument("--only", type=_phases, default=PHASES, help=",".join(PHASES))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--ingest-sample", type=int, default=2000, help="dispatches the ingest figures use"
    )
    parser.add_argument(
        "--workers", type=_workers, default=(1, 2), help="Celery process counts, or none"
    )
    parser.add_argument("--rounds", type=int, default=30, help="rounds of the search mix")
    parser.add_argument(
        "--concurrency-seconds", type=float, default=60.0, help="length of the 8-searcher run"
    )
    parser.add_argument("--label", default="", help="added to the results file name")
    parser.add_argument(
        "--engine", choices=("whoosh", "opensearch"), default="whoosh", help="the search engine"
    )
    parser.add_argument(
        "--keep-archive",
        action="store_true",
        help="reuse the archive a run of this size left complete (same corpus and schema)"
        " instead of loading it again; not with the ingest or stories phases",
    )
    parser.add_argument(
        "--report-only", action="store_true", help="only rebuild docs/benchmarks.md and the plot"
    )
    args = parser.parse_args(argv)
    if args.report_only:
        return None
    if args.keep_archive and {"ingest", "stories"} & set(args.only):
        parser.error(
            "--keep-archive measures on an archive loaded before: choose phases without"
            " ingest and stories (they load and group the archive themselves), e.g."
            " --only index,search,concurrency"
        )
    return Options(
        size=args.size,
        phases=args.only,
        seed=args.seed,
        ingest_sample=args.ingest_sample,
        workers=args.workers,
        rounds=args.rounds,
        concurrency_seconds=args.concurrency_seconds,
        label=args.label,
        engine=args.engine,
        keep_archive=args.keep_archive,
    )


def main(argv=None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    options = parse_args(argv)
    if options is None:
        regenerate()
    else:
        run(options)


if __name__ == "__main__":
    main()
