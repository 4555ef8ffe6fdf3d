import type { ExecutionContext } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import type { Reflector } from '@nestjs/core';

/**
 * The route patterns the matched handler serves, as declared by its controller:
 * `/` + controller path + method path (`/autodiscover/autodiscover.json/v1.0/:address`),
 * never the raw URL.
 */
export function routePatterns(reflector: Reflector, context: ExecutionContext): string[] {
  const prefixes = paths(reflector.get<unknown>(PATH_METADATA, context.getClass()));
  const suffixes = paths(reflector.get<unknown>(PATH_METADATA, context.getHandler()));
  return prefixes.flatMap((prefix) =>
    suffixes.map((suffix) => {
      const joined = `/${prefix}/${suffix}`.replace(/\/{2,}/g, '/');
      return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
    }),
  );
}

function paths(metadata: unknown): string[] {
  if (Array.isArray(metadata)) return metadata.filter((p): p is string => typeof p === 'string');
  return typeof metadata === 'string' ? [metadata] : [''];
}
