"""Evaluation: question sets, metrics, scoring and the HTML report."""
