"""Pages of the matching app, one module per subject; all thin over the services."""
