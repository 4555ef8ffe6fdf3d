import SwaggerParser from '@apidevtools/swagger-parser';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenAPIV3 } from 'openapi-types';
import request from 'supertest';
import { createToken } from '../../src/admin/auth/token-file';
import type { HttpAdapterName } from '../../src/config/app-config';
import { appRoutes, type AppRoute } from '../support/app-routes';
import { startTestApp, testConfig, type TestApp } from '../support/test-app';

/**
 * The OpenAPI document of the admin API (GET /admin/api/v1/openapi.json): guarded like
 * every admin route, a valid OpenAPI 3 document, and complete: every admin route the
 * application registered is in it with its method, its success answer and its error
 * answers, and the answers the routes really give match its schemas.
 */

const BASE = '/admin/api/v1';
const DOCUMENT = `${BASE}/openapi.json`;

type Operation = OpenAPIV3.OperationObject;
type Schema = OpenAPIV3.SchemaObject;

/** `/admin/api/v1/domains/:name` → `/admin/api/v1/domains/{name}` */
const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

const ERRORS_OF_EVERY_ROUTE = ['401', '429', '500', '503'];

/** The error statuses a route must document besides those of every route. */
function expectedErrors(route: AppRoute): string[] {
  const errors: string[] = [];
  if (route.path.includes(':')) errors.push('400');
  // A missing resource is 404, except for PUT of a domain, which creates it.
  const creates = route.method === 'PUT' && route.path.endsWith('/domains/:name');
  if (route.path.includes(':') && !creates) errors.push('404');
  if (route.method === 'PUT') errors.push('400', '412', '413', '415');
  if (route.method === 'DELETE') errors.push('412');
  if (route.path.endsWith('/import')) errors.push('400', '413', '415');
  return [...new Set(errors)];
}

/** The success status a route must document. */
function expectedSuccess(route: AppRoute): string[] {
  if (route.method === 'DELETE') return ['204'];
  if (route.method === 'PUT' && route.path.includes('/domains/')) return ['200', '201'];
  return ['200'];
}

/**
 * Checks a value against an OpenAPI 3.0 schema (dereferenced): types, required and
 * known properties (an answer has no field the document does not name), nullable,
 * items, enums, oneOf. Returns the problems found, with their paths.
 */
