"""gazette: Chinese government newspaper and gazette issues → tables of policy metrics.

Everything the command line does, the library does from Python::

    import gazette_cli as gz
    result = gz.extract("samples/000_325790cf70597617.txt")
    result.records            # MetricRecords: file, line, column, metric, value, unit, … (.as_dict())
    gz.quantities_text("育苗总量达9.97\\n亿株")
    gz.parse_number("一千二百")  # Decimal('1200')
    df = gz.extract_frame(["issues/"])      # a pandas DataFrame, typed
    df = gz.read_store("archive.duckdb")    # what `gazette extract --db` stored
"""
__version__ = "0.1.0"   # first: datafile's cache key reads it

from .errors import DataFileError, GazetteError, InputError, Problem
from .extraction import (Result, explain, explain_text, extract, extract_text, quantities,
                         quantities_text, scan_quantities)
from .records import Explained, MetricRecord, QuantityRecord
from .numerals import NumeralError, parse_number
from .inputs import read_issue
from .reflow import reflow
from .rules import RuleSet, load_rules
from .units import Units, load_units

__all__ = ["DataFileError", "GazetteError", "InputError", "Problem", "Result", "QuantityRecord", "MetricRecord",
           "Explained", "explain", "explain_text",
           "extract", "extract_text", "quantities", "quantities_text", "scan_quantities", "NumeralError",
           "parse_number", "read_issue", "reflow", "RuleSet", "check_rules", "load_rules", "Units",
           "load_units", "extract_frame", "read_store", "extract_bag", "Store", "StoreBusy", "extract_to_store"]

# Imported on first use (PEP 562), not with the package: the store (sqlite3), frames and rule
# checking are not needed to extract, and a cold `gazette extract` should not pay for them.
_LAZY = {"check_rules": "checking", "extract_frame": "frames", "read_store": "frames",
         "Store": "store", "StoreBusy": "store", "extract_to_store": "store"}


def __getattr__(name: str):
    from importlib import import_module
    if name in _LAZY.values():   # the submodule itself (gazette_cli.store), as when it was imported here
        return import_module(f".{name}", __name__)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


def extract_bag(paths_or_glob, **kw):
    """The records as a dask.bag (the 'dask' extra); see gazette_cli.distributed."""
    from .distributed import extract_bag as bag
    return bag(paths_or_glob, **kw)
