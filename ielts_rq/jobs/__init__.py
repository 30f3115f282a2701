"""The jobs: plain module-level functions with JSON-safe arguments, one module per queue."""
