"""`python -m benchmarks`: the kit measured against its peers, side by side, in one run."""
