"""Pages of the directory: Find a setting, providers' own settings, judgements, forum views."""
