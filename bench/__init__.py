"""Benchmarks run by `make bench` on data made by `siu demo --conferences N`."""
