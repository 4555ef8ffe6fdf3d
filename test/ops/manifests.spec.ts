import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
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
/** The admin API: routed by none of the samples (it is exposed deliberately). */
const ADMIN_API_PATHS = ['/admin', '/admin/', '/admin/api/v1/domains', '/ADMIN/API/V1/export'];
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

/** kustomization.yaml, parsed. */
const kustomization = () => onlyObject('Kustomization');

/** The INI file the configMapGenerator turns into the ConfigMap. */
function generatedIni(): string {
  const generator = (kustomization().configMapGenerator as Node[])[0]!;
  return read(join(K8S, (generator.files as string[])[0]!));
}

/** Bytes of a Kubernetes memory quantity (`160Mi`, `256M`, `1Gi`). */
function memoryBytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(quantity);
  if (match === null) throw new Error(`not a memory quantity: ${quantity}`);
  const units: Record<string, number> = {
    '': 1,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
  };
  return Number(match[1]) * units[match[2] ?? '']!;
}

const MiB = 1024 ** 2;
/**
 * One process measured by `npm run bench` (bench/RESULTS.md): about 130 MiB idle, and a
 * peak of about 170 MiB under load and under the hostile flood of
 * `npm run bench -- memory-attack`.
 */
const MEASURED_IDLE = 130 * MiB;
const MEASURED_PEAK = 170 * MiB;

/**
 * How this machine runs kustomize: a kustomize binary (`kustomize build`), kubectl's
 * built-in one (`kubectl kustomize`), or null. Probed offline (`--client`).
 */