function schemaProblems(value: unknown, schema: Schema, path = '$'): string[] {
  if (value === null) return schema.nullable ? [] : [`${path}: null where not nullable`];
  if (schema.oneOf) {
    const fits = schema.oneOf.filter(
      (option) => schemaProblems(value, option as Schema, path).length === 0,
    );
    return fits.length === 1 ? [] : [`${path}: matches ${fits.length} of oneOf`];
  }
  if (schema.allOf) {
    return schema.allOf.flatMap((part) =>
      schemaProblems(value, { ...(part as Schema), nullable: schema.nullable }, path),
    );
  }
  if (schema.enum && !schema.enum.includes(value))
    return [`${path}: ${JSON.stringify(value)} not in enum`];
  switch (schema.type) {
    case 'integer':
      return Number.isInteger(value) ? [] : [`${path}: not an integer`];
    case 'number':
    case 'string':
    case 'boolean':
      return typeof value === schema.type ? [] : [`${path}: not a ${schema.type}`];
    case 'array':
      if (!Array.isArray(value)) return [`${path}: not an array`];
      return value.flatMap((item, index) =>
        schemaProblems(item, schema.items as Schema, `${path}[${index}]`),
      );
    case 'object':
    case undefined: {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: not an object`];
      if (!schema.properties) return [];
      const record = value as Record<string, unknown>;
      const problems = (schema.required ?? [])
        .filter((key) => !(key in record))
        .map((key) => `${path}.${key}: missing`);
      for (const [key, field] of Object.entries(record)) {
        const property = schema.properties[key] as Schema | undefined;
        if (property === undefined) problems.push(`${path}.${key}: not in the document`);
        else problems.push(...schemaProblems(field, property, `${path}.${key}`));
      }
      return problems;
    }
    default:
      return [`${path}: schema type ${JSON.stringify(schema)}`];
  }
}

describe.each(['fastify', 'express'] as const satisfies readonly HttpAdapterName[])(
  'the admin OpenAPI document on %s',
  (adapter) => {
    let app: TestApp;
    let dir: string;
    let token: string;
    /** The document as served. */
    let served: OpenAPIV3.Document;
    /** The same, $refs resolved. */
    let document: OpenAPIV3.Document;
    let adminRoutes: AppRoute[];

    const get = (path: string) =>
      request(app.url).get(path).set('Authorization', `Bearer ${token}`);
    const operation = (route: AppRoute): Operation | undefined =>
      document.paths[openApiPath(route.path)]?.[
        route.method.toLowerCase() as OpenAPIV3.HttpMethods
      ];
    /** The schema of an operation's answer with this status. */
    const answerSchema = (method: string, path: string, status: string): Schema => {
      const response = document.paths[path]?.[method as OpenAPIV3.HttpMethods]?.responses[
        status
      ] as OpenAPIV3.ResponseObject | undefined;
      const schema = response?.content?.['application/json']?.schema;
      if (schema === undefined) throw new Error(`no schema for ${method} ${path} ${status}`);
      return schema as Schema;
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'automx2-openapi-'));
      const tokensFile = join(dir, 'admin-tokens');
      token = await createToken(tokensFile, 'openapi-test');
      app = await startTestApp({
        dbUri: 'sqlite:///:memory:',
        adapter,
        config: { admin: { ...testConfig().admin, tokensFile } },
      });
      await request(app.url).get('/initdb/').expect(200);
      const response = await get(DOCUMENT).expect(200);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      served = JSON.parse(response.text) as OpenAPIV3.Document;
      document = (await SwaggerParser.dereference(structuredClone(served))) as OpenAPIV3.Document;
      // The console's page and assets (/admin/, /admin/assets/:file) are not API routes.
      adminRoutes = appRoutes(app.app).filter((route) => route.path.startsWith('/admin/api/'));
    });

    afterAll(async () => {
      await app?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('is served only with a valid token', async () => {
      for (const authorization of [undefined, 'Bearer nope', `Basic ${token}`]) {
        const call = request(app.url).get(DOCUMENT);
        const response = await (authorization ? call.set('Authorization', authorization) : call);
        expect(response.status).toBe(401);
        expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="automx2-nest admin"/);
        expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(response.text).not.toContain('openapi');
      }
    });

    it('is a valid OpenAPI 3 document', async () => {
      expect(served.openapi).toMatch(/^3\./);
      await expect(SwaggerParser.validate(structuredClone(served))).resolves.toBeDefined();
    });

    it('finds the admin routes of the application (the enumeration works)', () => {
      expect(adminRoutes.length).toBeGreaterThanOrEqual(20);
      expect(adminRoutes).toContainEqual({ method: 'PUT', path: `${BASE}/domains/:name` });
      expect(adminRoutes).toContainEqual({ method: 'GET', path: DOCUMENT });
    });

    it('has every admin route with its method, and nothing else', () => {
      const documented = Object.entries(document.paths).flatMap(([path, item]) =>
        Object.values<string>({
          get: 'GET',
          put: 'PUT',
          post: 'POST',
          delete: 'DELETE',
          patch: 'PATCH',
          head: 'HEAD',
          options: 'OPTIONS',
        })
          .filter((method) => item?.[method.toLowerCase() as OpenAPIV3.HttpMethods] !== undefined)
          .map((method) => `${method} ${path}`),
      );
      const real = adminRoutes.map((route) => `${route.method} ${openApiPath(route.path)}`);
      expect([...documented].sort()).toEqual([...real].sort());
    });

    it('documents for every route its success, its errors and the bearer scheme', () => {
      expect(served.components?.securitySchemes?.['bearer']).toMatchObject({
        type: 'http',
        scheme: 'bearer',
      });
      for (const route of adminRoutes) {
        const op = operation(route);
        const where = `${route.method} ${route.path}`;
        expect({ where, found: op !== undefined }).toEqual({ where, found: true });
        const statuses = Object.keys(op?.responses ?? {});
        for (const status of [
          ...expectedSuccess(route),
          ...ERRORS_OF_EVERY_ROUTE,
          ...expectedErrors(route),
        ]) {
          expect({ where, statuses }).toEqual({
            where,
            statuses: expect.arrayContaining([status]),
          });
        }
        expect(op?.security).toContainEqual({ bearer: [] });
        for (const [status, response] of Object.entries(op?.responses ?? {})) {
          if (Number(status) < 400) continue;
          const schema = (response as OpenAPIV3.ResponseObject).content?.['application/json']
            ?.schema as Schema | undefined;
          expect({ where, status, error: schema?.properties?.['error'] }).toEqual({
            where,
            status,
            error: expect.objectContaining({ type: 'string' }),
          });
        }
        const parameters = (op?.parameters ?? []) as OpenAPIV3.ParameterObject[];
        for (const name of [...route.path.matchAll(/:(\w+)/g)].map((match) => match[1])) {
          expect(parameters).toContainEqual(expect.objectContaining({ name, in: 'path' }));
        }
        if (route.method === 'PUT') {
          expect(op?.requestBody).toBeDefined();
          expect(parameters).toContainEqual(
            expect.objectContaining({ name: 'If-Match', in: 'header' }),
          );
        }
      }
    });

    it('documents the paging and filter parameters of the lists', () => {
      const lists = adminRoutes.filter(
        (route) =>
          route.method === 'GET' &&
          /\/(domains|servers|davservers|ldapservers|providers)$/.test(route.path),
      );
      expect(lists).toHaveLength(9);
      for (const route of lists) {
        const names = ((operation(route)?.parameters ?? []) as OpenAPIV3.ParameterObject[])
          .filter((parameter) => parameter.in === 'query')
          .map((parameter) => parameter.name);
        expect(names).toEqual(expect.arrayContaining(['limit', 'cursor']));
      }
      const search = (
        (operation({ method: 'GET', path: `${BASE}/domains` })?.parameters ??
          []) as OpenAPIV3.ParameterObject[]
      ).map((parameter) => parameter.name);
      expect(search).toContain('search');
      const importMode = (operation({ method: 'POST', path: `${BASE}/import` })?.parameters ??
        []) as OpenAPIV3.ParameterObject[];
      expect(importMode).toContainEqual(expect.objectContaining({ name: 'mode', required: true }));
    });

    it('describes what the routes really answer', async () => {
      const answers: [string, string, unknown][] = [];
      const record = async (path: string, documentedAs = path) => {
        const response = await get(path);
        expect({ path, status: response.status }).toEqual({ path, status: 200 });
        answers.push([documentedAs, '200', JSON.parse(response.text)]);
      };
      await record(`${BASE}/domains?limit=2`, `${BASE}/domains`);
      await record(`${BASE}/domains/example.com`, `${BASE}/domains/{name}`);
      for (const kind of ['servers', 'davservers', 'providers', 'ldapservers']) {
        await record(`${BASE}/${kind}`);
        const first = (answers.at(-1)?.[2] as { items: { id: number }[] }).items[0];
        if (first === undefined) continue;
        await record(`${BASE}/${kind}/${first.id}`, `${BASE}/${kind}/{id}`);
        await record(`${BASE}/${kind}/${first.id}/domains`, `${BASE}/${kind}/{id}/domains`);
      }
      await record(`${BASE}/domains/example.org/findings`, `${BASE}/domains/{name}/findings`);
      await record(`${BASE}/domains/example.org/dns`, `${BASE}/domains/{name}/dns`);
      await record(`${BASE}/preview?address=alice%40example.org`, `${BASE}/preview`);
      for (const [path, status, body] of answers) {
        const problems = schemaProblems(body, answerSchema('get', path, status));
        expect({ path, problems }).toEqual({ path, problems: [] });
      }
      // The check itself sees a field too many, one missing and one of the wrong type.
      const [, , domain] = answers[1] ?? [];
      const unnamed: Record<string, unknown> = { ...(domain as object) };
      delete unnamed.name;
      const domainSchema = answerSchema('get', `${BASE}/domains/{name}`, '200');
      expect(schemaProblems({ ...unnamed, extra: 1 }, domainSchema)).toEqual([
        '$.name: missing',
        '$.extra: not in the document',
      ]);
      expect(
        schemaProblems({ ...unnamed, name: 'x', servers: [{ port: 'x' }] }, domainSchema),
      ).toContain('$.servers[0].port: not an integer');
      const missing = await get(`${BASE}/domains/nowhere.example`).expect(404);
      expect(
        schemaProblems(
          JSON.parse(missing.text),
          answerSchema('get', `${BASE}/domains/{name}`, '404'),
        ),
      ).toEqual([]);
    });

    it('describes the body PUT takes: a GET answer is a valid body', async () => {
      const view = JSON.parse(
        (await get(`${BASE}/domains/example.com`).expect(200)).text,
      ) as unknown;
      const body = document.paths[`${BASE}/domains/{name}`]?.put
        ?.requestBody as OpenAPIV3.RequestBodyObject;
      const schema = body.content['application/json']?.schema as Schema;
      expect(schemaProblems(view, schema)).toEqual([]);
      expect(schema.required).toEqual(expect.arrayContaining(['provider', 'servers']));
      expect(schema.required).not.toContain('name');
      const put = await request(app.url)
        .put(`${BASE}/domains/example.com`)
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(view))
        .expect(200);
      expect(put.headers['etag']).toBeDefined();
    });

    it('answers a refused document as its error schema says', async () => {
      const response = await request(app.url)
        .put(`${BASE}/providers/1`)
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', 'application/json')
        .send('{"name": 5}')
        .expect(400);
      const body = JSON.parse(response.text) as { problems: unknown[] };
      expect(body.problems.length).toBeGreaterThan(0);
      expect(schemaProblems(body, answerSchema('put', `${BASE}/providers/{id}`, '400'))).toEqual(
        [],
      );
    });
  },
);
