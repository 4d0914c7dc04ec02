"""The demo class: three generated submissions (blank, reference, partial) for `make demo` and the tests."""
