import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readOrCreateDevSecret } from '../config/dev-secret-file.ts';
import type { ServiceSettings } from '../config/load-config.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { Logger } from '../logging/logger.ts';
import { CLIENT_IP_HEADER, REQUEST_ID_HEADER } from './request-context.ts';

/**
 * Proof that a subgraph request came from the gateway: an HTTP Message Signature (RFC 9421, the
 * scheme Grafbase Gateway uses toward subgraphs) with HMAC-SHA256 over a shared secret, in one
 * fixed profile. It covers the method, path and query, the body (through its RFC 9530
 * `content-digest`) and every forwarded header that changes what a subgraph does (the caller's
 * token, the request id, the client address), plus the time it was made:
 *
 *   content-digest: sha-256=:<base64 of the body's SHA-256>:
 *   signature-input: gateway=("@method" "@path" "@query" "content-digest" "authorization" …);created=<unix s>;keyid="<id>";alg="hmac-sha256"
 *   signature: gateway=:<base64 HMAC of the signature base>:
 *
 * A forwarded header the gateway did not send is not covered; a receiver refuses a request that
 * carries one anyway, so nobody can add a token or an address to a signed request.
 */
export const SIGNATURE_LABEL = 'gateway';
export const SIGNATURE_HEADER = 'signature';
export const SIGNATURE_INPUT_HEADER = 'signature-input';
export const CONTENT_DIGEST_HEADER = 'content-digest';

/** Forwarded headers that carry meaning: always covered when present. */
export const SIGNED_HEADERS: readonly string[] = ['authorization', REQUEST_ID_HEADER, CLIENT_IP_HEADER];
/** Covered in every signature. */
const REQUIRED_COMPONENTS: readonly string[] = ['@method', '@path', '@query', CONTENT_DIGEST_HEADER];
const ALGORITHM = 'hmac-sha256';

/** The parts of an HTTP request a signature covers, as the sender writes them and the receiver reads them. */
export interface SignableRequest {
  method: string;
  /** The path and query as sent: `/graphql`, `/graphql?query=…`. */
  target: string;
  /** A header's value by lowercase name; undefined when absent. */
  header(name: string): string | undefined;
  body: string | Buffer;
}

export interface GatewaySigner {
  /** The headers to add to the request (content-digest, signature-input, signature). */
  sign(request: SignableRequest): Record<string, string>;
}

export interface SignatureRefusal {
  code:
    | typeof ErrorCodes.GATEWAY_SIGNATURE_REQUIRED
    | typeof ErrorCodes.GATEWAY_SIGNATURE_INVALID
    | typeof ErrorCodes.GATEWAY_SIGNATURE_EXPIRED;
  /** 401 when there is no signature at all, 403 when there is one that does not hold. */
  status: 401 | 403;
  /** For the caller. */
  message: string;
  /** For the log: what exactly did not hold. */
  reason: string;
}

export interface GatewaySignatureVerifier {
  /** Null when the request carries a valid gateway signature; otherwise why it is refused. */
  verify(request: SignableRequest): SignatureRefusal | null;
}

/** Seconds since the epoch; a parameter so specs can sign from another time. */
export type Clock = () => number;
const systemClock: Clock = () => Math.floor(Date.now() / 1000);

/** Names a secret without revealing it, so a receiver picks the right one during a rotation. */
export function signingKeyId(secret: string): string {
  return createHash('sha256').update('gateway-signing-key-id\0').update(secret).digest('base64url').slice(0, 16);
}

