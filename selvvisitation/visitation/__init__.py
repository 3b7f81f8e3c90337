"""The visitators' area: the case queue, case pages and decisions."""
