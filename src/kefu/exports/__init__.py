"""Exports of tickets and conversations (with transcripts) to CSV and XLSX for a date range, streamed."""
