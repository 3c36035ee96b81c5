"""Stage 3, check: the promises the rendered pages make (every policy covered in every
language, every link and anchor resolving), read from the pages, not from files; and the
editors' warnings."""
