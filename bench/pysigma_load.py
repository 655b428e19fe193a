"""Loads every Sigma rule under the given folders with pySigma and parses its conditions
against its detections, the work `sigma-kql check` does (load, validate, parse, resolve).

Usage: python bench/pysigma_load.py FOLDER...   (needs `pip install pysigma==1.5.1`)
Prints the number of rules loaded and how many raised an error while loading.
"""
import sys
from pathlib import Path

from sigma.collection import SigmaCollection


def main(folders):
    paths = sorted(p for f in folders for p in Path(f).rglob("*.yml"))
    rules = errors = 0
    for p in paths:
        try:
            collection = SigmaCollection.from_yaml(p.read_text(encoding="utf-8"), collect_errors=True)
            for rule in collection.rules:
                rules += 1
                errors += bool(getattr(rule, "errors", None))
                for condition in getattr(getattr(rule, "detection", None), "parsed_condition", []):
                    try:
                        condition.parsed
                    except Exception:
                        errors += 1
        except Exception:
            errors += 1
    print(f"{rules} rules, {errors} with errors")


if __name__ == "__main__":
    main(sys.argv[1:])
