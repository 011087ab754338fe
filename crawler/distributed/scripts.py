"""The shared frontier's Lua scripts: every change of a request's state is one atomic script.

Times are Redis server time (``TIME``), never a worker's clock: leases and each host's next allowed
time stay right when workers run on machines whose clocks disagree. Every worker script first checks
the crawl it was given (``fenced``): a worker of a crawl that has ended touches nothing.

Keys, under the crawl's prefix P (see :mod:`.keys`; ``id`` is a request's frontier key):

  P:crawl     STRING  the open crawl's id (absent: none open; the writer opens and ends crawls)
  P:targets   STRING  JSON list of the crawl's sites; P:code the spider's list-code digest
  P:req P:host P:prio  HASH  id -> serialized request, gate (host:port), score in its host queue
  P:tok       HASH  id -> lease token, bumped by every pop, requeue and reap (stale acks are no-ops)
  P:att       HASH  id -> leases that expired (poison-request counter); P:owner id -> worker
  P:q:<gate>  ZSET  id -> -priority*1e10 + seq (priority first, then FIFO)
  P:queued    STRING  queued requests over all hosts; P:seq the FIFO sequence
  P:ready     ZSET  gate -> ms from which it may be popped (hosts with queued work and a free slot)
  P:busy P:next P:delay  HASH  gate -> downloads now (all workers), ms before its next request, delay ms
  P:inflight  ZSET  id -> lease expiry ms; P:holding id -> gate while its download holds the slot
  P:seen      SET   every id queued in this crawl (the dupefilter); P:dead ZSET dead-lettered ids
  P:site:requests  HASH site -> requests queued (NIANBAO_MAX_REQUESTS_PER_SITE)
  P:site:lists     HASH column -> further list pages queued (NIANBAO_MAX_LIST_PAGES)
  P:site:discovery HASH site -> homepage and hub requests not yet done
  P:site:columns P:site:home_failed P:site:verdict  SET  sites with a 年报 column / a failed homepage / a verdict
  P:captures  STREAM  captures for the writer; P:backlog_bytes their size
  P:seeded    STRING  a worker has queued all its start requests
  P:ended     STRING  the id of the crawl that ended last (a worker fenced out of another crawl waits)
  P:stats     HASH  counters;  P:workers ZSET worker -> last heartbeat ms
"""

from __future__ import annotations

from typing import Any

PRELUDE = r"""
local P = ARGV[1]
local function k(s) return P .. ':' .. s end
local function fenced(uid) return redis.call('GET', k('crawl')) ~= uid end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function stat(name, n) if n ~= 0 then redis.call('HINCRBY', k('stats'), name, n) end end
local function busy(h) return tonumber(redis.call('HGET', k('busy'), h) or '0') end
-- (re)place a host in the ready set if it has work and a free slot, else take it out
local function mark_ready(h, now, conc)
  if redis.call('ZCARD', k('q:' .. h)) > 0 and busy(h) < conc then
    local nxt = tonumber(redis.call('HGET', k('next'), h) or '0')
    redis.call('ZADD', k('ready'), math.max(now, nxt), h)
  else
    redis.call('ZREM', k('ready'), h)
  end
end
local function push_next(h, at)
  local cur = tonumber(redis.call('HGET', k('next'), h) or '0')
  if at > cur then redis.call('HSET', k('next'), h, at) end
end
local function host_delay(h, default)
  return tonumber(redis.call('HGET', k('delay'), h) or default)
end
-- give back the host slot a lease holds; the host gets nothing new before now + delay_ms
local function release(id, now, delay_ms, conc)
  local h = redis.call('HGET', k('holding'), id)
  if not h then return false end
  redis.call('HDEL', k('holding'), id)
  if redis.call('HINCRBY', k('busy'), h, -1) <= 0 then redis.call('HDEL', k('busy'), h) end
  push_next(h, now + delay_ms)
  mark_ready(h, now, conc)
  return h
end
local function forget(id)
  for _, name in ipairs({'req', 'host', 'prio', 'tok', 'att', 'owner'}) do redis.call('HDEL', k(name), id) end
end
local function enqueue(id, h, score, now, conc)
  redis.call('HSET', k('host'), id, h)
  redis.call('HSET', k('prio'), id, score)
  redis.call('ZADD', k('q:' .. h), score, id)
  redis.call('INCR', k('queued'))
  mark_ready(h, now, conc)
end
"""

