"""A crawl spread over several machines: Scrapy workers sharing one Redis frontier, and one archive writer.

``nianbao crawl --redis URL …`` starts a worker: the usual spider, settings and middlewares, with
the Scrapy scheduler replaced by a lease queue in Redis (:mod:`.scheduler`, every state change one
Lua script in :mod:`.scripts`), politeness enforced per host across all workers, and captures
pushed to a Redis Stream (:mod:`.stream_pipeline`) instead of the archive. ``nianbao write --redis
URL --db PATH`` is the single writer (:mod:`.writer`): it opens the run, publishes what workers
need from the archive (:mod:`.view`), records the stream in order and acknowledges only after
each commit. docs/distributed.md describes the topology, settings and failure behaviour.
"""
