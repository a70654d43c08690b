import { describe, expect, it } from 'vitest';
import {
  createGatewaySignatureVerifier,
  createGatewaySigner,
  newGatewaySigningSecret,
  SIGNATURE_HEADER,
  SIGNATURE_INPUT_HEADER,
  type SignableRequest,
} from './gateway-signature.ts';

const secret = newGatewaySigningSecret();
const NOW = 1_800_000_000;
const at = (seconds: number) => () => seconds;

interface Request {
  method: string;
  target: string;
  headers: Record<string, string>;
  body: string;
}

const signable = (request: Request): SignableRequest => ({
  method: request.method,
  target: request.target,
  header: (name) => request.headers[name],
  body: request.body,
});

/** A request as the gateway sends it to a subgraph, signed at `when` with the first of `secrets`. */
function signedRequest(options: { secrets?: string[]; when?: number; headers?: Record<string, string>; body?: string } = {}): Request {
  const request: Request = {
    method: 'POST',
    target: '/graphql',
    headers: { 'content-type': 'application/json', 'x-request-id': 'req-1', 'x-client-ip': '203.0.113.7', ...options.headers },
    body: options.body ?? JSON.stringify({ query: '{ me { id } }' }),
  };
  const signature = createGatewaySigner(options.secrets ?? [secret], at(options.when ?? NOW)).sign(signable(request));
  return { ...request, headers: { ...request.headers, ...signature } };
}

const verifier = createGatewaySignatureVerifier({ secrets: [secret], maxAgeSeconds: 30, clock: at(NOW) });
const verdict = (request: Request, check = verifier) => {
  const refusal = check.verify(signable(request));
  return refusal ? { code: refusal.code, status: refusal.status, reason: refusal.reason } : 'accepted';
};

describe('gateway request signatures', () => {
  it('accepts what the gateway signed, with and without a token, and a GET with its query', () => {
    expect(verdict(signedRequest())).toBe('accepted');
    expect(verdict(signedRequest({ headers: { authorization: 'Bearer abc' } }))).toBe('accepted');
    const get: Request = { method: 'GET', target: '/graphql?query=%7B__typename%7D', headers: {}, body: '' };
    expect(verdict({ ...get, headers: createGatewaySigner([secret], at(NOW)).sign(signable(get)) })).toBe('accepted');
  });

  it('writes an RFC 9421 signature over the method, path, query, body digest and forwarded headers', () => {
    const request = signedRequest({ headers: { authorization: 'Bearer abc' } });
    expect(request.headers['content-digest']).toMatch(/^sha-256=:[A-Za-z0-9+/]{43}=:$/);
    expect(request.headers[SIGNATURE_INPUT_HEADER]).toMatch(
      new RegExp(`^gateway=\\("@method" "@path" "@query" "content-digest" "authorization" "x-request-id" "x-client-ip"\\);created=${NOW};keyid="[A-Za-z0-9_-]{16}";alg="hmac-sha256"$`),
    );
    expect(request.headers[SIGNATURE_HEADER]).toMatch(/^gateway=:[A-Za-z0-9+/]{43}=:$/);
  });

  it('refuses a request without a signature with 401 GATEWAY_SIGNATURE_REQUIRED', () => {
    const { [SIGNATURE_HEADER]: _s, [SIGNATURE_INPUT_HEADER]: _i, ...headers } = signedRequest().headers;
    expect(verdict({ ...signedRequest(), headers })).toMatchObject({ code: 'GATEWAY_SIGNATURE_REQUIRED', status: 401 });
  });

  it('refuses a signature made with another secret', () => {
    expect(verdict(signedRequest({ secrets: [newGatewaySigningSecret()] }))).toMatchObject({ code: 'GATEWAY_SIGNATURE_INVALID', status: 403, reason: expect.stringMatching(/unknown key id/) });
  });

  it('refuses a tampered body, client address, request id, method or path', () => {
    const request = signedRequest();
    const tampered: Request[] = [
      { ...request, body: JSON.stringify({ query: '{ users { id } }' }) },
      { ...request, headers: { ...request.headers, 'x-client-ip': '198.51.100.1' } },
      { ...request, headers: { ...request.headers, 'x-request-id': 'req-2' } },
      { ...request, method: 'PUT' },
      { ...request, target: '/graphql?x=1' },
    ];
    for (const candidate of tampered) expect(verdict(candidate)).toMatchObject({ code: 'GATEWAY_SIGNATURE_INVALID', status: 403 });
  });

  it('refuses a forwarded header added to a request signed without it (a token slipped in)', () => {
    const request = signedRequest();
    expect(verdict({ ...request, headers: { ...request.headers, authorization: 'Bearer stolen' } })).toMatchObject({
      code: 'GATEWAY_SIGNATURE_INVALID',
      reason: 'the authorization header is not covered',
    });
  });

  it('refuses a body that does not match the content-digest even when the digest header is swapped too', () => {
    const request = signedRequest();
    const other = signedRequest({ body: '{"query":"{ users { id } }"}' });
    expect(verdict({ ...request, body: other.body, headers: { ...request.headers, 'content-digest': other.headers['content-digest']! } })).toMatchObject({
      code: 'GATEWAY_SIGNATURE_INVALID',
      reason: 'the signature does not match the request',
    });
  });

  it('refuses signatures older or newer than the window with GATEWAY_SIGNATURE_EXPIRED, and accepts its edges', () => {
    expect(verdict(signedRequest({ when: NOW - 30 }))).toBe('accepted');
    expect(verdict(signedRequest({ when: NOW + 30 }))).toBe('accepted');
    expect(verdict(signedRequest({ when: NOW - 31 }))).toMatchObject({ code: 'GATEWAY_SIGNATURE_EXPIRED', status: 403 });
    expect(verdict(signedRequest({ when: NOW + 3600 }))).toMatchObject({ code: 'GATEWAY_SIGNATURE_EXPIRED', status: 403 });
  });

  it('refuses an altered signature-input: fewer components, another algorithm, another time', () => {
    const request = signedRequest();
    const input = request.headers[SIGNATURE_INPUT_HEADER]!;
    const altered = [
      input.replace(' "x-client-ip"', ''),
      input.replace('hmac-sha256', 'hmac-sha512'),
      input.replace(`created=${NOW}`, `created=${NOW - 1}`),
      input.replace('"@query" ', ''),
      'gateway=("@method");created=1;keyid="x";alg="hmac-sha256", other=()',
      '',
    ];
    for (const value of altered) {
      expect(verdict({ ...request, headers: { ...request.headers, [SIGNATURE_INPUT_HEADER]: value } })).toMatchObject({ code: 'GATEWAY_SIGNATURE_INVALID' });
    }
  });

  it('verifies with every listed secret and signs with the first, so secrets rotate without refusals', () => {
    const next = newGatewaySigningSecret();
    const rotating = createGatewaySignatureVerifier({ secrets: [next, secret], maxAgeSeconds: 30, clock: at(NOW) });
    expect(verdict(signedRequest({ secrets: [secret] }), rotating)).toBe('accepted');
    expect(verdict(signedRequest({ secrets: [next, secret] }), rotating)).toBe('accepted');
    expect(verdict(signedRequest({ secrets: [next, secret] }))).toMatchObject({ code: 'GATEWAY_SIGNATURE_INVALID' });
  });
});
