"""Django's database cache with an `incr` that counts every call, however many run at once.

The stock DatabaseCache inherits BaseCache.incr: a get, then a set. Two workers that count a
failed sign-in at the same instant both read 4 and both write 5, and an attacker who keeps
several requests in flight is counted a fraction of their attempts. Here the row is locked
(`SELECT ... FOR UPDATE` where the database has it; SQLite's IMMEDIATE transactions, see
DATABASES in config/settings.py, already queue writers) for the read-modify-write. Redis needs no
such help: its INCR is atomic.
"""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.utils import timezone


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote_name('value')}, {quote_name('expires')} FROM {table} "  # noqa: S608
                f"WHERE {quote_name('cache_key')} = %s{lock}",
                [key],
            )
            row = cursor.fetchone()
            if row is None or self._expired(connection, row[1]):
                raise ValueError(f"Key '{key}' not found")
            stored = base64.b64decode(connection.ops.process_clob(row[0]).encode())
            value = pickle.loads(stored) + delta  # noqa: S301 (rows this backend wrote)
            pickled = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote_name('value')} = %s "  # noqa: S608
                f"WHERE {quote_name('cache_key')} = %s",
                [pickled, key],
            )
        return value

    @staticmethod
    def _expired(connection, expires) -> bool:
        """As DatabaseCache.get_many decides it: through the ORM's datetime converters."""
        expression = models.Expression(output_field=models.DateTimeField())
        converters = connection.ops.get_db_converters(expression)
        for converter in converters + expression.get_db_converters(connection):
            expires = converter(expires, expression, connection)
        return expires < timezone.now()