/** Signs with the first secret: during a rotation the new one is listed first everywhere, the old one after it. */
export function createGatewaySigner(secrets: readonly string[], clock: Clock = systemClock): GatewaySigner {
  const [secret] = secrets;
  if (!secret) throw new Error('the gateway needs a signing secret');
  const keyid = signingKeyId(secret);
  return {
    sign(request) {
      const digest = contentDigest(request.body);
      const components = [...REQUIRED_COMPONENTS, ...SIGNED_HEADERS.filter((name) => request.header(name) !== undefined)];
      const params = signatureParams(components, clock(), keyid);
      const base = signatureBase(components, params, (name) => (name === CONTENT_DIGEST_HEADER ? digest : componentValue(request, name)));
      return {
        [CONTENT_DIGEST_HEADER]: digest,
        [SIGNATURE_INPUT_HEADER]: `${SIGNATURE_LABEL}=${params}`,
        [SIGNATURE_HEADER]: `${SIGNATURE_LABEL}=:${hmac(secret, base)}:`,
      };
    },
  };
}

/**
 * The headers of an outgoing request to `url` (names lowercased) plus the gateway's signature
 * over them and the body: what a client of a subgraph sends.
 */
export function withGatewaySignature(
  signer: GatewaySigner,
  request: { method: string; url: string; headers: Record<string, string>; body: string | Buffer },
): Record<string, string> {
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const { pathname, search } = new URL(request.url);
  return { ...headers, ...signer.sign({ method: request.method, target: `${pathname}${search}`, header: (name) => headers[name], body: request.body }) };
}

const INPUT_PATTERN = new RegExp(`^${SIGNATURE_LABEL}=\\(((?:"[a-z0-9@-]+"(?: "[a-z0-9@-]+")*)?)\\);created=(\\d{1,12});keyid="([A-Za-z0-9_-]{1,64})";alg="([a-z0-9-]+)"$`);
const SIGNATURE_PATTERN = new RegExp(`^${SIGNATURE_LABEL}=:([A-Za-z0-9+/]{1,128}={0,2}):$`);
const KNOWN_COMPONENTS = new Set([...REQUIRED_COMPONENTS, ...SIGNED_HEADERS]);

/**
 * Accepts a request signed with any of `secrets` (all of them verify, so a rotation never
 * refuses in-flight traffic) within `maxAgeSeconds` of this process' clock, either way.
 * Everything else is refused with a code: no signature (401), or one that is malformed, made
 * with an unknown key, over another body or other headers (403), or too old or new (403).
 */
export function createGatewaySignatureVerifier(options: { secrets: readonly string[]; maxAgeSeconds: number; clock?: Clock }): GatewaySignatureVerifier {
  const secretsByKeyId = new Map(options.secrets.map((secret) => [signingKeyId(secret), secret]));
  const clock = options.clock ?? systemClock;
  return {
    verify(request) {
      const input = request.header(SIGNATURE_INPUT_HEADER);
      const signature = request.header(SIGNATURE_HEADER);
      if (input === undefined && signature === undefined) {
        return refuse(
          ErrorCodes.GATEWAY_SIGNATURE_REQUIRED,
          401,
          'This service answers only the gateway: the request carries no gateway signature.',
          'no signature',
        );
      }
      const parsedInput = INPUT_PATTERN.exec(input ?? '');
      const parsedSignature = SIGNATURE_PATTERN.exec(signature ?? '');
      if (!parsedInput || !parsedSignature) return invalid('malformed signature or signature-input');
      const [, list = '', created = '', keyid = '', algorithm] = parsedInput;
      if (algorithm !== ALGORITHM) return invalid(`algorithm ${algorithm} instead of ${ALGORITHM}`);
      const components = list === '' ? [] : list.split(' ').map((item) => item.slice(1, -1));
      const problem = coverageProblem(components, request);
      if (problem) return invalid(problem);
      const secret = secretsByKeyId.get(keyid);
      if (!secret) return invalid(`unknown key id ${keyid}`);
      if (request.header(CONTENT_DIGEST_HEADER) !== contentDigest(request.body)) return invalid('the body does not match its content-digest');
      const params = signatureParams(components, Number(created), keyid);
      const base = signatureBase(components, params, (name) => componentValue(request, name));
      if (!sameBytes(hmac(secret, base), parsedSignature[1] ?? '')) return invalid('the signature does not match the request');
      const age = clock() - Number(created);
      if (Math.abs(age) > options.maxAgeSeconds) {
        return refuse(
          ErrorCodes.GATEWAY_SIGNATURE_EXPIRED,
          403,
          'The request\'s gateway signature is outside the accepted time window; it may be a replay, or a clock is off.',
          `signed ${age} s from now (the window is ±${options.maxAgeSeconds} s)`,
        );
      }
      return null;
    },
  };
}

