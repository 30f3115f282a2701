"""Calling the platform's HTTP services: one client helper (``http``) and the scoring service's client.

The OCR and speech services' clients live with their engines, in ``ocr`` and ``speech``.
"""
