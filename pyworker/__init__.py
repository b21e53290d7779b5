"""enrich-once: enrich every company and person once, however many rows share it."""