function kustomizeCommand(): [string, string] | null {
  const candidates: [command: [string, string], probe: string[]][] = [
    [['kustomize', 'build'], ['version']],
    [
      ['kubectl', 'kustomize'],
      ['version', '--client'],
    ],
  ];
  for (const [command, probe] of candidates) {
    const result = spawnSync(command[0], probe, { encoding: 'utf8', timeout: 20_000 });
    if (result.status === 0) return command;
  }
  return null;
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
      'Secret',
      'Deployment',
      'Service',
      'Ingress',
      'Job',
      'PodDisruptionBudget',
      'NetworkPolicy',
      'Kustomization',
      'ServiceMonitor',
    ]) {
      expect(kinds).toContain(kind);
    }
    // The ConfigMap is generated (configMapGenerator), never written as an object.
    expect(kinds).not.toContain('ConfigMap');
    for (const { file, object } of k8sObjects()) {
      expect({ file, namespace: object.metadata?.namespace }).toEqual({
        file,
        namespace: undefined,
      });
    }
  });

  it('kustomization lists every manifest beside it and the Job, not the Secret example', () => {
    const resources = kustomization().resources as string[];
    for (const resource of resources) expect(existsSync(join(K8S, resource))).toBe(true);
    const manifests = readdirSync(K8S).filter(
      (name) =>
        /\.ya?ml$/.test(name) && !['kustomization.yaml', 'secret.example.yaml'].includes(name),
    );
    expect([...resources].sort()).toEqual(manifests.sort());
    expect(resources).toContain('migrate-job.yaml');
    expect(resources).not.toContain('secret.example.yaml');
  });

  it('kustomize `images:` sets the one image of the Deployment and the Job', () => {
    const images = kustomization().images as Node[];
    expect(images).toHaveLength(1);
    const [image] = images as [Node];
    expect(image.newTag ?? image.digest).toEqual(expect.any(String));
    expect(image.newName).toEqual(expect.any(String));
    for (const kind of ['Deployment', 'Job']) {
      const containers = onlyObject(kind).spec.template.spec.containers as Node[];
      for (const container of containers) {
        // The placeholder name only: a tag written here would be a second place to set it.
        expect({ kind, image: container.image }).toEqual({ kind, image: image.name });
      }
    }
    // Both are marked as values to set.
    const text = read(join(K8S, 'kustomization.yaml'));
    expect(text).toMatch(/^ +newName: \S+ # CHANGE ME/m);
    expect(text).toMatch(/^ +newTag: \S+ # CHANGE ME/m);
  });

  it('configMapGenerator makes the ConfigMap from automx2.conf, used by the Deployment and the Job', () => {
    const generators = kustomization().configMapGenerator as Node[];
    expect(generators).toHaveLength(1);
    const [generator] = generators as [Node];
    expect(generator.files).toEqual(['automx2.conf']);
    expect(existsSync(join(K8S, 'automx2.conf'))).toBe(true);
    // Hashed name (the default): no `disableNameSuffixHash` anywhere.
    expect(generator.options?.disableNameSuffixHash).toBeUndefined();
    expect(kustomization().generatorOptions?.disableNameSuffixHash).toBeUndefined();
    // The Deployment and the Job name the generator; kustomize rewrites it to the hashed name.
    for (const kind of ['Deployment', 'Job']) {
      const volumes = onlyObject(kind).spec.template.spec.volumes as Node[];
      const names = volumes.filter((v) => v.configMap).map((v) => v.configMap.name as string);
      expect({ kind, names }).toEqual({ kind, names: [generator.name] });
    }
    // Selectable with the Job for the migration step (README "Deploy").
    expect(generator.options?.labels?.['app.kubernetes.io/component']).toBe('config');
  });

  it('the ServiceMonitor is a kustomize component, off by default, selecting the Service', () => {
    const kustomizationText = read(join(K8S, 'kustomization.yaml'));
    expect(kustomization().components).toBeUndefined();
    expect(kustomizationText).toMatch(/^# components:\n# +- servicemonitor$/m);
    const component = parseDocument(
      read(join(K8S, 'servicemonitor', 'kustomization.yaml')),
    ).toJS() as Node;
    expect(component.kind).toBe('Component');
    expect(component.resources).toEqual(['servicemonitor.yaml']);
    const monitor = onlyObject('ServiceMonitor');
    const service = onlyObject('Service');
    expect(service.metadata.labels).toEqual(
      expect.objectContaining(monitor.spec.selector.matchLabels),
    );
    const portNames = (service.spec.ports as Node[]).map((port) => port.name as string);
    for (const endpoint of monitor.spec.endpoints as Node[]) {
      expect(portNames).toContain(endpoint.port);
      expect(endpoint.path).toBe('/metrics');
    }
    expect(read(join(K8S, 'servicemonitor', 'servicemonitor.yaml'))).toMatch(/CHANGE ME/);
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

    it('requests more memory than a pod uses idle, and limits it above the measured worst case', () => {
      const { requests, limits } = container().resources as Node;
      const request = memoryBytes(requests.memory as string);
      const limit = memoryBytes(limits.memory as string);
      expect(request).toBeGreaterThan(MEASURED_IDLE);
      // The worst case measured, plus what the settings cache may hold on top of it.
      const { config } = loadMountedIni(generatedIni());
      expect(limit).toBeGreaterThan(MEASURED_PEAK + config.settingsCache.maxBytes);
      expect(limit).toBeGreaterThanOrEqual(request);
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
      const generator = (kustomization().configMapGenerator as Node[])[0]!;
      expect(volume.configMap.name).toBe(generator.name);
      const item = (volume.configMap.items as Node[] | undefined)?.[0];
      // A generated ConfigMap's key is the file's name.
      expect(item?.key ?? 'automx2.conf').toBe((generator.files as string[])[0]);
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
    const ini = generatedIni();
    expect(ini).not.toMatch(/^\s*db_uri\s*=/m);
    const { config, warnings } = loadMountedIni(ini, {
      AUTOMX2_DB_URI: 'postgresql://automx2:x@postgres/automx2',
    });
    expect(warnings).toEqual([]);
    expect(config.proxyCount).toBe(1);
    expect(config.database.type).toBe('postgres');
  });

  it('ConfigMap: /initdb/ off, forwarded headers only from the Ingress network (commented)', () => {
    const ini = generatedIni();
    const { config } = loadMountedIni(ini);
    expect(config.initdb).toBe('off');
    expect(config.trustedProxies.length).toBeGreaterThan(0);
    // Not "everyone": no /0 network.
    for (const entry of config.trustedProxies) expect(entry).not.toMatch(/\/0$/);
    // The operator is told to adapt it, right above it.
    const comment = /((?:^ *#.*\n)+) *trusted_proxies *=/m.exec(ini)?.[1] ?? '';
    expect(comment).toMatch(/adapt/i);
    expect(comment).toMatch(/ingress/i);
  });

  describe('NetworkPolicy', () => {
    const policy = () => onlyObject('NetworkPolicy');
    const rules = () => policy().spec.ingress as Node[];

    it("selects the Deployment's pods and restricts their ingress", () => {
      const labels = onlyObject('Deployment').spec.template.metadata.labels as Record<
        string,
        string
      >;
      const selector = policy().spec.podSelector.matchLabels as Record<string, string>;
      expect(Object.keys(selector).length).toBeGreaterThan(0);
      expect(labels).toEqual(expect.objectContaining(selector));
      expect(policy().spec.policyTypes).toContain('Ingress');
      expect(rules().length).toBeGreaterThan(0);
    });

    it('lets in only the Ingress controller and the scraper, on the app port only', () => {
      const container = onlyObject('Deployment').spec.template.spec.containers[0] as Node;
      const appPort = (container.ports as Node[]).find((port) => port.containerPort === PORT)!;
      const namespaces: string[] = [];
      for (const rule of rules()) {
        // Every rule names its peers (an empty `from` would admit every pod) ...
        const from = rule.from as Node[] | undefined;
        expect(from?.length).toBeGreaterThan(0);
        for (const peer of from!) {
          expect(peer.ipBlock).toBeUndefined();
          const namespace = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
          expect(typeof namespace).toBe('string');
          expect(Object.keys(peer.podSelector?.matchLabels ?? {}).length).toBeGreaterThan(0);
          namespaces.push(namespace as string);
        }
        // ... and only the app port (by name or number).
        const ports = rule.ports as Node[];
        expect(ports.length).toBeGreaterThan(0);
        for (const port of ports) {
          expect([PORT, appPort.name]).toContain(port.port);
          expect(port.protocol ?? 'TCP').toBe('TCP');
        }
      }
      expect(namespaces.sort()).toEqual(['ingress-nginx', 'monitoring']);
      // The Ingress's class is the controller the policy admits.
      expect(onlyObject('Ingress').spec.ingressClassName).toBe('nginx');
    });

    it('says how to adapt its selectors', () => {
      const text = read(join(K8S, 'networkpolicy.yaml'));
      expect(text).toMatch(/^# ADAPT THE SELECTORS/m);
      expect(text).toMatch(/kubectl get pods -n ingress-nginx --show-labels/);
      expect(text).toMatch(/ipBlock/);
    });
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

    it('never routes /initdb/, /healthz/, /metrics or /admin/, and routes every client path', () => {
      for (const rule of rules()) {
        for (const path of paths(rule)) {
          expect(path.path).not.toMatch(/initdb|healthz|metrics|admin/i);
          expect(['Exact', 'Prefix']).toContain(path.pathType);
          if (path.path === '/') expect(path.pathType).toBe('Exact');
        }
        for (const admin of [...ADMIN_PATHS, ...ADMIN_API_PATHS]) {
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

    it('marks the class and every host name as values to change', () => {
      const lines = read(join(K8S, 'ingress.yaml')).split('\n');
      const marked = (pattern: RegExp) =>
        lines.filter((line) => pattern.test(line)).map((line) => /# CHANGE ME/.test(line));
      expect(marked(/^\s+ingressClassName:/)).toEqual([true]);
      const hosts = [
        ...rules().map((rule) => rule.host as string),
        ...(ingress().spec.tls as Node[]).flatMap((entry) => entry.hosts as string[]),
      ];
      const hostLines = marked(/^\s+(- host: |- )[a-z0-9.-]+\.example\.com\b/);
      expect(hostLines).toHaveLength(hosts.length);
      expect(hostLines.every(Boolean)).toBe(true);
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

  it('the Job mounts the INI file where the Deployment does', () => {
    const job = onlyObject('Job').spec.template.spec as Node;
    const deployment = onlyObject('Deployment').spec.template.spec as Node;
    const config = (pod: Node) => ({
      mount: (pod.containers[0].volumeMounts as Node[]).find((m) => m.name === 'config'),
      volume: (pod.volumes as Node[]).find((v) => v.name === 'config'),
    });
    expect(config(job)).toEqual(config(deployment));
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

const KUSTOMIZE = kustomizeCommand();
if (KUSTOMIZE === null) {
  process.stderr.write(
    'SKIPPED (kustomize missing): install kubectl (kubectl kustomize) or kustomize\n',
  );
}

/** The objects `kustomize build` renders from `dir`. */
function kustomize(dir: string): Node[] {
  const [command, subcommand] = KUSTOMIZE!;
  const result = spawnSync(command, [subcommand, dir], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  return parseAllDocuments(result.stdout).map((doc) => doc.toJS() as Node);
}

/** A scratch copy of docker/k8s/ at `<tmp>/base`, for variations; removed by the caller. */
function scratchCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'automx2-k8s-'));
  cpSync(K8S, join(dir, 'base'), { recursive: true });
  return dir;
}

const renderedOnly = (objects: Node[], kind: string): Node => {
  const found = objects.filter((object) => object.kind === kind);
  expect({ kind, count: found.length }).toEqual({ kind, count: 1 });
  return found[0]!;
};

(KUSTOMIZE ? describe : describe.skip)('kustomize build of docker/k8s/ (the real tool)', () => {
  const rendered = () => kustomize(K8S);
  const configMapOf = (object: Node) =>
    (object.spec.template.spec.volumes as Node[]).find((volume) => volume.name === 'config')!
      .configMap.name as string;

  it('renders the Job and a ConfigMap with a hashed name, mounted by the Deployment and the Job', () => {
    const objects = rendered();
    const configMap = renderedOnly(objects, 'ConfigMap');
    expect(configMap.metadata.name).toMatch(/^automx2-config-[a-z0-9]{10}$/);
    expect(configMap.data['automx2.conf']).toBe(read(join(K8S, 'automx2.conf')));
    for (const kind of ['Deployment', 'Job']) {
      expect({ kind, name: configMapOf(renderedOnly(objects, kind)) }).toEqual({
        kind,
        name: configMap.metadata.name,
      });
    }
    expect(objects.map((object) => object.kind as string).sort()).toEqual(
      [
        'ConfigMap',
        'Deployment',
        'Ingress',
        'Job',
        'NetworkPolicy',
        'PodDisruptionBudget',
        'Service',
      ].sort(),
    );
  });

  it('gives the Deployment and the Job the image of `images:`', () => {
    const objects = rendered();
    const [image] = kustomization().images as [Node];
    const expected = `${image.newName}:${image.newTag}`;
    for (const kind of ['Deployment', 'Job']) {
      const containers = renderedOnly(objects, kind).spec.template.spec.containers as Node[];
      for (const container of containers) {
        expect({ kind, image: container.image }).toEqual({ kind, image: expected });
      }
    }
  });

  it('a changed automx2.conf changes the ConfigMap name, so the Deployment rolls', () => {
    const dir = scratchCopy();
    try {
      const before = configMapOf(renderedOnly(kustomize(join(dir, 'base')), 'Deployment'));
      const conf = join(dir, 'base', 'automx2.conf');
      writeFileSync(conf, read(conf).replace('loglevel = INFO', 'loglevel = WARNING'));
      const after = configMapOf(renderedOnly(kustomize(join(dir, 'base')), 'Deployment'));
      expect(after).toMatch(/^automx2-config-/);
      expect(after).not.toBe(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('selects exactly the ConfigMap and the Job for the migration step of README', () => {
    const selected = rendered()
      .filter((object) =>
        ['config', 'migrate'].includes(object.metadata.labels?.['app.kubernetes.io/component']),
      )
      .map((object) => object.kind as string);
    expect(selected.sort()).toEqual(['ConfigMap', 'Job']);
  });

  it("keeps the NetworkPolicy's and the Service's selectors on the rendered pods' labels", () => {
    const objects = rendered();
    const labels = renderedOnly(objects, 'Deployment').spec.template.metadata.labels as Node;
    expect(labels).toEqual(
      expect.objectContaining(renderedOnly(objects, 'NetworkPolicy').spec.podSelector.matchLabels),
    );
    expect(labels).toEqual(expect.objectContaining(renderedOnly(objects, 'Service').spec.selector));
  });

  it('adds the ServiceMonitor from an overlay that enables the component', () => {
    const dir = scratchCopy();
    try {
      const overlay = join(dir, 'overlay');
      mkdirSync(overlay);
      writeFileSync(
        join(overlay, 'kustomization.yaml'),
        [
          'apiVersion: kustomize.config.k8s.io/v1beta1',
          'kind: Kustomization',
          'namespace: mail',
          'resources: [../base]',
          'components: [../base/servicemonitor]',
          'images:',
          '  - name: registry.example.com/automx2-nest',
          '    newName: registry.example.net/automx2-nest',
          '    newTag: 9.9.9',
          '',
        ].join('\n'),
      );
      const objects = kustomize(overlay);
      const monitor = renderedOnly(objects, 'ServiceMonitor');
      expect(monitor.metadata.namespace).toBe('mail');
      const service = renderedOnly(objects, 'Service');
      expect(service.metadata.labels).toEqual(
        expect.objectContaining(monitor.spec.selector.matchLabels),
      );
      // An overlay's `images:` sets the tag for both, as README says.
      for (const kind of ['Deployment', 'Job']) {
        expect(renderedOnly(objects, kind).spec.template.spec.containers[0].image).toBe(
          'registry.example.net/automx2-nest:9.9.9',
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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

  it('keeps the app port on an internal network: only nginx publishes a port', () => {
    const networks = compose.networks as Record<string, Node | null>;
    const names = (service: Node): string[] =>
      Array.isArray(service.networks)
        ? (service.networks as string[])
        : Object.keys((service.networks as Record<string, unknown> | undefined) ?? {});
    for (const name of ['automx2', 'migrate', 'db']) {
      const attached = names(services[name]!);
      expect({ name, attached: attached.length > 0 }).toEqual({ name, attached: true });
      for (const network of attached) {
        expect({ name, network, internal: networks[network]?.internal }).toEqual({
          name,
          network,
          internal: true,
        });
      }
    }
    for (const [name, service] of Object.entries(services)) {
      if (name !== 'nginx')
        expect({ name, ports: service.ports }).toEqual({ name, ports: undefined });
    }
    // nginx reaches the service on the internal network and publishes through another.
    const shared = names(services.nginx!).filter((network) => networks[network]?.internal);
    expect(shared).toEqual(names(services.automx2!));
    expect(names(services.nginx!).some((network) => networks[network]?.internal !== true)).toBe(
      true,
    );
  });

  it('trusts only nginx (its fixed address on that network) and turns /initdb/ off', () => {
    const ini = compose.configs['automx2-conf'].content as string;
    const { config } = loadMountedIni(ini);
    expect(config.initdb).toBe('off');
    const internal = (services.automx2!.networks as string[])[0]!;
    const nginxAddress = (services.nginx!.networks as Record<string, Node>)[internal]!
      .ipv4_address as string;
    expect(config.trustedProxies).toEqual([nginxAddress]);
    const subnet = (compose.networks[internal].ipam.config as Node[])[0]!.subnet as string;
    const [base = '', bits = ''] = subnet.split('/');
    expect(Number(bits)).toBe(24);
    expect(nginxAddress.split('.').slice(0, 3)).toEqual(base.split('.').slice(0, 3));
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
    const block = [...text.matchAll(/location ~\* (\S+) \{([^}]*)\}/g)].find((found) =>
      found[1]!.includes('initdb'),
    );
    expect(block).toBeDefined();
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

  it.each([
    ['nginx', join(CONTRIB, 'nginx', 'automx2.conf')],
    ['compose nginx', join(DOCKER, 'nginx.conf')],
  ])('%s: the admin API is not routed (404), in any case', (_name, file) => {
    const text = read(file);
    const blocks = [...text.matchAll(/location ~\* (\S+) \{([^}]*)\}/g)];
    // nginx takes the first regular expression that matches: the admin block comes first.
    const first = blocks[0]!;
    expect(first[2]!.trim()).toBe('return 404;');
    const pattern = new RegExp(first[1]!, 'i');
    for (const path of ADMIN_API_PATHS) {
      expect({ path, admin: pattern.test(path) }).toEqual({ path, admin: true });
    }
    for (const path of [...CLIENT_PATHS, ...ADMIN_PATHS, '/administrator.xml']) {
      expect({ path, admin: pattern.test(path) }).toEqual({ path, admin: false });
    }
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
      const denied =
        /<LocationMatch "\(\?i\)([^"]+)">\s*Require all denied\s*<\/LocationMatch>/.exec(vhost);
      expect(denied).not.toBeNull();
      const adminApi = new RegExp(denied![1]!, 'i');
      for (const path of ADMIN_API_PATHS) expect(adminApi.test(path)).toBe(true);
      for (const path of [...CLIENT_PATHS, ...ADMIN_PATHS]) expect(adminApi.test(path)).toBe(false);
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
    // SIGHUP reloads the signing files (and the log level) without a restart.
    expect(settings('ExecReload')).toEqual(['/bin/kill -HUP $MAINPID']);
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
