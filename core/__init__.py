"""Cross-cutting pieces: settings, logging, the data converter, database and Temporal wiring."""
