"""The load generator and benchmark run by `make bench` against the running local stack."""
