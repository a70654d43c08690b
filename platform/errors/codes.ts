/**
 * The platform's generic error codes: request, access and validation failures any service can
 * raise. Clients branch on these strings, so a code is never renamed or reused; add new ones
 * instead. Domain codes (EMAIL_TAKEN, PRODUCT_NOT_FOUND, …) belong to the subgraph that raises
 * them, in its domain/error-codes.ts; test/error-codes.test.ts proves no code is defined twice.
 */
export const ErrorCodes = {
  // Thrown as GraphQL errors (`extensions.code`).
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  BAD_REQUEST: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  RATE_LIMITED: 'RATE_LIMITED',
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  TOO_MANY_ALIASES: 'TOO_MANY_ALIASES',
  /** More root mutation fields in one operation than allowed (each may be an expensive change). */
  TOO_MANY_ROOT_FIELDS: 'TOO_MANY_ROOT_FIELDS',
  /** `operationName` names no operation of the document, or the document has several and none was named (Apollo's own code). */
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  /** APQ: the `sha256Hash` sent is not the SHA-256 of the document sent with it (Apollo Router's code; HTTP 400). */
  PERSISTED_QUERY_HASH_MISMATCH: 'PERSISTED_QUERY_HASH_MISMATCH',
  /** A subscription sent as a plain HTTP request. */
  SUBSCRIPTION_OVER_HTTP: 'SUBSCRIPTION_OVER_HTTP',
  /** The operation's estimated cost is above the limit (the code Apollo Router and Hive Router use). */
  COST_ESTIMATED_TOO_EXPENSIVE: 'COST_ESTIMATED_TOO_EXPENSIVE',
  REQUEST_TOO_LARGE: 'REQUEST_TOO_LARGE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /** A privileged token's session could not be checked against the revocation list (HTTP 503): retry shortly. */
  SESSION_CHECK_UNAVAILABLE: 'SESSION_CHECK_UNAVAILABLE',
  /** A change reached a service whose reply was lost: it may or may not have been applied. */
  OUTCOME_UNKNOWN: 'OUTCOME_UNKNOWN',

  // Partner API keys and persisted-query safelists (gateway/partners).
  /** The X-Api-Key is malformed, unknown, revoked or past its rotation overlap (HTTP 401). */
  INVALID_API_KEY: 'INVALID_API_KEY',
  /** A partner key or manifest could not be read (Redis unreachable; HTTP 503): retry shortly. */
  PARTNER_CHECK_UNAVAILABLE: 'PARTNER_CHECK_UNAVAILABLE',
  /** A safelisted caller sent an operation without a persisted-query id (Apollo Router's code; HTTP 400). */
  PERSISTED_QUERY_ID_REQUIRED: 'PERSISTED_QUERY_ID_REQUIRED',
  /** The persisted-query id is not in the caller's manifest, or the query sent with it is not its body (Apollo Router's code; HTTP 403). */
  PERSISTED_QUERY_NOT_IN_LIST: 'PERSISTED_QUERY_NOT_IN_LIST',

  // Answered by a subgraph to a request that did not come through the gateway (HTTP 401/403).
  GATEWAY_SIGNATURE_REQUIRED: 'GATEWAY_SIGNATURE_REQUIRED',
  GATEWAY_SIGNATURE_INVALID: 'GATEWAY_SIGNATURE_INVALID',
  GATEWAY_SIGNATURE_EXPIRED: 'GATEWAY_SIGNATURE_EXPIRED',

  // Returned as `userErrors { code field message }` in mutation payloads: input that breaks a rule.
  VALIDATION_FAILED: 'VALIDATION_FAILED',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
