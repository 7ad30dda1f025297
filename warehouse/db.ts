/**
 * The one module that owns DuckDB connections. Everything else asks for a
 * {@link Warehouse} and runs SQL with bound parameters through it.
 *
 * Results are shaped deliberately: {@link Warehouse.rows} returns plain row
 * objects (BIGINT as `number` when safe, TIMESTAMP as ISO-8601 UTC strings),
 * {@link Warehouse.columns} returns column arrays for model matrices.
 *
 * @module
 */
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBTimestampValue,
  type DuckDBValue,
} from "@duckdb/node-api";
import { dirname } from "node:path";
import { migrate } from "./schema.ts";

/** A bound parameter: positional (`?`) or named (`$name`). */
export type Params = DuckDBValue[] | Record<string, DuckDBValue>;

/** A plain JS row: numbers, strings, booleans, null. */
export type Row = Record<string, unknown>;

/** Options for {@link openWarehouse}. */
export interface OpenOptions {
  /** Open without write access (readers such as `sql` and the site). Default false. */
  readOnly?: boolean;
  /** Run forward migrations on open (writers only). Default true. */
  migrate?: boolean;
}

/**
 * A DuckDB warehouse file with one connection.
 *
 * @example
 * ```ts
 * const wh = await openWarehouse("data/warehouse.duckdb");
 * const rows = await wh.rows("select count(*) as n from ohlcv where symbol = ?", ["BTC/USDT"]);
 * wh.close();
 * ```
 */