# ARGV: P, uid, conc, site cap, list cap, then (id, gate, priority, payload, site, kind, column) * n
# kind is the request's nianbao_kind; column is set for list pages that count towards their column's cap.
# -> {'ok', queued, duplicates, over a cap}
PUSH = PRELUDE + r"""
if fenced(ARGV[2]) then return {'gone'} end
local conc, site_cap, list_cap = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local now = now_ms()
local added, dup, capped = 0, 0, 0
for i = 6, #ARGV, 7 do
  local id, h, prio, payload = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), ARGV[i + 3]
  local site, kind, column = ARGV[i + 4], ARGV[i + 5], ARGV[i + 6]
  if kind == 'list' then redis.call('SADD', k('site:columns'), site) end
  if redis.call('SISMEMBER', k('seen'), id) == 1 then
    dup = dup + 1
  elseif site_cap > 0 and tonumber(redis.call('HGET', k('site:requests'), site) or '0') >= site_cap then
    capped = capped + 1
  elseif column ~= '' and list_cap > 0 and tonumber(redis.call('HGET', k('site:lists'), column) or '0') >= list_cap then
    capped = capped + 1
  else
    redis.call('SADD', k('seen'), id)
    redis.call('HINCRBY', k('site:requests'), site, 1)
    if column ~= '' then redis.call('HINCRBY', k('site:lists'), column, 1) end
    if kind == 'home' or kind == 'hub' then redis.call('HINCRBY', k('site:discovery'), site, 1) end
    redis.call('HSET', k('req'), id, payload)
    enqueue(id, h, -prio * 1e10 + redis.call('INCR', k('seq')), now, conc)
    added = added + 1
  end
end
stat('pushed', added)
stat('duplicates', dup)
stat('capped', capped)
return {'ok', added, dup, capped}
"""

# ARGV: P, uid, conc, lease_ms, worker, max backlog entries, max backlog bytes, default delay ms, jitter
# -> {'ok', id, token, payload, gate} | {'wait', ms} | {'empty'} | {'backpressure'} | {'gone'}
POP = PRELUDE + r"""
if fenced(ARGV[2]) then return {'gone'} end
local conc, lease, worker = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local max_entries, max_bytes = tonumber(ARGV[6]), tonumber(ARGV[7])
local default_delay, jitter = tonumber(ARGV[8]), tonumber(ARGV[9])
if redis.call('XLEN', k('captures')) > max_entries
    or tonumber(redis.call('GET', k('backlog_bytes')) or '0') > max_bytes then
  stat('backpressure', 1)
  return {'backpressure'}
end
local now = now_ms()
for _ = 1, 8 do
  local r = redis.call('ZRANGEBYSCORE', k('ready'), '-inf', now, 'LIMIT', 0, 1)
  if #r == 0 then
    local first = redis.call('ZRANGE', k('ready'), 0, 0, 'WITHSCORES')
    if #first == 0 then return {'empty'} end
    return {'wait', tostring(tonumber(first[2]) - now)}
  end
  local h = r[1]
  local p = redis.call('ZPOPMIN', k('q:' .. h))
  if #p == 0 then
    redis.call('ZREM', k('ready'), h)
  else
    local id = p[1]
    redis.call('HINCRBY', k('busy'), h, 1)
    -- with more than one slot per host, starts are still spaced by the host's delay
    push_next(h, now + math.floor(host_delay(h, default_delay) * jitter))
    mark_ready(h, now, conc)
    redis.call('DECR', k('queued'))
    local tok = redis.call('HINCRBY', k('tok'), id, 1)
    redis.call('ZADD', k('inflight'), now + lease, id)
    redis.call('HSET', k('holding'), id, h)
    redis.call('HSET', k('owner'), id, worker)
    stat('popped', 1)
    return {'ok', id, tostring(tok), redis.call('HGET', k('req'), id), h}
  end
end
return {'wait', '10'}
"""

