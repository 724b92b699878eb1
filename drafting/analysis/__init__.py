"""PURE. The checks-and-balances rubric (a data file) and the engine that produces findings."""

from .engine import ABSENT, PRESENT, WEAK, Evidence, Finding, Rubric, evaluate, load_rubric, stronger

__all__ = ["ABSENT", "PRESENT", "WEAK", "Evidence", "Finding", "Rubric", "evaluate", "load_rubric", "stronger"]
