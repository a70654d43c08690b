import { Kind, parse } from 'graphql';
import type { OperationInspection } from '../domain/partner-app.ts';

/**
 * The operations a manifest body defines, by graphql-js' parser (syntax only: the body is checked
 * against the schema when it runs, at the gateway, as any other request is).
 */
export function inspectOperations(body: string): OperationInspection {
  try {
    const document = parse(body, { maxTokens: 10_000 });
    const operations = document.definitions
      .filter((definition) => definition.kind === Kind.OPERATION_DEFINITION)
      .map((definition) => ({ type: definition.operation, name: definition.name?.value ?? null }));
    return { ok: true, operations };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : 'syntax error' };
  }
}
