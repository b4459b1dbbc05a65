"""Storage: the only package that speaks SQL (tables, engine, unit of work, repositories, migrations)."""
