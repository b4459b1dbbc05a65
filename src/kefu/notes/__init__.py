"""Internal notes and collaboration in conversations: agents' notes (never shown to customers),
@mentions of colleagues, and who else is viewing or typing (docs/console.md)."""
