"""Milamore help center generator: a bilingual static site built from Markdown and policy data."""
