"""burnout: re-executable analysis of mentorship and coaching studies of medical-student burnout.

(Helpers working in this repo right now: read /work/main/AGENTS.md first — data contract and rules.)
"""

__version__ = "0.1.0"