# The download of a leased request ended (a response or an error): free its host slot, adapt the delay.
# ARGV: P, uid, conc, id, tok, default delay ms, jitter, latency ms (-1: none), status, min ms, max ms, target
RELEASE = PRELUDE + r"""
if fenced(ARGV[2]) then return {'gone'} end
local conc, id, tok = tonumber(ARGV[3]), ARGV[4], ARGV[5]
if redis.call('HGET', k('tok'), id) ~= tok then return {'stale'} end
local h = redis.call('HGET', k('holding'), id)
if not h then return {'ok'} end
local default, jitter, latency, status = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local mind, maxd, target = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])
-- AutoThrottle's rule, on a delay every worker shares; 429 and 503 double it
local d = host_delay(h, default)
if latency >= 0 then
  local t = latency / target
  local nd = math.max(t, (d + t) / 2)
  if status == 429 or status == 503 then nd = math.max(d * 2, nd)
  elseif status ~= 200 and nd < d then nd = d end
  d = math.min(math.max(nd, mind), maxd)
  redis.call('HSET', k('delay'), h, math.floor(d))
end
release(id, now_ms(), math.floor(d * jitter), conc)
return {'ok'}
"""

# Everything the request led to is in Redis (requests queued, captures on the stream): forget it.
# For a homepage or hub, this is also when its site's discovery may end without a 年报 column: then
# the verdict goes on the stream here, atomically, as the capture the spider would have made.
# ARGV: P, uid, conc, id, tok, site ('' unless discovery), home failed '1'/'0', capture key, verdict meta
ACK = PRELUDE + r"""
if fenced(ARGV[2]) then return {'gone'} end
local conc, id, tok = tonumber(ARGV[3]), ARGV[4], ARGV[5]
if redis.call('HGET', k('tok'), id) ~= tok then
  stat('stale_acks', 1)
  return {'stale'}
end
redis.call('ZREM', k('inflight'), id)
release(id, now_ms(), 0, conc)  -- dropped before its download (robots.txt, offsite): no delay owed
forget(id)
stat('acked', 1)
local site = ARGV[6]
if site == '' then return {'ok'} end
if ARGV[7] == '1' then redis.call('SADD', k('site:home_failed'), site) end
if redis.call('HINCRBY', k('site:discovery'), site, -1) > 0 then return {'ok'} end
if redis.call('SISMEMBER', k('site:columns'), site) == 1 or redis.call('SISMEMBER', k('site:home_failed'), site) == 1
    or redis.call('SADD', k('site:verdict'), site) == 0 then
  return {'ok'}
end
redis.call('XADD', k('captures'), '*', 'key', ARGV[8], 'type', 'capture', 'meta', ARGV[9], 'body', '')
redis.call('INCRBY', k('backlog_bytes'), #ARGV[9])
stat('no_column', 1)
return {'no_column'}
"""

# Put a leased request back: a retry or redirect (new payload, maybe another host), or a nack.
# ARGV: P, uid, conc, id, tok, payload ('' keeps it), gate ('' keeps it), priority ('' keeps it),
#       default delay ms, count an attempt '1'/'0'
REQUEUE = PRELUDE + r"""
if fenced(ARGV[2]) then return {'gone'} end
local conc, id, tok = tonumber(ARGV[3]), ARGV[4], ARGV[5]
if redis.call('HGET', k('tok'), id) ~= tok then return {'stale'} end
local now = now_ms()
local old = redis.call('HGET', k('host'), id)
redis.call('ZREM', k('inflight'), id)
release(id, now, host_delay(old, tonumber(ARGV[9])), conc)
redis.call('HINCRBY', k('tok'), id, 1)
redis.call('HDEL', k('owner'), id)
if ARGV[6] ~= '' then redis.call('HSET', k('req'), id, ARGV[6]) end
local h = ARGV[7] ~= '' and ARGV[7] or old
local score = tonumber(redis.call('HGET', k('prio'), id))
if ARGV[8] ~= '' then score = -tonumber(ARGV[8]) * 1e10 + redis.call('INCR', k('seq')) end
if ARGV[10] == '1' then redis.call('HINCRBY', k('att'), id, 1) end
enqueue(id, h, score, now, conc)
stat('requeued', 1)
return {'ok'}
"""

