"""@copies: the register of a record's certified copies, and issuing one (staff)."""
