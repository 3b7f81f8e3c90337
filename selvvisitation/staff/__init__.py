"""The home-care workers' and team leaders' area: the day's visits and their records."""
