import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PATH_METADATA } from '@nestjs/common/constants';
import { isScalar, parseAllDocuments, parseDocument } from 'yaml';
import { allowedMethods } from '../../src/common/known-routes';
import { loadConfig } from '../../src/config/load-config';
import { HealthController } from '../../src/health/health.controller';
import { ROOT } from '../support/dist';
import {
  adaptServer,
  createNginxPrefix,
  nginxConfigTest,
  nginxMainConfig,
  readContribNginx,
  removeNginxPrefix,
  writeSelfSignedCertificate,
} from '../support/nginx';
import { describeWith } from '../support/services';

/**
 * Deployment artefacts that cannot be run here (no Docker engine, no cluster, no
 * systemd as PID 1) checked as far as possible: every YAML file parses, the
 * Kubernetes objects have what the operations issue asks for and point at real routes,
 * the Dockerfile is linted structurally, the nginx samples pass `nginx -t`.
 */

const DOCKER = join(ROOT, 'docker');
const K8S = join(DOCKER, 'k8s');
const CONTRIB = join(ROOT, 'contrib');
const ADMIN_PATHS = [
  '/initdb/',
  '/initdb',
  '/INITDB/',
  '/healthz/live',
  '/healthz/ready',
  '/metrics',
];
const CLIENT_PATHS = [
  '/',
  '/mail/config-v1.1.xml',
  '/.well-known/autoconfig/mail/config-v1.1.xml',
  '/autodiscover/autodiscover.xml',
  '/Autodiscover/Autodiscover.xml',
  '/AutoDiscover/AutoDiscover.xml',
  '/autodiscover/autodiscover.json/v1.0/someone@example.com',
  '/mobileconfig/',
  '/mobileconfig',
];
const IMAGE_UID = 10001;
const PORT = 4243;

/** A loosely typed view of parsed YAML: tests navigate it and assert on what they find. */
type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed YAML

const read = (path: string) => readFileSync(path, 'utf8');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

function k8sObjects(): { file: string; object: Node }[] {
  return yamlFiles(K8S).flatMap((file) =>
    parseAllDocuments(read(file)).map((doc) => ({ file, object: doc.toJS() as Node })),
  );
}

function onlyObject(kind: string, name?: string): Node {
  const found = k8sObjects()
    .map(({ object }) => object)
    .filter(
      (object) => object.kind === kind && (name === undefined || object.metadata?.name === name),
    );
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** The configuration loader's view of an INI text mounted at /etc/automx2/automx2.conf. */
function loadMountedIni(text: string, env: NodeJS.ProcessEnv = {}) {
  const mounted = '/etc/automx2/automx2.conf';
  return loadConfig({
    locator: { env, home: '/nonexistent', exists: (path) => path === mounted },
    readFile: () => text,
  });
}

/** The routes HealthController declares, as full paths. */
function healthControllerPaths(): string[] {
  const prefix = Reflect.getMetadata(PATH_METADATA, HealthController) as string;
  const proto = HealthController.prototype as unknown as Record<string, object>;
  return Object.getOwnPropertyNames(proto)
    .map((name) => Reflect.getMetadata(PATH_METADATA, proto[name]!) as string | undefined)
    .filter((path): path is string => typeof path === 'string')
    .map((path) => `/${prefix}/${path}`);
}

/** Kubernetes Ingress path matching (Exact, or Prefix by whole path elements). */
function ingressMatches(rule: { path: string; pathType: string }, path: string): boolean {
  if (rule.pathType === 'Exact') return rule.path === path;
  const prefix = rule.path.replace(/\/+$/, '');
  if (prefix === '') return true;
  return path === prefix || path.startsWith(`${prefix}/`);
}

describe('YAML under docker/', () => {
  it.each(yamlFiles(DOCKER).map((file) => relative(ROOT, file)))('%s parses', (file) => {
    const docs = parseAllDocuments(read(join(ROOT, file)), { merge: true });
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) {
      expect(doc.errors).toEqual([]);
      expect(doc.warnings).toEqual([]);
    }
  });
});

