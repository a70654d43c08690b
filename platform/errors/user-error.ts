/**
 * An expected failure, returned to the client as data in a mutation payload. `code` comes from
 * the platform's generic codes (errors/codes.ts) or from the subgraph's own `domain/error-codes.ts`.
 */
export interface UserError {
  code: string;
  /** Path of the input field at fault, e.g. `["input", "email"]`; null when not tied to one. */
  field: string[] | null;
  message: string;
}

export function userError(code: string, message: string, field: string[] | null = null): UserError {
  return { code, field, message };
}
