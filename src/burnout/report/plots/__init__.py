"""Figure functions; each returns a matplotlib Figure (style: :mod:`burnout.report.plots.style`)."""
