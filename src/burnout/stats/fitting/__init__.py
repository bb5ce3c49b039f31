"""Model-fitting engines shared by the statistics modules (closed-form, no result wrapping)."""
