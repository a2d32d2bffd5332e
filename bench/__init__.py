"""Atlas Kawasan benchmarks: ``python -m bench [--quick] [--only NAME]`` (see bench/README.md).

Each module measures one thing; ``__main__`` runs them and ``report`` appends the numbers, with
the machine, versions and method, to bench/RESULTS.md and bench/results/<timestamp>.json.
"""
