"""Matching engine: from an enterprise's need to achievements, experts and universities.

The core modules (analysis, index, ranker, evaluation) import nothing from Django.
"""
