"""Every state change of the matching app; views, API, commands and tasks call these."""
