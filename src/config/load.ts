/**
 * Reads unigate.yaml: YAML → `${VAR}` substitution → JSON Schema validation with defaults →
 * camelCase config. Every problem is reported with its YAML path, line, the bad value and
 * what was expected, all at once.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, parse as parseYaml, visit, type Document, type Node } from 'yaml';
import { ConfigSchema, type RawConfig } from './schema.js';
import { camelizeBySchema, type CamelCased } from './case.js';
import { isWholeReference, MissingVariableError, substituteVariables } from './env.js';

export type Config = CamelCased<RawConfig>;

export interface ConfigProblem {
  /** YAML path such as `routes[0].match.path`; empty for the document itself. */
  path: string;
  line?: number;
  column?: number;
  message: string;
  value?: unknown;
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${formatProblems(problems)}`);
    this.name = 'ConfigError';
  }
}

export function formatProblems(problems: ConfigProblem[]): string {
  return problems
    .map((p) => {
      const where = `${p.path || '(root)'}${p.line === undefined ? '' : ` (line ${p.line})`}`;
      const got = p.value === undefined ? '' : ` — got ${JSON.stringify(p.value)}`;
      return `  - ${where}: ${p.message}${got}`;
    })
    .join('\n');
}

let compiled: ValidateFunction<RawConfig> | undefined;

/**
 * The config validator, compiled on first use: the schema is large and compiling it takes a
 * noticeable part of a second, which commands that never read a config should not pay.
 * Unoptimized code compiles faster and a config is validated once per load.
 */
function validator(): ValidateFunction<RawConfig> {
  if (compiled !== undefined) return compiled;
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true, verbose: true, code: { optimize: false } });
  ajv.addKeyword({ keyword: 'expected', schemaType: 'string' });
  compiled = ajv.compile<RawConfig>(ConfigSchema);
  return compiled;
}

export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: `cannot read the file: ${(err as Error).message}` }]);
  }
  return loadConfigText(text, file, env);
}

export function loadConfigText(text: string, source = 'config', env: NodeJS.ProcessEnv = process.env): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const problems: ConfigProblem[] = [];
  // Syntax errors cascade: the first one is the one to fix.
  const syntax = doc.errors[0] ?? doc.warnings[0];
  if (syntax !== undefined) {
    const pos = syntax.linePos?.[0];
    const hint = text.includes('{') && /\$\{/.test(text) ? ' (a ${VAR} inside a { } flow mapping needs quotes)' : '';
    problems.push({ path: '', line: pos?.line, column: pos?.col, message: `YAML syntax: ${syntax.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}${hint}` });
  }
  if (problems.length > 0) throw new ConfigError(source, problems);

  substituteInDocument(doc, env, lineCounter, problems);
  if (problems.length > 0) throw new ConfigError(source, problems);

  const data: unknown = doc.toJS() ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(source, [{ path: '', message: 'expected a mapping at the top level', value: data }]);
  }
  const validate = validator();
  if (!validate(data)) {
    throw new ConfigError(source, describeSchemaErrors(validate.errors ?? [], doc, lineCounter));
  }
  return camelizeBySchema(data, ConfigSchema) as Config;
}

function substituteInDocument(doc: Document, env: NodeJS.ProcessEnv, lines: LineCounter, problems: ConfigProblem[]): void {
  visit(doc, {
    Scalar(_key, node, path) {
      if (typeof node.value !== 'string' || !node.value.includes('${')) return;
      const original = node.value;
      try {
        const substituted = substituteVariables(original, env);
        // A scalar that is just `${PORT}` takes the type its value reads as (8080 → number).
        node.value = isWholeReference(original) ? readScalar(substituted) : substituted;
      } catch (err) {
        if (!(err instanceof MissingVariableError)) throw err;
        const pos = node.range ? lines.linePos(node.range[0]) : undefined;
        problems.push({ path: yamlPathOf(path, node), line: pos?.line, column: pos?.col, message: err.message });
      }
    },
  });
}

function readScalar(text: string): unknown {
  try {
    const value: unknown = parseYaml(text);
    return value !== null && typeof value === 'object' ? text : value;
  } catch {
    return text;
  }
}

function yamlPathOf(ancestors: readonly unknown[], leaf: Node): string {
  const keys: (string | number)[] = [];
  let previous: unknown = leaf;
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const ancestor = ancestors[i];
    if (isSeq(ancestor)) keys.unshift(ancestor.items.indexOf(previous as Node));
    if (isMap(ancestor)) {
      const pair = ancestor.items.find((p) => p.value === previous || p === previous);
      if (pair && isScalar(pair.key)) keys.unshift(String(pair.key.value));
    }
    previous = ancestor;
  }
  return formatPath(keys);
}

export function formatPath(keys: readonly (string | number)[]): string {
  let out = '';
  for (const key of keys) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

/** A JSON Pointer (RFC 6901) as path keys; digit-only segments become indexes. */
export function pointerToKeys(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^[0-9]+$/.test(part) ? Number(part) : part));
}

function describeSchemaErrors(errors: ErrorObject[], doc: Document, lines: LineCounter): ConfigProblem[] {
  // A failed union reports every branch; keep only the union's own error, which knows what was expected.
  const unionPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const kept = errors.filter((e) => e.keyword === 'anyOf' || !unionPaths.has(e.instancePath));
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const err of kept) {
    const keys = pointerToKeys(err.instancePath);
    let message: string;
    let value: unknown = valueAt(doc, keys);
    let nodeKeys = keys;
    switch (err.keyword) {
      case 'additionalProperties': {
        const extra = String((err.params as { additionalProperty: string }).additionalProperty);
        nodeKeys = [...keys, extra];
        const allowed = Object.keys((err.parentSchema?.properties as object | undefined) ?? {});
        const hint = closest(extra, allowed);
        message = `unknown key "${extra}"${hint ? ` (did you mean "${hint}"?)` : allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`;
        value = undefined;
        break;
      }
      case 'required': {
        const missing = String((err.params as { missingProperty: string }).missingProperty);
        nodeKeys = keys;
        message = `missing required key "${missing}"`;
        value = undefined;
        break;
      }
      case 'anyOf':
        message = `expected ${String(err.parentSchema?.expected ?? 'one of the allowed forms')}`;
        break;
      case 'pattern':
        message = `expected ${describeExpected(err.parentSchema)} matching ${String((err.params as { pattern: string }).pattern)}`;
        break;
      case 'type':
        message = `expected ${String((err.params as { type: string }).type)}`;
        break;
      case 'propertyNames':
        continue; // reported as the pattern error on the key itself
      default:
        message = err.message ?? 'is invalid';
    }
    const path = formatPath(err.keyword === 'required' ? [...keys, String((err.params as { missingProperty: string }).missingProperty)] : nodeKeys);
    const dedupe = `${path}|${message}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    const pos = positionOf(doc, nodeKeys, lines, err.keyword === 'additionalProperties');
    problems.push({ path, line: pos?.line, column: pos?.col, message, value });
  }
  return problems;
}

