"""Storage adapters: SQLAlchemy tables, engines, repositories, migrations."""
