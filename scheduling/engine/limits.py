"""Limits of the availability engine.

The API answers 422 beyond these; the engine raises ValueError as a last guard, so a caller that
skipped validation fails loudly instead of running for minutes.
"""

from datetime import timedelta

# Groups in one query (or in one sequence step).
MAX_GROUPS = 10
# Members in one query, counted over all groups (and, for sequences, over all steps).
MAX_MEMBERS = 100
# Query periods in one query; query_slots in one query.
MAX_QUERY_PERIODS = 50
MAX_QUERY_SLOTS = 100
# From the earliest query period start to the latest query period end.
MAX_QUERY_SPAN = timedelta(days=35)
MAX_REQUIRED_DURATION = timedelta(days=1)

DEFAULT_MAX_RESULTS = 256
MAX_RESULTS = 1000

MAX_SEQUENCE_STEPS = 10
DEFAULT_MAX_SEQUENCES = 20

# Slot starts lie on multiples of start_interval counted from the Unix epoch (so from 00:00 UTC
# every day); only whole minutes that divide a day keep that grid identical on every day.
DEFAULT_START_INTERVAL_MINUTES = 15
ALLOWED_START_INTERVAL_MINUTES = tuple(m for m in range(5, 1441) if 1440 % m == 0)