describe('Kubernetes manifests (docker/k8s)', () => {
  it('has every object the deployment needs, in no fixed namespace', () => {
    const kinds = k8sObjects().map(({ object }) => object.kind as string);
    for (const kind of [
      'ConfigMap',
      'Secret',
      'Deployment',
      'Service',
      'Ingress',
      'Job',
      'PodDisruptionBudget',
      'Kustomization',
    ]) {
      expect(kinds).toContain(kind);
    }
    for (const { file, object } of k8sObjects()) {
      expect({ file, namespace: object.metadata?.namespace }).toEqual({
        file,
        namespace: undefined,
      });
    }
  });

  it('kustomization lists existing files, not the Secret example or the Job', () => {
    const resources = onlyObject('Kustomization').resources as string[];
    for (const resource of resources) expect(existsSync(join(K8S, resource))).toBe(true);
    expect(resources).toEqual(
      expect.arrayContaining([
        'configmap.yaml',
        'deployment.yaml',
        'service.yaml',
        'ingress.yaml',
        'pdb.yaml',
      ]),
    );
    expect(resources).not.toContain('secret.example.yaml');
    expect(resources).not.toContain('migrate-job.yaml');
  });

  describe('Deployment', () => {
    const deployment = () => onlyObject('Deployment');
    const pod = () => deployment().spec.template.spec as Node;
    const container = () => pod().containers[0] as Node;

    it('writes replicas literally, 2 or more', () => {
      const doc = parseDocument(read(join(K8S, 'deployment.yaml')));
      const replicas = doc.getIn(['spec', 'replicas'], true);
      expect(isScalar(replicas) && typeof replicas.value === 'number').toBe(true);
      expect(deployment().spec.replicas).toBeGreaterThanOrEqual(2);
      expect(read(join(K8S, 'deployment.yaml'))).toMatch(/^ {2}replicas: \d+$/m);
    });

    it('selects its own pods, and so do the Service and the PodDisruptionBudget', () => {
      const labels = deployment().spec.template.metadata.labels as Record<string, string>;
      const subset = (selector: Record<string, string>) =>
        expect(labels).toEqual(expect.objectContaining(selector));
      subset(deployment().spec.selector.matchLabels);
      subset(onlyObject('Service').spec.selector);
      const pdb = onlyObject('PodDisruptionBudget');
      subset(pdb.spec.selector.matchLabels);
      expect(pdb.spec.minAvailable).toBe(1);
    });

    it('probes real routes on the container port 4243', () => {
      const ports = container().ports as { name: string; containerPort: number }[];
      const portOf = (port: string | number) =>
        typeof port === 'number' ? port : ports.find((entry) => entry.name === port)?.containerPort;
      const health = healthControllerPaths();
      const probes = {
        readiness: container().readinessProbe,
        liveness: container().livenessProbe,
      } as Record<string, Node>;
      expect(probes.readiness!.httpGet.path).toBe('/healthz/ready');
      expect(probes.liveness!.httpGet.path).toBe('/healthz/live');
      for (const probe of [
        ...Object.values(probes),
        container().startupProbe as Node | undefined,
      ]) {
        if (probe === undefined) continue;
        expect(portOf(probe.httpGet.port)).toBe(PORT);
        expect(health).toContain(probe.httpGet.path);
        expect(allowedMethods(probe.httpGet.path)).toContain('GET');
      }
    });

    it('runs as the image user, non-root, read-only, without privileges or capabilities', () => {
      expect(pod().securityContext).toEqual(
        expect.objectContaining({ runAsNonRoot: true, runAsUser: IMAGE_UID }),
      );
      expect(pod().automountServiceAccountToken).toBe(false);
      const security = container().securityContext as Node;
      expect(security).toEqual(
        expect.objectContaining({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
        }),
      );
      expect(security.privileged).not.toBe(true);
      expect(security.capabilities.drop).toContain('ALL');
      expect(security.capabilities.add ?? []).toEqual([]);
    });

    it('has resource requests and limits', () => {
      const { requests, limits } = container().resources as Node;
      for (const resource of ['cpu', 'memory']) {
        expect(requests[resource]).toBeDefined();
        expect(limits[resource]).toBeDefined();
      }
    });

    it('takes AUTOMX2_DB_URI from a Secret and the INI file from the ConfigMap', () => {
      const env = container().env as Node[];
      const dbUri = env.find((entry) => entry.name === 'AUTOMX2_DB_URI');
      expect(dbUri?.value).toBeUndefined();
      expect(dbUri?.valueFrom?.secretKeyRef).toEqual({ name: 'automx2-db', key: 'AUTOMX2_DB_URI' });
      for (const entry of env) expect(String(entry.value ?? '')).not.toMatch(/:\/\//);
      const secret = onlyObject('Secret', 'automx2-db');
      expect(Object.keys(secret.stringData ?? secret.data)).toContain('AUTOMX2_DB_URI');

      const mount = (container().volumeMounts as Node[]).find((m) => m.name === 'config')!;
      const volume = (pod().volumes as Node[]).find((v) => v.name === 'config')!;
      expect(volume.configMap.name).toBe(onlyObject('ConfigMap').metadata.name);
      const item = (volume.configMap.items as Node[] | undefined)?.[0];
      expect(join(mount.mountPath as string, item?.path ?? 'automx2.conf')).toBe(
        '/etc/automx2/automx2.conf',
      );
      expect(mount.readOnly).toBe(true);
      expect(mount.subPath).toBeUndefined();
    });

    it('listens on 0.0.0.0:4243 (the image CMD, or args saying the same)', () => {
      const args = container().args as string[] | undefined;
      if (args !== undefined) {
        expect(args).toEqual(['node', 'dist/main.js', '--host', '0.0.0.0', '--port', String(PORT)]);
      }
    });
  });

  it('ConfigMap INI loads cleanly, trusts one proxy and holds no db_uri', () => {
    const ini = onlyObject('ConfigMap').data['automx2.conf'] as string;
    expect(ini).not.toMatch(/^\s*db_uri\s*=/m);
    const { config, warnings } = loadMountedIni(ini, {
      AUTOMX2_DB_URI: 'postgresql://automx2:x@postgres/automx2',
    });
    expect(warnings).toEqual([]);
    expect(config.proxyCount).toBe(1);
    expect(config.database.type).toBe('postgres');
  });

  describe('Ingress', () => {
    const ingress = () => onlyObject('Ingress');
    const rules = () => ingress().spec.rules as Node[];
    const paths = (rule: Node) => rule.http.paths as Node[];

    it('serves autoconfig and autodiscover names with TLS', () => {
      const tls = ingress().spec.tls as Node[];
      const hosts = tls.flatMap((entry) => entry.hosts as string[]);
      for (const entry of tls) expect(entry.secretName).toEqual(expect.any(String));
      expect(hosts).toEqual(
        expect.arrayContaining(['autoconfig.example.com', 'autodiscover.example.com']),
      );
      for (const rule of rules()) expect(hosts).toContain(rule.host);
      expect(rules().map((rule) => rule.host as string)).toEqual(
        expect.arrayContaining(['autoconfig.example.com', 'autodiscover.example.com']),
      );
    });

    it('never routes /initdb/, /healthz/ or /metrics, and routes every client path', () => {
      for (const rule of rules()) {
        for (const path of paths(rule)) {
          expect(path.path).not.toMatch(/initdb|healthz|metrics/i);
          expect(['Exact', 'Prefix']).toContain(path.pathType);
          if (path.path === '/') expect(path.pathType).toBe('Exact');
        }
        for (const admin of ADMIN_PATHS) {
          const hit = paths(rule).find((path) => ingressMatches(path as never, admin));
          expect({ host: rule.host, admin, hit }).toEqual({
            host: rule.host,
            admin,
            hit: undefined,
          });
        }
        for (const client of CLIENT_PATHS) {
          const hit = paths(rule).some((path) => ingressMatches(path as never, client));
          expect({ host: rule.host, client, hit }).toEqual({ host: rule.host, client, hit: true });
        }
      }
    });

    it('sends everything to the Service port', () => {
      const service = onlyObject('Service');
      const portNames = (service.spec.ports as Node[]).map((port) => port.name as string);
      for (const rule of rules()) {
        for (const path of paths(rule)) {
          expect(path.backend.service.name).toBe(service.metadata.name);
          expect(portNames).toContain(path.backend.service.port.name);
        }
      }
      const target = (service.spec.ports as Node[])[0]!.targetPort;
      expect(target === PORT || target === 'http').toBe(true);
    });
  });

  it('the Job runs the migrations with the same image, secret and restrictions', () => {
    const job = onlyObject('Job');
    const pod = job.spec.template.spec as Node;
    const container = pod.containers[0] as Node;
    const deploymentContainer = onlyObject('Deployment').spec.template.spec.containers[0] as Node;
    expect([...(container.command ?? []), ...(container.args ?? [])]).toEqual([
      'node',
      'dist/cli.js',
      'migrate',
    ]);
    expect(['Never', 'OnFailure']).toContain(pod.restartPolicy);
    expect(container.image).toBe(deploymentContainer.image);
    expect(container.env).toEqual(deploymentContainer.env);
    expect(container.securityContext).toEqual(deploymentContainer.securityContext);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
  });
});

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function dockerInstructions(text: string): { keyword: string; args: string }[] {
  const joined = text.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

describe('docker/Dockerfile', () => {
  const text = read(join(DOCKER, 'Dockerfile'));
  const instructions = dockerInstructions(text);
  const stages: { from: string; lines: { keyword: string; args: string }[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') stages.push({ from: instruction.args, lines: [] });
    else stages.at(-1)?.lines.push(instruction);
  }
  const runtime = stages.at(-1)!;
  const all = (keyword: string, stage = runtime) =>
    stage.lines.filter((line) => line.keyword === keyword).map((line) => line.args);
  const json = (args: string) => JSON.parse(args) as string[];

  it('is multi-stage on a current Node LTS slim image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const defaultImage = /^ARG NODE_IMAGE=(\S+)$/m.exec(text)?.[1];
    expect(defaultImage).toMatch(/^node:(22|24)-(bookworm|trixie)-slim$/);
    for (const stage of stages) expect(stage.from).toMatch(/^\$\{NODE_IMAGE\} AS [a-z-]+$/);
  });

  it('builds with npm ci and npm run build, and installs production modules in a clean stage', () => {
    const runs = (stage: (typeof stages)[number]) => all('RUN', stage).join('\n');
    const build = stages.find((stage) => /npm run build/.test(runs(stage)));
    expect(build).toBeDefined();
    expect(runs(build!)).toMatch(/npm ci(?! --omit)/);
    const production = stages.find((stage) => /npm ci --omit=dev/.test(runs(stage)));
    expect(production).toBeDefined();
    expect(production).not.toBe(build);
    expect(runs(production!)).not.toMatch(/npm run build/);
  });

  it('copies only dist/, production node_modules, package.json, bin/ and the healthcheck', () => {
    const sources = all('COPY').map((args) => {
      const parts = args.split(/\s+/).filter((part) => !part.startsWith('--'));
      return parts.slice(0, -1).join(' ');
    });
    expect(sources.sort()).toEqual(
      ['/app/node_modules', '/src/dist', 'package.json', 'bin', 'docker/healthcheck.js'].sort(),
    );
    expect(all('COPY').filter((args) => args.startsWith('--from=')).length).toBe(2);
    expect(instructions.map((line) => line.keyword)).not.toContain('ADD');
  });

  it('never copies a configuration file into the image', () => {
    for (const instruction of instructions) {
      if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') {
        expect(instruction.args).not.toMatch(/\.conf\b|\.ini\b|contrib/);
      }
    }
    expect(text).not.toMatch(/^ENV AUTOMX2_DB_URI/m);
  });

  it('copies from the build context only files that exist and the ignore file lets in', () => {
    const ignore = read(join(DOCKER, 'Dockerfile.dockerignore'));
    const contextSources = instructions
      .filter((line) => line.keyword === 'COPY' && !line.args.startsWith('--from='))
      .flatMap((line) => line.args.split(/\s+/).slice(0, -1));
    for (const source of contextSources) {
      expect(existsSync(join(ROOT, source))).toBe(true);
      const allowed = ignore
        .split('\n')
        .filter((line) => line.startsWith('!'))
        .map((line) => line.slice(1).replace(/\/$/, ''));
      expect(allowed).toContain(source.replace(/\/$/, ''));
    }
  });

  it('runs as a numeric non-root user under tini, with the healthcheck, on port 4243', () => {
    const user = all('USER').at(-1);
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user!.split(':')[0])).toBe(IMAGE_UID);
    expect(all('RUN').join('\n')).toMatch(/apt-get install[^&]*\btini\b/);
    expect(json(all('ENTRYPOINT').at(-1)!)).toEqual(['/usr/bin/tini', '--']);
    expect(json(all('CMD').at(-1)!)).toEqual([
      'node',
      'dist/main.js',
      '--host',
      '0.0.0.0',
      '--port',
      String(PORT),
    ]);
    expect(all('EXPOSE')).toEqual([String(PORT)]);
    const healthcheck = all('HEALTHCHECK').at(-1)!;
    expect(healthcheck).toMatch(/--timeout=\d+s/);
    expect(json(healthcheck.slice(healthcheck.indexOf('CMD') + 4))).toEqual([
      'node',
      'docker/healthcheck.js',
    ]);
  });

  it('the healthcheck script is tiny and asks the liveness endpoint with a 2 s timeout', () => {
    const script = read(join(DOCKER, 'healthcheck.js'));
    const code = script
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.trim().startsWith('//'));
    expect(code.length).toBeLessThanOrEqual(15);
    expect(script).toContain('http://127.0.0.1:4243/healthz/live');
    expect(script).toContain('timeout: 2000');
    expect(healthControllerPaths()).toContain('/healthz/live');
  });
});

