import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { JWKS_PATH } from '../platform/auth/access-token.ts';
import { INTERNAL_PORT_OFFSET } from '../platform/config/load-config.ts';
import { supergraphYaml } from '../scripts/compose.ts';
import { GATEWAY_PORT, MESSAGE_CONSUMERS, SUBGRAPH_NAMES, SUBGRAPHS, TOKEN_ISSUER } from '../subgraphs/registry.ts';
import { DATABASE_OWNERS, WORKER_NAMES, WORKERS } from '../workers/registry.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const upper = (name: string) => name.toUpperCase();

interface ComposeService {
  build?: string | { context?: string; target?: string };
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition?: string }>;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: number } };
}

interface PolicyPeer {
  podSelector?: { matchLabels?: Record<string, string> };
  namespaceSelector?: { matchLabels?: Record<string, string> };
}

interface IngressRule {
  from?: PolicyPeer[];
  ports?: { protocol?: string; port: number }[];
}

interface Manifest {
  kind: string;
  metadata: { name?: string; generateName?: string };
  spec: {
    template?: { metadata?: { labels?: Record<string, string> }; spec: { containers: Container[] } };
    ports?: { name?: string; port: number; targetPort: number }[];
    scaleTargetRef?: { name: string };
    podSelector?: { matchLabels?: Record<string, string> };
    policyTypes?: string[];
    ingress?: IngressRule[];
  };
}

interface DockerStage {
  name: string;
  from: string;
  /** Its instructions, continuation lines joined, comments dropped. */
  instructions: string[];
}

/** The Dockerfile's stages in order (the last one is what `docker build` makes by default). */
function dockerStages(dockerfile: string): DockerStage[] {
  const stages: DockerStage[] = [];
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  for (const line of lines) {
    const from = /^FROM\s+(\S+)\s+AS\s+(\S+)$/i.exec(line);
    if (from) stages.push({ from: from[1] ?? '', name: from[2] ?? '', instructions: [] });
    else stages.at(-1)?.instructions.push(line);
  }
  return stages;
}

const repository = (image: string | undefined) => (image ?? '').split(':')[0];
const manifests = (file: string) => parseAllDocuments(read(file)).map((doc) => doc.toJS() as Manifest);
const containerOf = (manifest: Manifest | undefined): Container | undefined => manifest?.spec.template?.spec.containers[0];
const envOf = (container: Container | undefined) => new Map((container?.env ?? []).map((variable) => [variable.name, variable]));

