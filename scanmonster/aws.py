"""The botocore configuration every ScanMonster client uses (no rdklib: the findings
functions ship without it).

Adaptive retries: throttling (common when AWS Config evaluates many resources at once, or
when many findings arrive together) slows down and retries instead of failing.
"""

from botocore.config import Config

BOTO_CONFIG = Config(
    retries={"mode": "adaptive", "max_attempts": 8},
    user_agent_extra="scanmonster",
    connect_timeout=5,
    read_timeout=30,
)
