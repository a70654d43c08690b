/**
 * The slice of a Prisma client the messaging code uses: raw tagged-template SQL, inside or
 * outside a transaction. Any generated PrismaClient (and the transaction client it hands to
 * `$transaction(fn)`) fits, so platform code needs no service's generated client.
 */
export interface SqlClient {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
}

/** A client that can also open an interactive transaction (a PrismaClient). */
export interface TransactionalSqlClient extends SqlClient {
  $transaction<R>(fn: (tx: SqlClient) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
}
