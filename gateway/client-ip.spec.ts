import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from './config.ts';
import { createClientAddressResolver, parseAddressRange } from './client-ip.ts';
import { postGraphQL, startToyGateway, startToySubgraphs, type ToyGateway, type ToySubgraphs } from './testing/toy-platform.ts';

const ranges = (...texts: string[]) => texts.map((text) => parseAddressRange(text)!);

describe('trusted proxy ranges', () => {
  it('parse CIDR blocks and bare addresses', () => {
    expect(parseAddressRange('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseAddressRange(' 192.0.2.7 ')).toEqual({ address: '192.0.2.7', prefix: 32, family: 'ipv4' });
    expect(parseAddressRange('2001:DB8::/32')).toEqual({ address: '2001:db8::', prefix: 32, family: 'ipv6' });
    for (const bad of ['10.0.0.0/33', '10.0.0/8', 'proxy.internal', '::1/129', '10.0.0.0/8/1', '10.0.0.0/x', '']) expect(parseAddressRange(bad)).toBeNull();
  });
});

describe('client address', () => {
  const behindLoadBalancer = createClientAddressResolver(ranges('10.0.0.0/8', '2001:db8:ffff::/48'));

  it('is the socket peer when no proxy is trusted, whatever the headers say', () => {
    const direct = createClientAddressResolver([]);
    expect(direct.resolve('203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
    expect(direct.resolve('::ffff:203.0.113.9', undefined)).toBe('203.0.113.9');
    expect(direct.resolve(undefined, '198.51.100.1')).toBe('unknown');
  });

  it('is the socket peer when that peer is not a trusted proxy', () => {
    expect(behindLoadBalancer.resolve('203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
  });

  it('reads X-Forwarded-For from the right, skipping trusted hops, never believing what the client wrote', () => {
    // The client claimed 1.1.1.1; the load balancer appended the address it really saw.
    expect(behindLoadBalancer.resolve('10.1.2.3', '1.1.1.1, 198.51.100.7')).toBe('198.51.100.7');
    expect(behindLoadBalancer.resolve('::ffff:10.1.2.3', '198.51.100.7, 10.9.9.9')).toBe('198.51.100.7');
    expect(behindLoadBalancer.resolve('10.1.2.3', ['1.1.1.1', '198.51.100.7:51234'])).toBe('198.51.100.7');
    expect(behindLoadBalancer.resolve('2001:db8:ffff::1', '[2001:db8:1::42]:443')).toBe('2001:db8:1::42');
  });

  it('stops at a hop that is not an address, and falls back to the last trusted one', () => {
    expect(behindLoadBalancer.resolve('10.1.2.3', '198.51.100.7, not-an-ip')).toBe('10.1.2.3');
    expect(behindLoadBalancer.resolve('10.1.2.3', '')).toBe('10.1.2.3');
    expect(behindLoadBalancer.resolve('10.1.2.3', undefined)).toBe('10.1.2.3');
  });

  it('is the leftmost hop when every hop is trusted (traffic from inside)', () => {
    expect(behindLoadBalancer.resolve('10.1.2.3', '10.7.7.7, 10.8.8.8')).toBe('10.7.7.7');
  });
});

describe('TRUSTED_PROXIES', () => {
  it('is empty by default and refuses entries that are not addresses or CIDR blocks, naming them', () => {
    expect(loadGatewayConfig({}).trustedProxies).toEqual([]);
    expect(loadGatewayConfig({ TRUSTED_PROXIES: '10.0.0.0/8, ::1' }).trustedProxies).toEqual([
      { address: '10.0.0.0', prefix: 8, family: 'ipv4' },
      { address: '::1', prefix: 128, family: 'ipv6' },
    ]);
    expect(() => loadGatewayConfig({ TRUSTED_PROXIES: '10.0.0.0/8,lb.internal,10.0.0.0/40' })).toThrow(/TRUSTED_PROXIES.*lb\.internal, 10\.0\.0\.0\/40/);
  });
});

describe('the address the gateway forwards to subgraphs', () => {
  let toys: ToySubgraphs;
  let direct: ToyGateway;
  let behindProxy: ToyGateway;
  const echoClientIp = async (gateway: ToyGateway, headers: Record<string, string>) =>
    (await postGraphQL(gateway.gateway.graphqlUrl, { query: '{ echo { clientIp } }' }, headers)).body.data;

  beforeAll(async () => {
    toys = await startToySubgraphs();
    direct = await startToyGateway(toys);
    // The spec's own requests come from 127.0.0.1: here that is the trusted load balancer.
    behindProxy = await startToyGateway(toys, { TRUSTED_PROXIES: '127.0.0.1,::1' });
  });
  afterAll(async () => {
    await behindProxy?.close();
    await direct?.close();
    await toys?.close();
  });

  it('is the socket peer when no proxy is trusted, whatever the client claims', async () => {
    expect(await echoClientIp(direct, { 'x-forwarded-for': '198.51.100.7', 'x-client-ip': '203.0.113.9' })).toEqual({ echo: { clientIp: '127.0.0.1' } });
  });

  it('is the address a trusted proxy saw, read from the right of X-Forwarded-For', async () => {
    expect(await echoClientIp(behindProxy, { 'x-forwarded-for': '1.1.1.1, 198.51.100.7', 'x-client-ip': '203.0.113.9' })).toEqual({
      echo: { clientIp: '198.51.100.7' },
    });
  });
});
