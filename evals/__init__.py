"""Evals: score the assistant offline against gold questions, and gate on thresholds.

`python -m evals run` asks every case in evals/datasets/gold.jsonl through `assistant.ask`;
evaluators are small functions in evals/metrics.py; evals/run.py and evals/report.py wire them up.
"""