/** Adding a subgraph must not silently leave it out of the one-line stack, the cluster or the image. */
describe('deployment descriptions stay in step with the subgraph list', () => {
  // Compose applies YAML merge keys (`<<: *service`); so does this reading.
  const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
  const stages = dockerStages(read('Dockerfile'));
  const stage = (name: string) => stages.find((candidate) => candidate.name === name);
  const runtime = stages.at(-1);

  it('docker-compose runs every subgraph compiled, against its own database, and the gateway routes to each', () => {
    const gateway = compose.services.gateway;
    expect(gateway?.command).toEqual(['node', 'dist/gateway/main.js']);
    for (const { name, port } of SUBGRAPHS) {
      const service = compose.services[name];
      expect(service, name).toBeDefined();
      expect(service?.command).toEqual(['node', `dist/subgraphs/${name}/main.js`]);
      expect(service?.environment?.DATABASE_URL).toMatch(new RegExp(`/shop_${name}$`));
      expect(service?.environment?.PORT).toBe(String(port));
      expect(service?.environment?.RABBITMQ_URL, name).toBe('amqp://guest:guest@rabbitmq:5672');
      expect(gateway?.environment?.[`SUBGRAPH_URL_${upper(name)}`]).toBe(`http://${name}:${port}/graphql`);
    }
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['postgres', 'redis', 'rabbitmq', 'gateway', 'setup']));
  });

  it('docker-compose: the gateway calls nothing unconfigured and gets Redis only for ended sessions; services run the runtime stage', () => {
    const gateway = compose.services.gateway;
    expect(gateway?.environment?.APOLLO_TELEMETRY_DISABLED).toBe('1');
    // The list of ended sessions is shared by every process, so the gateway reads the subgraphs' Redis.
    expect(Object.keys(gateway?.environment ?? {}).filter((key) => key.startsWith('REDIS_'))).toEqual(['REDIS_URL']);
    expect(gateway?.environment?.REDIS_URL).toBe(compose.services.users?.environment?.REDIS_URL);
    for (const name of ['gateway', ...SUBGRAPH_NAMES]) {
      const build = compose.services[name]?.build;
      // No target means the Dockerfile's last stage.
      expect(typeof build === 'object' ? build.target : undefined, name).toBeUndefined();
      expect(build, name).toBeDefined();
    }
    expect(runtime?.name).toBe('runtime');
  });

  it('docker-compose setup migrates and seeds from the migrate stage, sharing the dev keys with every service', () => {
    const setup = compose.services.setup;
    const build = setup?.build;
    expect(typeof build === 'object' ? build.target : build).toBe('migrate');
    expect(stage('migrate')).toBeDefined();
    expect(setup?.command?.join(' ')).toContain('node dist/scripts/db-migrate.js');
    expect(setup?.command?.join(' ')).toContain('node dist/scripts/seed.js');
    // The seed writes the keys under the package root (/app in the image); users must read the same ones.
    const users = compose.services.users;
    const secretsDir = users?.environment?.DEV_SECRETS_DIR;
    expect(secretsDir).toBe('/app/.dev-secrets');
    const volumeAt = (service: ComposeService | undefined) => service?.volumes?.find((volume) => volume.endsWith(`:${secretsDir}`));
    expect(volumeAt(setup)).toBeDefined();
    // The gateway and every subgraph read (or make) the one development signing secret there.
    for (const name of ['gateway', ...SUBGRAPH_NAMES]) {
      const service = compose.services[name];
      expect(service?.environment?.DEV_SECRETS_DIR, name).toBe(secretsDir);
      expect(volumeAt(service), name).toBe(volumeAt(setup));
      if (name !== TOKEN_ISSUER) {
        const issuer = SUBGRAPHS.find((subgraph) => subgraph.name === TOKEN_ISSUER)!;
        expect(service?.environment?.JWKS_URL, name).toBe(`http://${TOKEN_ISSUER}:${issuer.port + INTERNAL_PORT_OFFSET}${JWKS_PATH}`);
      }
    }
  });

  it('docker-compose setup declares the consumers’ queues on the broker and under the prefix of the services that consume', () => {
    const setup = compose.services.setup;
    expect(setup?.depends_on?.rabbitmq?.condition).toBe('service_healthy');
    for (const { owner } of MESSAGE_CONSUMERS) {
      for (const variable of ['RABBITMQ_URL', 'MESSAGING_PREFIX', 'MESSAGE_DELIVERY_LIMIT']) {
        expect(setup?.environment?.[variable], `${variable} of ${owner}`).toBe(compose.services[owner]?.environment?.[variable]);
      }
    }
  });

  it('Kubernetes deploys every service compiled, with probes, and the gateway routes to each subgraph', () => {
    const kustomization = parse(read('deploy/kubernetes/kustomization.yaml')) as { resources: string[] };
    expect([...kustomization.resources].sort()).toEqual(['gateway', ...SUBGRAPH_NAMES, ...WORKER_NAMES].map((name) => `${name}.yaml`).sort());
    const gateway = envOf(containerOf(manifests('deploy/kubernetes/gateway.yaml')[0]));
    const issuerPort = SUBGRAPHS.find((subgraph) => subgraph.name === TOKEN_ISSUER)!.port;
    for (const { name, port } of [{ name: 'gateway', port: GATEWAY_PORT }, ...SUBGRAPHS]) {
      const internal = port + INTERNAL_PORT_OFFSET;
      const docs = manifests(`deploy/kubernetes/${name}.yaml`);
      expect(docs.map((doc) => doc.kind), name).toEqual(['Deployment', 'Service', 'HorizontalPodAutoscaler', 'NetworkPolicy']);
      const container = containerOf(docs[0]);
      const env = envOf(container);
      expect(repository(container?.image), name).toBe('shop-supergraph');
      expect(container?.command, name).toEqual(['node', name === 'gateway' ? 'dist/gateway/main.js' : `dist/subgraphs/${name}/main.js`]);
      expect(container?.ports, name).toEqual([
        { name: 'public', containerPort: port },
        { name: 'internal', containerPort: internal },
      ]);
      expect(env.get('INTERNAL_PORT')?.value, name).toBe(String(internal));
      expect(env.get('GATEWAY_SIGNING_SECRETS')?.valueFrom?.secretKeyRef, name).toEqual({ name: 'shop-secrets', key: 'GATEWAY_SIGNING_SECRETS' });
      if (name !== TOKEN_ISSUER) expect(env.get('JWKS_URL')?.value, name).toBe(`http://${TOKEN_ISSUER}:${issuerPort + INTERNAL_PORT_OFFSET}${JWKS_PATH}`);
      expect(container?.readinessProbe?.httpGet, name).toEqual({ path: '/health/ready', port });
      expect(docs[1]?.spec.ports, name).toEqual([
        { name: 'public', port, targetPort: port },
        { name: 'internal', port: internal, targetPort: internal },
      ]);
      expect(docs[2]?.spec.scaleTargetRef?.name, name).toBe(name);
      if (name === 'gateway') continue;
      expect(envOf(container).get('DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({ name: 'shop-secrets', key: `${upper(name)}_DATABASE_URL` });
      // Every subgraph is on the bus (outbox relays, consumers), with one deployment-wide prefix.
      expect(env.get('RABBITMQ_URL')?.valueFrom?.secretKeyRef, name).toEqual({ name: 'shop-secrets', key: 'RABBITMQ_URL' });
      expect(env.get('MESSAGING_PREFIX')?.value, name).toBe('shop.');
      expect(gateway.get(`SUBGRAPH_URL_${upper(name)}`)?.value).toBe(`http://${name}:${port}/graphql`);
    }
    expect(gateway.get('APOLLO_TELEMETRY_DISABLED')?.value).toBe('1');
    expect([...gateway.keys()].filter((key) => key.startsWith('REDIS_') || key.startsWith('DATABASE_'))).toEqual(['REDIS_URL']);
    expect(gateway.get('REDIS_URL')?.valueFrom?.secretKeyRef).toEqual({ name: 'shop-secrets', key: 'REDIS_URL' });
  });

  it('Kubernetes NetworkPolicies admit subgraph GraphQL only from the gateway, internal listeners only from the platform and monitoring', () => {
    const PART_OF = { 'app.kubernetes.io/part-of': 'shop-supergraph' };
    const MONITORING = { 'kubernetes.io/metadata.name': 'monitoring' };
    for (const { name, port } of [{ name: 'gateway', port: GATEWAY_PORT }, ...SUBGRAPHS]) {
      const internal = port + INTERNAL_PORT_OFFSET;
      const [deployment, , , policy] = manifests(`deploy/kubernetes/${name}.yaml`);
      // The policy selects exactly this service's pods, and the platform's rule can recognise them.
      expect(deployment?.spec.template?.metadata?.labels, name).toEqual({ app: name, ...PART_OF });
      expect(policy?.spec.podSelector?.matchLabels, name).toEqual({ app: name });
      expect(policy?.spec.policyTypes, name).toEqual(['Ingress']);
      const rules = policy?.spec.ingress ?? [];
      const admitting = (target: number) => rules.filter((rule) => rule.ports?.some((p) => p.port === target));
      // Every rule names its ports: none admits everything on every port.
      expect(rules.every((rule) => (rule.ports ?? []).length > 0), name).toBe(true);
      expect(rules.flatMap((rule) => rule.ports ?? []).map((p) => p.port).sort(), name).toEqual([port, internal].sort());
      expect(admitting(port).map((rule) => rule.from), name).toEqual([name === 'gateway' ? undefined : [{ podSelector: { matchLabels: { app: 'gateway' } } }]]);
      expect(admitting(internal).map((rule) => rule.from), name).toEqual([[{ podSelector: { matchLabels: PART_OF } }, { namespaceSelector: { matchLabels: MONITORING } }]]);
    }
  });

  it('workers run compiled in docker-compose and Kubernetes, on the bus, with their own database and only an internal listener', () => {
    const users = SUBGRAPHS.find((subgraph) => subgraph.name === 'users')!;
    for (const { name, internalPort } of WORKERS) {
      const service = compose.services[name];
      expect(service?.command, name).toEqual(['node', `dist/workers/${name}/main.js`]);
      expect(service?.build, name).toBeDefined();
      expect(service?.environment?.DATABASE_URL, name).toMatch(new RegExp(`/shop_${name}$`));
      expect(service?.environment?.INTERNAL_PORT, name).toBe(String(internalPort));
      expect(service?.environment?.RABBITMQ_URL, name).toBe('amqp://guest:guest@rabbitmq:5672');
      expect(service?.environment?.MESSAGING_PREFIX, name).toBe(compose.services.users?.environment?.MESSAGING_PREFIX);
      expect(service?.environment?.USERS_INTERNAL_URL, name).toBe(`http://users:${users.port + INTERNAL_PORT_OFFSET}`);

      const docs = manifests(`deploy/kubernetes/${name}.yaml`);
      expect(docs.map((doc) => doc.kind), name).toEqual(['Deployment', 'Service', 'HorizontalPodAutoscaler', 'NetworkPolicy']);
      const container = containerOf(docs[0]);
      const env = envOf(container);
      expect(repository(container?.image), name).toBe('shop-supergraph');
      expect(container?.command, name).toEqual(['node', `dist/workers/${name}/main.js`]);
      expect(container?.ports, name).toEqual([{ name: 'internal', containerPort: internalPort }]);
      expect(env.get('INTERNAL_PORT')?.value, name).toBe(String(internalPort));
      expect(container?.readinessProbe?.httpGet, name).toEqual({ path: '/health/ready', port: internalPort });
      expect(env.get('DATABASE_URL')?.valueFrom?.secretKeyRef, name).toEqual({ name: 'shop-secrets', key: `${upper(name)}_DATABASE_URL` });
      expect(env.get('RABBITMQ_URL')?.valueFrom?.secretKeyRef, name).toEqual({ name: 'shop-secrets', key: 'RABBITMQ_URL' });
      expect(env.get('MESSAGING_PREFIX')?.value, name).toBe('shop.');
      expect(env.get('GATEWAY_SIGNING_SECRETS')?.valueFrom?.secretKeyRef, name).toEqual({ name: 'shop-secrets', key: 'GATEWAY_SIGNING_SECRETS' });
      expect(docs[1]?.spec.ports, name).toEqual([{ name: 'internal', port: internalPort, targetPort: internalPort }]);
      expect(docs[2]?.spec.scaleTargetRef?.name, name).toBe(name);
      const [deployment, , , policy] = docs;
      const PART_OF = { 'app.kubernetes.io/part-of': 'shop-supergraph' };
      expect(deployment?.spec.template?.metadata?.labels, name).toEqual({ app: name, ...PART_OF });
      expect(policy?.spec.podSelector?.matchLabels, name).toEqual({ app: name });
      expect(policy?.spec.ingress, name).toEqual([
        {
          from: [{ podSelector: { matchLabels: PART_OF } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
          ports: [{ protocol: 'TCP', port: internalPort }],
        },
      ]);
    }
    // The notifications worker's mail goes to the compose stack's own sink, never outside.
    expect(compose.services.notifications?.environment?.SMTP_HOST).toBe('smtp-sink');
  });

  it('the Kubernetes migration Job runs db-migrate from the migrate image with every subgraph’s and worker’s database URL and the broker', () => {
    const [job, ...others] = manifests('deploy/kubernetes/migrate-job.yaml');
    expect(others).toEqual([]);
    expect(job?.kind).toBe('Job');
    const container = containerOf(job);
    expect(repository(container?.image)).toBe(repository(compose.services.setup?.image));
    expect(container?.command).toEqual(['node', 'dist/scripts/db-migrate.js']);
    const env = envOf(container);
    for (const name of DATABASE_OWNERS) {
      const deployment = containerOf(manifests(`deploy/kubernetes/${name}.yaml`)[0]);
      // The very secret the subgraph itself runs with.
      expect(env.get(`${upper(name)}_DATABASE_URL`)?.valueFrom?.secretKeyRef, name).toEqual(envOf(deployment).get('DATABASE_URL')?.valueFrom?.secretKeyRef);
    }
    // It declares every consumer's queue: on the broker, under the prefix and with the delivery limit of the process that consumes.
    for (const { owner } of MESSAGE_CONSUMERS) {
      const consumer = envOf(containerOf(manifests(`deploy/kubernetes/${owner}.yaml`)[0]));
      for (const variable of ['RABBITMQ_URL', 'MESSAGING_PREFIX', 'MESSAGE_DELIVERY_LIMIT']) expect(env.get(variable), `${variable} of ${owner}`).toEqual(consumer.get(variable));
    }
    expect([...env.keys()].sort()).toEqual([...DATABASE_OWNERS.map((name) => `${upper(name)}_DATABASE_URL`), 'MESSAGING_PREFIX', 'RABBITMQ_URL'].sort());
  });

  it('the Dockerfile: syntax line first, no hidden failures, migrate has the dev tools, runtime runs node dist/ on production dependencies', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile.split('\n')[0]).toMatch(/^# syntax=\S+/);
    expect(dockerfile).not.toContain('|| true');
    expect(stages.map((candidate) => candidate.name)).toEqual(['build', 'migrate', 'runtime']);

    const build = stage('build')?.instructions.join('\n') ?? '';
    expect(build).toMatch(/npm ci(?![^\n]*--omit=dev)/);
    expect(build).toContain('npm run build');
    expect(build).toMatch(/^COPY prisma /m);
    expect(stage('migrate')?.from).toBe('build');

    const instructions = runtime?.instructions ?? [];
    const installs = instructions.filter((line) => /\bnpm (ci|install|i)\b/.test(line));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatch(/npm ci .*--omit=dev/);
    expect(installs[0]).toContain('--ignore-scripts');
    // npm keeps dev tools that production packages name as optional peers; the same step drops them.
    expect(installs[0]).toMatch(/&& node -e .*devOptional.*rmSync/);
    // Production dependencies only: nothing of the build's node_modules (or the whole /app) is copied in.
    const copiesFromBuild = instructions.filter((line) => /^COPY --from=/.test(line));
    expect(copiesFromBuild).toEqual(['COPY --from=build /app/dist ./dist']);
    expect(instructions.join('\n')).toMatch(/^ENV .*\bNODE_ENV=production\b/m);
    expect(instructions.join('\n')).toMatch(/^ENV .*\bAPOLLO_TELEMETRY_DISABLED=1\b/m);
    expect(instructions).toContain('USER node');
    const command = instructions.find((line) => line.startsWith('CMD '));
    expect(JSON.parse(command?.slice(4) ?? '[]')).toEqual(['node', 'dist/gateway/main.js']);
  });

  it('supergraph.yaml (for rover users) is what `npm run compose` derives from the registry', () => {
    expect(read('supergraph.yaml')).toBe(supergraphYaml());
    const supergraph = parse(read('supergraph.yaml')) as { subgraphs: Record<string, unknown> };
    expect(Object.keys(supergraph.subgraphs)).toEqual(SUBGRAPHS.map((s) => s.name));
  });
});
