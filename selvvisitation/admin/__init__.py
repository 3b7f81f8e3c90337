"""The municipality admins' area: service catalogue, rules, providers, teams, users."""
