"""Extraction on Dask (the ``dask`` extra): the batch layer's per-file task, mapped over a
dask.bag, so that the same run goes to a local pool of processes or to a cluster.

The per-file work is ``batch.process(path, task)`` with the rules handed in: the parsed
RuleSet travels to the workers as data (pickled into the graph once), not as paths to rule
files a worker may not have. The issue files themselves are read by the workers, so on a
cluster they must sit on storage every worker sees (a shared file system).

Schedulers: ``sync`` (this process, for debugging), ``threads``, ``processes`` (the local
multiprocessing scheduler), ``local:N`` (a ``distributed.LocalCluster`` of N worker
processes) or a scheduler address ``tcp://host:8786`` (both need ``distributed``).
"""
from __future__ import annotations

import os
from typing import Iterable

from . import batch
from .errors import GazetteError


def _need_bag():
    try:
        import dask.bag as db
    except ImportError:
        raise GazetteError("running on Dask needs the 'dask' extra: pip install 'gazette[dask]'") from None
    return db


def _one(path: str, ruleset, task: batch.Task) -> batch.FileResult:
    return batch.process(path, task, ruleset=ruleset)   # batch.prepare keeps a runner per task and rule set


def _paths(paths_or_glob) -> list[str]:
    if isinstance(paths_or_glob, (str, os.PathLike)):
        paths_or_glob = [paths_or_glob]
    items = batch.expand([str(p) for p in paths_or_glob])
    bad = [it.error for it in items if it.error]
    if bad:
        raise GazetteError(bad[0])
    return [it.path for it in items if not it.note]


def _bag(paths: list[str], ruleset, task: batch.Task | None, npartitions: int | None):
    """A dask.bag of one FileResult per file of `paths` (files, already expanded)."""
    from .frames import task_for

    db = _need_bag()
    # `gazette extract` with `task`'s reflow setting, named by the files the rules came from
    task, _ = task_for(ruleset, reflow=task.reflow if task is not None else True)
    if not paths:
        return db.from_sequence([], npartitions=1)
    n = npartitions or min(len(paths), max(1, (os.cpu_count() or 1) * 4))
    return db.from_sequence(paths, npartitions=n).map(_one, ruleset, task)


def results_bag(paths_or_glob, *, rules=None, ruleset=None, task: batch.Task | None = None,
                npartitions: int | None = None):
    """A dask.bag of one FileResult per file, in the order of the files: what `gazette
    extract` gives (with the reflow setting of `task`, when given)."""
    _need_bag()
    if ruleset is None:
        from .frames import task_for
        _, ruleset = task_for(rules)
    return _bag(_paths(paths_or_glob), ruleset, task, npartitions)


def extract_bag(paths_or_glob, *, rules=None, ruleset=None, npartitions: int | None = None):
    """A dask.bag of the records (dicts) `gazette extract` gives, in the same order. A file
    that cannot be read gives no records (results_bag has its error)."""
    return results_bag(paths_or_glob, rules=rules, ruleset=ruleset, npartitions=npartitions).map(
        lambda r: r.records).flatten()


def _frame(results):
    from .frames import to_frame
    return to_frame([r for res in results for r in res.records])


def extract_ddf(paths_or_glob, *, rules=None, client=None, npartitions: int | None = None):
    """The records as a lazy dask.dataframe, one pandas partition per bag partition, typed
    like frames.to_frame (metric and unit as categoricals of unknown categories). With a
    distributed `client` (or one already created, which Dask uses by default) it computes
    on that cluster."""
    import dask.dataframe as dd
    from dask import delayed
    from .frames import to_frame

    bag = results_bag(paths_or_glob, rules=rules, npartitions=npartitions)
    ddf = dd.from_delayed([delayed(_frame)(p) for p in bag.to_delayed()], meta=to_frame([]), verify_meta=False)
    for c in ("metric", "unit", "qualifier"):
        ddf[c] = ddf[c].cat.as_unknown()
    return ddf


def compute(bag, scheduler: str = "processes"):
    """Compute a bag on the named scheduler (see the module's docstring)."""
    if scheduler in ("sync", "synchronous", "threads", "processes"):
        return bag.compute(scheduler="sync" if scheduler == "synchronous" else scheduler)
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise GazetteError(f"--dask {scheduler}: a cluster needs dask.distributed: "
                           "pip install 'gazette[dask]' distributed") from None
    if scheduler.startswith("local:"):
        try:
            n = int(scheduler.split(":", 1)[1])
        except ValueError:
            raise GazetteError(f"--dask {scheduler}: write local:N with N a number of worker processes") from None
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            return client.compute(bag).result()
    try:
        with Client(scheduler, timeout="10s") as client:
            return client.compute(bag).result()
    except OSError as exc:
        raise GazetteError(f"--dask {scheduler}: cannot reach the scheduler ({exc})") from None


def extract_results(paths: Iterable[str], *, ruleset, task: batch.Task, scheduler: str) -> list[batch.FileResult]:
    """What the CLI's `extract --dask` runs: one FileResult per file, in order. `paths` are
    files the batch layer has expanded already (batch.expand)."""
    paths = list(paths)
    if not paths:
        return []
    return compute(_bag(paths, ruleset, task, None), scheduler)


def runner(ruleset, task: batch.Task, scheduler: str):
    """A `run(items)` for store.extract_to_store: the files on Dask, the names that gave no
    file (their error or note) as the batch layer gives them."""
    def run(items):
        paths = [it.path for it in items if not (it.error or it.note)]
        done = iter(extract_results(paths, ruleset=ruleset, task=task, scheduler=scheduler))
        for it in items:
            if it.error or it.note:
                yield batch.unread(it)
            else:
                yield next(done)
    return run
