"""One module per command: build, check, serve."""
