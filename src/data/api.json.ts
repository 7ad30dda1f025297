/**
 * Data loader → `api.json`: the API's request log (`api_requests`) summed
 * up: requests and latency percentiles (p50/p95/p99) per time bucket, the
 * status mix, the busiest paths, and requests per key. The bucket is an hour
 * for logs up to four days long, a day up to 180 days, a week beyond.
 *
 * @module
 */
import { runLoader, sig } from "./_snapshot.ts";

/** Paths listed one by one; the rest are summed as "other". */
const TOP_PATHS = 12;

await runLoader("api.json", async (db) => {
  const pct = (p: number) => `quantile_cont(ms, ${p})`;
  const span = await db.one<Record<string, number | string | null>>(
    `SELECT count(*) AS n, min(ts) AS first_ts, max(ts) AS last_ts,
            epoch(max(ts) - min(ts)) / 86400 AS days,
            count(*) FILTER (WHERE status >= 400) AS errors,
            ${pct(0.5)} AS p50, ${pct(0.95)} AS p95, ${pct(0.99)} AS p99
     FROM api_requests`,
  );
  if (!span || span.n === 0) {
    return {
      total: 0,
      first_ts: null,
      last_ts: null,
      bucket: null,
      buckets: [],
      statuses: [],
      paths: [],
      keys: [],
    };
  }
  const days = Number(span.days ?? 0);
  const bucket = days <= 4 ? "hour" : days <= 180 ? "day" : "week";
  const buckets = await db.rows(
    `SELECT date_trunc('${bucket}', ts) AS ts, count(*) AS n,
            count(*) FILTER (WHERE status < 400) AS ok,
            count(*) FILTER (WHERE status >= 400 AND status < 500) AS client_errors,
            count(*) FILTER (WHERE status >= 500) AS server_errors,
            ${pct(0.5)} AS p50, ${pct(0.95)} AS p95, ${pct(0.99)} AS p99
     FROM api_requests GROUP BY 1 ORDER BY 1`,
  );
  const statuses = await db.rows(
    `SELECT status, count(*) AS n FROM api_requests GROUP BY 1 ORDER BY n DESC, status`,
  );
  const paths = await db.rows(
    `WITH ranked AS (
       SELECT path, count(*) OVER (PARTITION BY path) AS c FROM api_requests
     ), top AS (
       SELECT DISTINCT path FROM ranked QUALIFY dense_rank() OVER (ORDER BY c DESC, path) <= ?
     )
     SELECT coalesce(t.path, 'other') AS path, count(*) AS n,
            count(*) FILTER (WHERE status >= 400) AS errors,
            ${pct(0.5)} AS p50, ${pct(0.95)} AS p95, ${pct(0.99)} AS p99
     FROM api_requests r LEFT JOIN top t USING (path)
     GROUP BY 1 ORDER BY (coalesce(t.path, 'other') = 'other'), n DESC, 1`,
    [TOP_PATHS],
  );
  const keys = await db.rows(
    `SELECT key_id, count(*) AS n, count(*) FILTER (WHERE status = 429) AS limited
     FROM api_requests GROUP BY 1 ORDER BY n DESC, key_id NULLS LAST LIMIT 20`,
  );
  return {
    total: span.n,
    first_ts: span.first_ts,
    last_ts: span.last_ts,
    errors: span.errors,
    p50: sig(span.p50),
    p95: sig(span.p95),
    p99: sig(span.p99),
    bucket,
    buckets: buckets.map((b) => ({
      ts: b.ts,
      n: b.n,
      ok: b.ok,
      client_errors: b.client_errors,
      server_errors: b.server_errors,
      p50: sig(b.p50),
      p95: sig(b.p95),
      p99: sig(b.p99),
    })),
    statuses,
    paths: paths.map((p) => ({ ...p, p50: sig(p.p50), p95: sig(p.p95), p99: sig(p.p99) })),
    keys,
  };
});
