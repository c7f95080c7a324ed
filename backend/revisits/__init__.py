"""回访: the resident's follow-up on a closed complaint ticket (resolved?, a 1–5 rating)."""
