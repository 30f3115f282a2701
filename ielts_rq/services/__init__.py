"""HTTP clients for the platform's scoring, OCR and speech services."""