# Leases whose worker stopped renewing them: back to their host queue, or dead after too many.
# ARGV: P, uid, conc, max attempts, limit, default delay ms  -> {'ok', requeued, dead}
REAP = PRELUDE + r"""
if fenced(ARGV[2]) then return {'gone'} end
local conc, max_att, limit, default = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local now = now_ms()
local ids = redis.call('ZRANGEBYSCORE', k('inflight'), '-inf', now, 'LIMIT', 0, limit)
local reaped, dead = 0, 0
for _, id in ipairs(ids) do
  redis.call('ZREM', k('inflight'), id)
  local h = redis.call('HGET', k('host'), id)
  release(id, now, host_delay(h, default), conc)
  redis.call('HINCRBY', k('tok'), id, 1)
  redis.call('HDEL', k('owner'), id)
  if redis.call('HINCRBY', k('att'), id, 1) >= max_att then
    redis.call('ZADD', k('dead'), now, id)
    dead = dead + 1
  else
    enqueue(id, h, tonumber(redis.call('HGET', k('prio'), id)), now, conc)
    reaped = reaped + 1
  end
end
stat('reaped', reaped)
stat('dead', dead)
return {'ok', reaped, dead}
"""

# ARGV: P, uid, lease ms, worker, seeded '1'/'0', (id, tok) * n -> {'ok', leases extended}; also the
# worker's heartbeat, and again "seeded" once it queued its start requests (a Redis that crashed may
# have lost the first time)
RENEW = PRELUDE + r"""
if fenced(ARGV[2]) then return {'gone'} end
local lease, worker = tonumber(ARGV[3]), ARGV[4]
local now = now_ms()
redis.call('ZADD', k('workers'), now, worker)
if ARGV[5] == '1' then redis.call('SET', k('seeded'), 1) end
local n = 0
for i = 6, #ARGV, 2 do
  local id, tok = ARGV[i], ARGV[i + 1]
  if redis.call('HGET', k('tok'), id) == tok and redis.call('ZSCORE', k('inflight'), id) then
    redis.call('ZADD', k('inflight'), now + lease, id)
    n = n + 1
  end
end
return {'ok', n}
"""

# ARGV: P, uid: a worker's start requests are all queued
SEEDED = PRELUDE + r"""
if fenced(ARGV[2]) then return {'gone'} end
redis.call('SET', k('seeded'), 1)
return {'ok'}
"""

# ARGV: P -> {crawl id or '', queued, in flight, dead, stream entries, seeded, backlog bytes}, one snapshot
STATUS = PRELUDE + r"""
return {redis.call('GET', k('crawl')) or '', tonumber(redis.call('GET', k('queued')) or '0'),
        redis.call('ZCARD', k('inflight')), redis.call('ZCARD', k('dead')), redis.call('XLEN', k('captures')),
        tonumber(redis.call('GET', k('seeded')) or '0'), tonumber(redis.call('GET', k('backlog_bytes')) or '0')}
"""

# A worker asks to crawl these sites with this code: it proposes them when no crawl has any yet.
# ARGV: P, targets JSON, code digest -> {'open', crawl id} | {'wait'} | {'conflict', what differs}
JOIN = PRELUDE + r"""
local targets, code = redis.call('GET', k('targets')), redis.call('GET', k('code'))
if not targets then
  redis.call('SET', k('targets'), ARGV[2])
  redis.call('SET', k('code'), ARGV[3])
elseif targets ~= ARGV[2] then
  return {'conflict', 'sites'}
elseif code ~= ARGV[3] then
  return {'conflict', 'code'}
end
local uid = redis.call('GET', k('crawl'))
if uid then return {'open', uid} end
return {'wait'}
"""

# The writer opens a crawl for the proposed sites once the views are published.
# ARGV: P, crawl id, run id -> {'ok'} | {'open', existing crawl id}
OPEN = PRELUDE + r"""
local uid = redis.call('GET', k('crawl'))
if uid then return {'open', uid} end
redis.call('SET', k('crawl'), ARGV[2])
redis.call('SET', k('run'), ARGV[3])
return {'ok'}
"""

# The writer lock: renewed only by its holder. ARGV: key, holder, ms
RENEW_LOCK = r"""
if redis.call('GET', ARGV[1]) == ARGV[2] then return redis.call('PEXPIRE', ARGV[1], ARGV[3]) end
return 0
"""

NAMES = ("PUSH", "POP", "RELEASE", "ACK", "REQUEUE", "REAP", "RENEW", "SEEDED", "STATUS", "JOIN", "OPEN", "RENEW_LOCK")


class Scripts:
    """The scripts registered on one client (EVALSHA; redis-py loads them again after a Redis restart)."""

    def __init__(self, server: Any) -> None:
        self._scripts = {name: server.register_script(globals()[name]) for name in NAMES}

    def __call__(self, name: str, *args: Any) -> Any:
        """Run script ``name`` with ``args`` as ARGV."""
        return self._scripts[name](args=list(args))
