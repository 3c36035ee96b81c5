"""Stage 2, render: the loaded sources to pages, in memory, as a pure function; each page
records the inputs it used (its dependencies)."""
