"""Converts every Sigma rule under the given folder to KQL with pySigma's Kusto backend and its
Microsoft XDR pipeline, the work `sigma-kql convert` does (load, parse, convert, render). Each
file is its own collection, so that a rule pySigma cannot convert does not abort the others.

Usage: python bench/pysigma_convert.py FOLDER
       (needs `pip install pysigma==1.5.1 pysigma-backend-kusto==1.0.1`)
Prints how many rules yielded at least one query, out of the files read. Writes no output.
"""
import sys
from pathlib import Path

from sigma.backends.kusto import KustoBackend
from sigma.collection import SigmaCollection
from sigma.pipelines.microsoftxdr import microsoft_xdr_pipeline


def main(folder):
    paths = sorted(Path(folder).rglob("*.yml"))
    backend = KustoBackend(processing_pipeline=microsoft_xdr_pipeline())
    converted = 0
    for p in paths:
        try:
            queries = backend.convert(SigmaCollection.from_yaml(p.read_text(encoding="utf-8")))
            converted += bool(queries)
        except Exception:
            pass
    print(f"converted {converted} of {len(paths)} rules")


if __name__ == "__main__":
    main(sys.argv[1])
