import { z } from 'zod';
import { loadConfig, serviceEnvironment, serviceRules, serviceSettings, type ServiceSettings } from '../config/load-config.ts';
import { createGatewaySigner, newGatewaySigningSecret, type GatewaySigner } from '../graphql/gateway-signature.ts';

/**
 * For tests only: one gateway signing secret shared by the processes a test boots, and a signer
 * with it, so a spec can call a subgraph directly the way the gateway does.
 */
export interface TestGatewaySigning {
  secret: string;
  /** The environment that gives a gateway or subgraph this secret. */
  env: { GATEWAY_SIGNING_SECRETS: string };
  signer: GatewaySigner;
}

export function createTestGatewaySigning(): TestGatewaySigning {
  const secret = newGatewaySigningSecret();
  return { secret, env: { GATEWAY_SIGNING_SECRETS: secret }, signer: createGatewaySigner([secret]) };
}

const serviceSchema = z.object(serviceEnvironment(0)).superRefine(serviceRules).transform(serviceSettings);

/** The common service settings as a test-mode process on free ports reads them from `env`. */
export function testServiceSettings(env: Record<string, string> = {}): ServiceSettings {
  return loadConfig('test service', serviceSchema, { NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', ...env });
}
