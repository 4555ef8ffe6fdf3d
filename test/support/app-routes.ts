import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';

/** One route the application registered: method and Nest path (`/admin/api/v1/domains/:name`). */
export interface AppRoute {
  readonly method: string;
  readonly path: string;
}

/**
 * Every route of a created application, read from its module container the way Nest's
 * router explorer reads it (controller path + handler path + method), so a test can
 * compare what the application serves with a table or a document without listing the
 * routes itself.
 */
export function appRoutes(app: INestApplication): AppRoute[] {
  const scanner = new MetadataScanner();
  const routes: AppRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (typeof controller !== 'function') continue;
      const prefixes = paths(Reflect.getMetadata(PATH_METADATA, controller));
      const prototype = controller.prototype as Record<string, unknown>;
      for (const key of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[key];
        if (typeof handler !== 'function') continue;
        const method: unknown = Reflect.getMetadata(METHOD_METADATA, handler);
        const name = typeof method === 'number' ? RequestMethod[method] : undefined;
        if (name === undefined) continue;
        for (const prefix of prefixes) {
          for (const suffix of paths(Reflect.getMetadata(PATH_METADATA, handler))) {
            routes.push({ method: name, path: joined(prefix, suffix) });
          }
        }
      }
    }
  }
  return routes;
}

/** A concrete path for a route: `:name` → example.com, any other parameter → 1. */
export function samplePath(path: string): string {
  return path.replace(/:name\b/g, 'example.com').replace(/:\w+/g, '1');
}

function paths(metadata: unknown): string[] {
  if (Array.isArray(metadata)) return metadata.filter((p): p is string => typeof p === 'string');
  return typeof metadata === 'string' ? [metadata] : [''];
}

function joined(prefix: string, suffix: string): string {
  const path = `/${prefix}/${suffix}`.replace(/\/{2,}/g, '/');
  return path.length > 1 ? path.replace(/\/$/, '') : path;
}
