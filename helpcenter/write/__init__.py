"""Stage 4, write: the checked site to its folder, with its search index and headers, and
the switch that publishes it whole or not at all."""
