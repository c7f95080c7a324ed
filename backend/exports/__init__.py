"""Spreadsheet exports (CSV with BOM, XLSX) of ticket lists and scorecards."""
