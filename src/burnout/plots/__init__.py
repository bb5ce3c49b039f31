"""Figure functions; each returns a matplotlib Figure styled by :mod:`burnout.plots.style`."""
