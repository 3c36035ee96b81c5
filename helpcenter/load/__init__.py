"""Stage 1, load: read and validate every source (site.yaml, policies, entries, catalogs,
theme, git dates, translation hashes). Nothing after this stage reads a file or runs a
program."""
