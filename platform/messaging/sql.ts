/**
 * The slice of a database client the messaging code and raw-SQL repositories use: tagged-template
 * SQL, inside or outside a transaction. A generated PrismaClient (and the transaction client it
 * hands to `$transaction(fn)`) fits, and so does the `pg` pool of platform/prisma/sql-pool.ts, so
 * platform code needs no service's generated client.
 */
export interface SqlClient {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
  /** SQL text with `$n` parameters, for the few statements whose column lists are module constants. */
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
}

/** A client that can also open an interactive transaction. */
export interface TransactionalSqlClient extends SqlClient {
  $transaction<R>(fn: (tx: SqlClient) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
}

/** A pool of its own (platform/prisma/sql-pool.ts): raw SQL, transactions, and shutdown. */
export interface SqlDatabase extends TransactionalSqlClient {
  $disconnect(): Promise<void>;
}
