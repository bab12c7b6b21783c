"""The demo region: what `make run` and the tests load to show and try the system."""
