"""Benchmarks of the matching engine: ``python -m bench`` (``make bench``).

Not timed tests: they print tables of quality against the plain baseline on the dev set, query
latency, index build throughput, resident memory and bulk matching time on a synthetic corpus
generated under ``var/bench/`` (never committed).
"""
