import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { supergraphYaml } from '../scripts/compose.ts';
import { SUBGRAPHS } from '../subgraphs/registry.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, unknown>;
}

/** Adding a subgraph must not silently leave it out of the one-line stack or the cluster. */
describe('deployment descriptions stay in step with the subgraph list', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService> };

  it('docker-compose runs every subgraph against its own database, and the gateway routes to each', () => {
    for (const { name, port } of SUBGRAPHS) {
      const service = compose.services[name];
      expect(service, name).toBeDefined();
      expect(service?.command?.join(' ')).toContain(`subgraphs/${name}/main.ts`);
      expect(service?.environment?.DATABASE_URL).toMatch(new RegExp(`/shop_${name}$`));
      expect(service?.environment?.PORT).toBe(String(port));
      expect(compose.services.gateway?.environment?.[`SUBGRAPH_URL_${name.toUpperCase()}`]).toBe(`http://${name}:${port}/graphql`);
    }
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['postgres', 'redis', 'rabbitmq', 'gateway']));
  });

  it('the Kubernetes manifests deploy every service with health probes', () => {
    for (const name of ['gateway', ...SUBGRAPHS.map((s) => s.name)]) {
      const kinds = parseAllDocuments(read(`deploy/kubernetes/${name}.yaml`)).map((doc) => (doc.toJS() as { kind: string }).kind);
      expect(kinds).toEqual(['Deployment', 'Service', 'HorizontalPodAutoscaler']);
      expect(read(`deploy/kubernetes/${name}.yaml`)).toContain('/health/ready');
    }
  });

  it('supergraph.yaml (for rover users) is what `npm run compose` derives from the registry', () => {
    expect(read('supergraph.yaml')).toBe(supergraphYaml());
    const supergraph = parse(read('supergraph.yaml')) as { subgraphs: Record<string, unknown> };
    expect(Object.keys(supergraph.subgraphs)).toEqual(SUBGRAPHS.map((s) => s.name));
  });
});
