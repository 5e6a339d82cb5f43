"""One module per benchmark scenario: `run(args)` returns its `support.Result` rows."""
