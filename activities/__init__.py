"""Activities, grouped by the external system they talk to; each class is given its client."""
