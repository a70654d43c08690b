import { PrismaPg } from '@prisma/adapter-pg';
import { poolConfigFromUrl } from '../platform/prisma/pg-adapter.ts';

const PG_NAME_OID = 19;
const PG_TEXT_OID = 25;

type Queryable = { performIO: (query: unknown) => Promise<{ fields?: { dataTypeID: number }[] }> };
type Connection = Queryable & { startTransaction?: (isolation?: string) => Promise<Queryable> };

/**
 * Why this exists: the WebAssembly schema engine reads Postgres' catalog, whose columns are of
 * type `name` (OID 19), and @prisma/adapter-pg refuses that type (prisma/orm#27403). Reporting
 * those columns as text lets `migrate deploy/status/diff` run without Prisma's native binaries.
 */
function reportNameColumnsAsText<T extends Queryable>(queryable: T): T {
  const performIO = queryable.performIO.bind(queryable);
  queryable.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields ?? []) {
      if (field.dataTypeID === PG_NAME_OID) field.dataTypeID = PG_TEXT_OID;
    }
    return result;
  };
  return queryable;
}

function patchConnection<T extends Connection>(connection: T): T {
  reportNameColumnsAsText(connection);
  const startTransaction = connection.startTransaction?.bind(connection);
  if (startTransaction) {
    connection.startTransaction = async (isolation) => reportNameColumnsAsText(await startTransaction(isolation));
  }
  return connection;
}

/** The adapter factory the Prisma CLI uses for migrations (see prisma/<service>/prisma.config.ts). */
export function migrationAdapter(databaseUrl: string): PrismaPg {
  // allowExitOnIdle: the CLI never disposes the pool, and idle clients would otherwise hold the
  // process open for the whole idle timeout (30 s per command).
  const factory = new PrismaPg({ ...poolConfigFromUrl(databaseUrl, 2), allowExitOnIdle: true });
  const connect = factory.connect.bind(factory);
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connect = async () => patchConnection((await connect()) as unknown as Connection) as unknown as Awaited<ReturnType<typeof connect>>;
  factory.connectToShadowDb = async () =>
    patchConnection((await connectToShadowDb()) as unknown as Connection) as unknown as Awaited<ReturnType<typeof connectToShadowDb>>;
  return factory;
}
