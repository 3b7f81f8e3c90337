"""JSON endpoints: the public service catalogue and, for staff, machine-readable data."""