describe('docker/compose.yaml', () => {
  const compose = parseDocument(read(join(DOCKER, 'compose.yaml')), { merge: true }).toJS() as Node;
  const services = compose.services as Record<string, Node>;

  it('runs automx2, a migration, PostgreSQL 16 with a volume and healthcheck, and nginx on 80', () => {
    expect(Object.keys(services).sort()).toEqual(['automx2', 'db', 'migrate', 'nginx']);
    expect(services.db!.image).toBe('postgres:16');
    expect(services.db!.volumes[0]).toMatch(/^\w+:\/var\/lib\/postgresql\/data$/);
    const volume = String(services.db!.volumes[0]).split(':')[0];
    expect(Object.keys(compose.volumes)).toContain(volume);
    expect((services.db!.healthcheck.test as string[]).join(' ')).toMatch(/pg_isready/);
    expect(services.nginx!.ports).toEqual(['80:80']);
    expect(services.nginx!.volumes).toEqual(['./nginx.conf:/etc/nginx/conf.d/default.conf:ro']);
    expect(services.migrate!.command).toEqual(['node', 'dist/cli.js', 'migrate']);
  });

  it('builds the image from docker/Dockerfile and orders start-up by health', () => {
    for (const name of ['automx2', 'migrate']) {
      const build = services[name]!.build as Node;
      expect(existsSync(join(DOCKER, build.context as string, build.dockerfile as string))).toBe(
        true,
      );
    }
    expect(services.migrate!.depends_on.db.condition).toBe('service_healthy');
    expect(services.automx2!.depends_on.migrate.condition).toBe('service_completed_successfully');
    expect(services.nginx!.depends_on.automx2.condition).toBe('service_healthy');
    expect(services.automx2!.healthcheck.test).toEqual(['CMD', 'node', 'docker/healthcheck.js']);
    expect(services.automx2!.ports).toBeUndefined();
  });

  it('passes db_uri as AUTOMX2_DB_URI from the environment and mounts the INI file', () => {
    const app = services.automx2!;
    expect(app.environment.AUTOMX2_DB_URI).toMatch(
      /^postgresql:\/\/automx2:\$\{AUTOMX2_DB_PASSWORD:\?[^}]+\}@db:5432\/automx2$/,
    );
    expect(app.configs).toEqual([{ source: 'automx2-conf', target: '/etc/automx2/automx2.conf' }]);
    const ini = compose.configs['automx2-conf'].content as string;
    const { config, warnings } = loadMountedIni(ini);
    expect(warnings).toEqual([]);
    expect(config.proxyCount).toBe(1);
    expect(app.read_only).toBe(true);
    expect(app.cap_drop).toEqual(['ALL']);
  });
});

