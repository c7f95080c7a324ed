"""Scorecards: the plan's formulas, per-unit figures in grouped SQL, the materialised cache."""
