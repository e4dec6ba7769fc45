import type { FastifyRequest } from 'fastify';
import { Limits } from '@model';
import { invalidField } from '../errors';
import { unstorableText } from '../model/storable';

type Params = Record<string, unknown>;

/**
 * Every route, before its handler: each query-string parameter is given once, and no parameter
 * (query string or path) holds text PostgreSQL cannot store. Routes then read plain strings.
 */
export function checkRequestParams(req: FastifyRequest): void {
  for (const [where, params] of [
    ['query parameter', req.query],
    ['path parameter', req.params],
  ] as const) {
    for (const [name, value] of Object.entries((params ?? {}) as Params)) {
      const shown = name.slice(0, 64);
      if (Array.isArray(value)) {
        throw invalidField(shown, `${where} '${shown}' is given ${value.length} times; give it once`);
      }
      const problem = unstorableText(name) ?? (typeof value === 'string' ? unstorableText(value) : undefined);
      if (problem) {
        throw invalidField(shown.replace(/[\u0000\uD800-\uDFFF]/g, '?'), `${where} '${shown}' ${problem}`);
      }
    }
  }
}

/** An optional text parameter of at most `max` characters. */
export function textParam(params: unknown, name: string, max: number = Limits.maxIdChars): string | undefined {
  const value = Object.hasOwn(params as Params, name) ? (params as Params)[name] : undefined;
  if (value === undefined || value === '') {
    return undefined;
  }
  if (typeof value !== 'string' || value.length > max) {
    throw invalidField(name, `${name} must be text of at most ${max} characters`);
  }
  return value;
}

/** An optional number parameter within [min, max] (integers only when `integer`). */
export function numberParam(
  params: unknown,
  name: string,
  { min, max, integer = false }: { min: number; max: number; integer?: boolean }
): number | undefined {
  const raw = textParam(params, name, 64);
  if (raw === undefined) {
    return undefined;
  }
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw invalidField(
      name,
      `${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got '${raw.slice(0, 32)}'`
    );
  }
  return n;
}

/** An optional `true` / `false` parameter. */
export function boolParam(params: unknown, name: string): boolean | undefined {
  const raw = textParam(params, name, 8);
  if (raw === undefined) {
    return undefined;
  }
  if (raw !== 'true' && raw !== 'false') {
    throw invalidField(name, `${name} must be true or false, got '${raw}'`);
  }
  return raw === 'true';
}
