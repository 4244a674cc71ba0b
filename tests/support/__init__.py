"""Test support shared by the test modules: the brute-force reference and tiny-case strategies."""
