"""Benchmarks (`make bench`): each compares our path with an alternative in the same run."""
