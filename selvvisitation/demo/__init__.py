"""Demo data: an example municipality's service catalogue, built from the seed documents."""
