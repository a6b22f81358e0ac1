"""Benchmark harness and corpus builder (`python -m bench`, `make bench`)."""
