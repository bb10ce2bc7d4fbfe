"""What the domain packages build on, below both of them: the clock, column types, record problems, formats."""
