"""Excel import and export of household reviews (the workbook format lives in columns.py)."""
