"""`make bench`: benchmarks of the whole system, each figure beside a baseline from the same run."""