describe('contrib samples', () => {
  const nginxSample = read(join(CONTRIB, 'nginx', 'automx2.conf'));

  it('nginx: proxies to 127.0.0.1:4243 with forwarding headers and a 64k body limit', () => {
    const { upstream, server } = readContribNginx(nginxSample);
    expect(upstream).toMatch(/^\s+server 127\.0\.0\.1:4243\b/m);
    expect(server).toMatch(/^\s+server_name autoconfig\.\* autodiscover\.\*;$/m);
    expect(server).toMatch(/^\s+proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;$/m);
    expect(server).toMatch(/^\s+proxy_set_header X-Forwarded-Host \$host;$/m);
    expect(server).toMatch(/^\s+proxy_set_header X-Forwarded-Proto \$scheme;$/m);
    expect(server).toMatch(/^\s+client_max_body_size 64k;$/m);
  });

  it.each([
    ['nginx', join(CONTRIB, 'nginx', 'automx2.conf')],
    ['compose nginx', join(DOCKER, 'nginx.conf')],
  ])('%s: administrative paths are loopback-only, in any case and with a slash', (_name, file) => {
    const text = read(file);
    const block = /location ~\* (\S+) \{([^}]*)\}/.exec(text);
    expect(block).not.toBeNull();
    const pattern = new RegExp(block![1]!, 'i');
    for (const path of [...ADMIN_PATHS, '/Metrics/', '/HealthZ/Ready', '/metrics/']) {
      expect({ path, admin: pattern.test(path) }).toEqual({ path, admin: true });
    }
    for (const path of CLIENT_PATHS.concat('/initdbx', '/metricsfoo')) {
      expect({ path, admin: pattern.test(path) }).toEqual({ path, admin: false });
    }
    const rules = block![2]!
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^(allow|deny)/.test(line));
    expect(rules).toEqual(['allow 127.0.0.1;', 'allow ::1;', 'deny all;']);
  });

  it('Apache: proxies to 127.0.0.1:4243, administrative paths `Require local`', () => {
    const text = read(join(CONTRIB, 'apache', 'automx2.conf'));
    const vhosts = text.match(/<VirtualHost[\s\S]*?<\/VirtualHost>/g) ?? [];
    expect(vhosts).toHaveLength(2);
    for (const vhost of vhosts) {
      expect(vhost).toMatch(/ProxyPass "\/" "http:\/\/127\.0\.0\.1:4243\/"/);
      expect(vhost).toMatch(/ProxyPreserveHost On/);
      expect(vhost).toMatch(/RequestHeader set X-Forwarded-Proto/);
      expect(vhost).toMatch(/LimitRequestBody 65536/);
      const match = /<LocationMatch "\(\?i\)([^"]+)">\s*Require local\s*<\/LocationMatch>/.exec(
        vhost,
      );
      expect(match).not.toBeNull();
      const pattern = new RegExp(match![1]!, 'i');
      for (const path of ADMIN_PATHS) expect(pattern.test(path)).toBe(true);
      for (const path of CLIENT_PATHS) expect(pattern.test(path)).toBe(false);
    }
  });

  it('systemd: a hardened notify service running dist/main.js', () => {
    const unit = read(join(CONTRIB, 'systemd', 'automx2-nest.service'));
    const settings = (key: string) =>
      unit
        .split('\n')
        .filter((line) => line.startsWith(`${key}=`))
        .map((line) => line.slice(key.length + 1));
    expect(unit).toMatch(/^\[Unit\]$[\s\S]*^\[Service\]$[\s\S]*^\[Install\]$/m);
    expect(settings('Type')).toEqual(['notify']);
    expect(settings('NotifyAccess')).toEqual(['all']);
    expect(settings('ExecStart')[0]).toMatch(/\/node \S+\/dist\/main\.js$/);
    expect(settings('DynamicUser').concat(settings('User'))).not.toEqual([]);
    for (const [key, value] of [
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'yes'],
      ['PrivateTmp', 'yes'],
      ['CapabilityBoundingSet', ''],
    ]) {
      expect({ key, values: settings(key!) }).toEqual({ key, values: [value] });
    }
    // V8's JIT needs writable executable memory.
    expect(settings('MemoryDenyWriteExecute')).toEqual([]);
  });

  const systemdAnalyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find(existsSync);
  (systemdAnalyze ? it : it.skip)('systemd: `systemd-analyze verify` accepts the unit', () => {
    const prefix = createNginxPrefix();
    try {
      const unit = read(join(CONTRIB, 'systemd', 'automx2-nest.service')).replace(
        /^ExecStart=\S+/m,
        `ExecStart=${process.execPath}`,
      );
      const file = join(prefix, 'automx2-nest.service');
      writeFileSync(file, unit);
      const result = spawnSync(systemdAnalyze!, ['verify', file], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
      expect(result.status).toBe(0);
    } finally {
      removeNginxPrefix(prefix);
    }
  });

  it('OpenRC: the script and its conf.d sample are valid sh, and it runs as automx2', () => {
    const script = join(CONTRIB, 'openrc', 'automx2-nest');
    expect(read(script).split('\n')[0]).toBe('#!/sbin/openrc-run');
    for (const file of [script, join(CONTRIB, 'openrc', 'automx2-nest.confd')]) {
      const result = spawnSync('sh', ['-n', file], { encoding: 'utf8' });
      expect({ file, status: result.status, stderr: result.stderr }).toEqual({
        file,
        status: 0,
        stderr: '',
      });
    }
    expect(read(script)).toMatch(/^command_user="\$\{AUTOMX2_USER\}:\$\{AUTOMX2_GROUP\}"$/m);
    expect(read(script)).toMatch(/^: "\$\{AUTOMX2_USER:=automx2\}"$/m);
    expect(read(script)).toMatch(/dist\/main\.js/);
  });
});

