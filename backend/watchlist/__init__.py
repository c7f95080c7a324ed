"""集中整治 watch list (estates with many complaints, disputes and rework, or poor owner
evaluation, ranked for a period; a supervisor classifies them and records measures) and the
district and street 考核 ranking (formulas in rules.py and the README)."""
