"""burnout: re-executable analysis of mentorship and coaching studies of medical-student burnout."""

__version__ = "0.1.0"