export class Warehouse {
  constructor(
    readonly path: string,
    readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  /** Runs a statement; returns nothing. */
  async run(sql: string, params?: Params): Promise<void> {
    try {
      await this.conn.run(sql, params);
    } catch (err) {
      throw await this.named(err);
    }
  }

  /** Runs a query and returns plain row objects. */
  async rows<T = Row>(sql: string, params?: Params): Promise<T[]> {
    try {
      const reader = await this.conn.runAndReadAll(sql, params);
      return reader.getRowObjectsJS().map((r) => plainRow(r) as T);
    } catch (err) {
      throw await this.named(err);
    }
  }

  /** A full disk as an {@link OutOfSpaceError} naming where; any other error as it is. */
  private async named(err: unknown): Promise<unknown> {
    const text = err instanceof Error ? err.message : String(err);
    if (!OUT_OF_SPACE.test(text)) return err;
    const temp = await this.conn.runAndReadAll("SELECT current_setting('temp_directory')")
      .then((r) => String(r.getRows()[0]?.[0] ?? ""), () => "");
    return new OutOfSpaceError(outOfSpaceMessage(text, this.path, temp), { cause: err });
  }

  /** Runs a query and returns its first row, or undefined. */
  async one<T = Row>(
    sql: string,
    params?: Params,
  ): Promise<T | undefined> {
    return (await this.rows<T>(sql, params))[0];
  }

  /** Runs a query and returns its columns as arrays (for model matrices). */
  async columns(
    sql: string,
    params?: Params,
  ): Promise<Record<string, unknown[]>> {
    const reader = await this.conn.runAndReadAll(sql, params);
    const names = reader.columnNames();
    // With no rows the reader holds no chunks, so no columns: each name still gets [].
    const cols = reader.getColumnsJS();
    const out: Record<string, unknown[]> = {};
    names.forEach((n, i) => out[n] = (cols[i] ?? []).map(plainValue));
    return out;
  }

  /**
   * Runs `fn` in one transaction: all or nothing. A thrown error (or a
   * Ctrl-C that kills the process) leaves the warehouse as it was.
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.conn.run("BEGIN TRANSACTION");
    try {
      const out = await fn();
      await this.conn.run("COMMIT");
      return out;
    } catch (err) {
      await this.conn.run("ROLLBACK").catch(() => {});
      throw err;
    }
  }

  /**
   * Appends rows to a table through DuckDB's appender (no SQL per row): the
   * fast way to write many rows. Each row holds one value per column, of the
   * column's kind: `timestamp` values are milliseconds since the epoch;
   * `null` and `undefined` are stored as NULL, and so is anything but a
   * number in a `double` column (a NaN stays NaN). Returns the number of rows
   * appended.
   *
   * @param table a table in the warehouse, or a temporary one (`{ temp: true }`)
   * @example
   * ```ts
   * await wh.append("run_metrics", ["varchar", "integer", "integer", "varchar", "double"], [
   *   ["run-1", null, 1, "mase", 1.01],
   * ]);
   * ```
   */
  async append(
    table: string,
    columns: readonly ColumnKind[],
    rows: Iterable<readonly unknown[]>,
    options: { temp?: boolean } = {},
  ): Promise<number> {
    const a = options.temp
      ? await this.conn.createAppender(table, "main", "temp")
      : await this.conn.createAppender(table);
    const put = columns.map((kind) => APPEND[kind]);
    let n = 0;
    try {
      for (const row of rows) {
        for (let i = 0; i < put.length; i++) {
          const v = row[i];
          if (v === null || v === undefined) a.appendNull();
          else put[i](a, v);
        }
        a.endRow();
        n++;
      }
    } finally {
      a.closeSync();
    }
    return n;
  }

  /** Closes the connection and the database file. */
  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/**
 * Opens (and creates when missing) the warehouse at `path`, running forward
 * migrations unless read-only.
 */
export async function openWarehouse(
  path: string,
  options: OpenOptions = {},
): Promise<Warehouse> {
  const readOnly = options.readOnly ?? false;
  if (!readOnly && path !== ":memory:") {
    await Deno.mkdir(dirname(path), { recursive: true });
  }
  if (readOnly) {
    try {
      await Deno.stat(path);
    } catch {
      throw new Error(
        `No warehouse at ${path}: run \`deno task start\` or \`deno task ingest\` first (or set PREVISION_DB).`,
      );
    }
  }
  const instance = await DuckDBInstance.create(
    path,
    readOnly ? { access_mode: "READ_ONLY" } : {},
  );
  const conn = await instance.connect();
  await conn.run("SET TimeZone = 'UTC'");
  const wh = new Warehouse(path, instance, conn);
  if (!readOnly && options.migrate !== false) await migrate(wh);
  return wh;
}

/** The kind of a column {@link Warehouse.append} writes. */
export type ColumnKind = "varchar" | "integer" | "bigint" | "double" | "boolean" | "timestamp";

const APPEND: Record<ColumnKind, (a: DuckDBAppender, v: unknown) => void> = {
  varchar: (a, v) => a.appendVarchar(String(v)),
  integer: (a, v) => a.appendInteger(Number(v)),
  bigint: (a, v) => a.appendBigInt(BigInt(v as number | bigint)),
  double: (a, v) => typeof v === "number" ? a.appendDouble(v) : a.appendNull(),
  boolean: (a, v) => a.appendBoolean(Boolean(v)),
  timestamp: (a, v) =>
    typeof v === "number" && Number.isFinite(v) ? a.appendTimestamp(tsParam(v)) : a.appendNull(),
};

/** Milliseconds since the epoch → a DuckDB TIMESTAMP parameter. */
export function tsParam(ms: number): DuckDBTimestampValue {
  return new DuckDBTimestampValue(BigInt(Math.round(ms)) * 1000n);
}

function plainRow(r: Record<string, unknown>): Row {
  const out: Row = {};
  for (const k in r) out[k] = plainValue(r[k]);
  return out;
}

function plainValue(v: unknown): unknown {
  if (typeof v === "bigint") {
    return v <= BigInt(Number.MAX_SAFE_INTEGER) &&
        v >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(v)
      : v.toString();
  }
  if (v instanceof Date) return v.toISOString();
  return v;
}

/**
 * A file path as DuckDB's readers (`read_csv`, `read_json`, `read_parquet`)
 * must be given it to read that one file: they treat every path as a glob,
 * so `BTCUSDT-1h-[x].csv` would read `BTCUSDT-1h-x.csv`. Each glob character
 * (`*`, `?`, `[`) is put in a one-character class (`[*]`), which matches
 * only itself (checked on DuckDB 1.5.6). Bind the result as a parameter.
 *
 * @example
 * ```ts
 * await wh.rows("SELECT * FROM read_csv($p)", { p: literalPath("data/f-[x].csv") });
 * ```
 */
export function literalPath(path: string): string {
  return path.replace(/[*?[]/g, (c) => `[${c}]`);
}

/** DuckDB's ways of saying the disk is full: a write that failed, or a temp directory it could not spill into. */
const OUT_OF_SPACE =
  /No space left on device|ENOSPC|could not write all bytes|failed to offload data block|max_temp_directory_size/i;

/** The disk under the warehouse or its temp directory is full. */
export class OutOfSpaceError extends Error {
  override name = "OutOfSpaceError";
}

/**
 * The message for a DuckDB error that means a full disk (DuckDB reports a
 * full temp directory as "Out of Memory"): it says so and names the paths.
 *
 * @example
 * ```ts
 * outOfSpaceMessage("Out of Memory Error: failed to offload data block of size 96.0 KiB (2.6 MiB/2.6 MiB used).", "data/w.duckdb", "data/w.duckdb.tmp");
 * // "Out of disk space: DuckDB could not spill to its temp directory data/w.duckdb.tmp …"
 * ```
 */
export function outOfSpaceMessage(duckdb: string, dbPath: string, tempDir: string): string {
  const first = duckdb.split("\n")[0].trim();
  const spill = /offload|max_temp_directory_size/i.test(duckdb);
  const temp = tempDir || `${dbPath}.tmp`;
  const where = spill
    ? `spill to its temp directory ${temp}`
    : `write to ${dbPath} (or its temp directory ${temp})`;
  return `Out of disk space: DuckDB could not ${where}. Free space on that disk and run again ` +
    `(DuckDB said: ${first})`;
}