/** Why a signature's list of covered components is not acceptable, or null when it is. */
function coverageProblem(components: string[], request: SignableRequest): string | null {
  if (new Set(components).size !== components.length) return 'a component is covered twice';
  const unknown = components.find((name) => !KNOWN_COMPONENTS.has(name));
  if (unknown) return `unexpected component ${unknown}`;
  const missing = REQUIRED_COMPONENTS.find((name) => !components.includes(name));
  if (missing) return `${missing} is not covered`;
  const uncovered = SIGNED_HEADERS.find((name) => request.header(name) !== undefined && !components.includes(name));
  if (uncovered) return `the ${uncovered} header is not covered`;
  const absent = components.find((name) => !name.startsWith('@') && request.header(name) === undefined);
  if (absent) return `the covered ${absent} header is absent`;
  return null;
}

function invalid(reason: string): SignatureRefusal {
  return refuse(ErrorCodes.GATEWAY_SIGNATURE_INVALID, 403, 'The request\'s gateway signature does not match the request.', reason);
}

function refuse(code: SignatureRefusal['code'], status: SignatureRefusal['status'], message: string, reason: string): SignatureRefusal {
  return { code, status, message, reason };
}

/** RFC 9530 `content-digest` of a body. */
function contentDigest(body: string | Buffer): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

/** The serialized `@signature-params`: the covered components, then created, keyid and alg. */
function signatureParams(components: readonly string[], created: number, keyid: string): string {
  return `(${components.map((name) => `"${name}"`).join(' ')});created=${created};keyid="${keyid}";alg="${ALGORITHM}"`;
}

/** RFC 9421 §2.5: one line per covered component, then the parameters; no trailing newline. */
function signatureBase(components: readonly string[], params: string, value: (name: string) => string | undefined): string {
  return [...components.map((name) => `"${name}": ${value(name) ?? ''}`), `"@signature-params": ${params}`].join('\n');
}

function componentValue(request: SignableRequest, name: string): string | undefined {
  const queryAt = request.target.indexOf('?');
  switch (name) {
    case '@method':
      return request.method.toUpperCase();
    case '@path':
      return (queryAt === -1 ? request.target : request.target.slice(0, queryAt)) || '/';
    case '@query':
      return queryAt === -1 ? '?' : request.target.slice(queryAt);
    default:
      return request.header(name)?.trim();
  }
}

function hmac(secret: string, base: string): string {
  return createHmac('sha256', secret).update(base).digest('base64');
}

function sameBytes(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export const DEV_GATEWAY_SIGNING_SECRET_FILE = 'gateway-signing-secret';

/** 32 random bytes, base64url: what `GATEWAY_SIGNING_SECRETS` should hold. */
export function newGatewaySigningSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The signing secrets a process uses: `GATEWAY_SIGNING_SECRETS` when set (always in production,
 * enforced by config), otherwise one development secret generated once into DEV_SECRETS_DIR and
 * shared by every process of the checkout that starts without one.
 */
export function gatewaySigningSecrets(settings: Pick<ServiceSettings, 'nodeEnv' | 'gatewaySigning'>, logger: Logger): readonly string[] {
  const { secrets, devSecretsDir } = settings.gatewaySigning;
  if (secrets) return secrets;
  if (settings.nodeEnv === 'production') throw new Error('production needs GATEWAY_SIGNING_SECRETS');
  const secret = readOrCreateDevSecret(devSecretsDir, DEV_GATEWAY_SIGNING_SECRET_FILE, newGatewaySigningSecret);
  if (secret.created) {
    logger.warn({ file: secret.file }, 'generated a development gateway signing secret; set GATEWAY_SIGNING_SECRETS in production');
  }
  return [secret.value];
}
