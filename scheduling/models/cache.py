from django.db import models


class CacheEntry(models.Model):
    """A row of the database cache (CACHES in config/settings.py), never used through the ORM.

    The table is the one `manage.py createcachetable` would make, declared as a model so that
    `migrate` creates it wherever migrations run (set-up, tests, benches) and `flush` empties it
    between transactional tests, as it does every other table. Django's DatabaseCache reads and
    writes it with its own SQL; no created_at/updated_at: `expires` is all a cache row has.
    """

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "scheduling_cache"
        ordering = ["cache_key"]
        verbose_name_plural = "cache entries"

    def __str__(self) -> str:
        return self.cache_key
