"""Digitization without Zope: page images, clean-up, OCR, PDF/A, error rates.

Everything here is pure Python (Pillow, numpy, pikepdf, Tesseract as a
process) so the workers, the benchmark and plain unit tests share one code path.
"""