function describeExpected(schema: unknown): string {
  const description = (schema as { description?: string } | undefined)?.description;
  return description ? `a string (${description.replace(/\.$/, '')})` : 'a string';
}

function valueAt(doc: Document, keys: (string | number)[]): unknown {
  const node = keys.length === 0 ? doc.contents : doc.getIn(keys, true);
  if (node === undefined || node === null) return undefined;
  return isScalar(node) ? node.value : (node as { toJSON?: () => unknown }).toJSON?.();
}

function positionOf(doc: Document, keys: (string | number)[], lines: LineCounter, atKey: boolean): { line: number; col: number } | undefined {
  for (let n = keys.length; n >= 0; n--) {
    const prefix = keys.slice(0, n);
    if (atKey && n === keys.length && n > 0) {
      const parent = doc.getIn(prefix.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(prefix[prefix.length - 1]));
        const range = (pair?.key as Node | undefined)?.range;
        if (range) return lines.linePos(range[0]);
      }
      continue;
    }
    const node = (n === 0 ? doc.contents : doc.getIn(prefix, true)) as Node | undefined;
    if (node?.range) return lines.linePos(node.range[0]);
  }
  return undefined;
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = levenshtein(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/**
 * The JSON Schema users point their editors at. Fields with a default are optional to write
 * (the loader fills them in), so they leave `required` there.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = JSON.parse(JSON.stringify(ConfigSchema)) as Record<string, unknown>;
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...(withoutDefaultedRequired(schema) as Record<string, unknown>) };
}

function withoutDefaultedRequired(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDefaultedRequired);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node)) out[key] = withoutDefaultedRequired(child);
  const properties = out.properties as Record<string, { default?: unknown }> | undefined;
  if (Array.isArray(out.required) && properties !== undefined) {
    const required = (out.required as string[]).filter((name) => properties[name]?.default === undefined);
    if (required.length > 0) out.required = required;
    else delete out.required;
  }
  return out;
}
