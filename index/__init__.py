"""Ingestion: load → clean → chunk → embed → store (see index/pipeline.py)."""
