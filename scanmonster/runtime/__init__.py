"""The rule runtime: what runs inside every rule Lambda, and locally in the scanner."""