describeWith('nginx')('nginx -t', () => {
  let prefix: string;

  beforeEach(() => {
    prefix = createNginxPrefix();
  });

  afterEach(() => {
    removeNginxPrefix(prefix);
  });

  it('accepts contrib/nginx/automx2.conf in an http {} block (with test certificates)', () => {
    const { certificate, key } = writeSelfSignedCertificate(prefix, ['autoconfig.example.com']);
    const sample = read(join(CONTRIB, 'nginx', 'automx2.conf'));
    const adapted = sample
      .replace('/etc/ssl/certs/automx2.pem', certificate)
      .replace('/etc/ssl/private/automx2.key', key);
    expect(adapted).not.toContain('/etc/ssl/');
    const result = nginxConfigTest(prefix, nginxMainConfig(prefix, adapted));
    expect(result.output).toMatch(/test is successful/);
    expect(result.ok).toBe(true);
  });

  it('accepts docker/nginx.conf (the compose service name replaced by an address)', () => {
    const conf = read(join(DOCKER, 'nginx.conf'));
    expect(conf).toMatch(/server automx2:4243\b/);
    const result = nginxConfigTest(
      prefix,
      nginxMainConfig(prefix, conf.replace('server automx2:4243', 'server 127.0.0.1:4243')),
    );
    expect(result.output).toMatch(/test is successful/);
    expect(result.ok).toBe(true);
  });

  it('really checks: a broken directive fails', () => {
    const { server } = readContribNginx();
    const broken = adaptServer(server, { listen: ['127.0.0.1:1'], tls: 'strip' }).replace(
      'client_max_body_size 64k;',
      'client_max_body_size sixty-four;',
    );
    const result = nginxConfigTest(
      prefix,
      nginxMainConfig(prefix, `upstream automx2 { server 127.0.0.1:1; }\n${broken}`),
    );
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/client_max_body_size/);
  });
});
