"""Progress of a long pass (an import's reading or writing): a tqdm bar on stderr when it is a
terminal and, run as a job, the job card (:class:`techmayor.core.jobs.Progress`: ``stage``,
``total``, ``__call__``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tqdm import tqdm


class Meter:
    """One pass's progress: ``add(n)`` more done."""

    def __init__(self, bar: tqdm, report=None) -> None:
        self.bar = bar
        self.report = report
        self.done = 0

    def add(self, n: int) -> None:
        self.done += n
        self.bar.update(n)
        if self.report is not None:
            self.report(self.done)


@contextmanager
def meter(desc: str, *, total: int | None, unit: str, terminal: bool | None, report=None) -> Iterator[Meter]:
    """A pass of ``total`` units (``None``: not known) named ``desc``; ``terminal``: show the bar
    (``None``: when stderr is a terminal); ``report``: the job's progress, if any."""
    if report is not None:
        report.stage(desc)
        report.total(total)
    bar = tqdm(
        total=total,
        unit=unit,
        unit_scale=unit == "B",
        desc=desc,
        file=sys.stderr,
        disable=None if terminal is None else not terminal,
    )
    with bar:
        yield Meter(bar, report)
