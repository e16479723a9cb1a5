/**
 * Path rewrite: a template (`/v2/items/{params.id}`) or a regular expression with captures
 * (`{1}`, `{name}`) matched against the raw, percent-encoded path. The result must be a safe
 * origin-form path (RFC 9112 §3.2.1): it starts with `/` and has no `?`, `#`, controls or dot
 * segments, so a client value cannot steer the request to another upstream resource.
 *
 *   path: { regex: "^/shop/products/(?<id>[0-9]+)$", replacement: "/admin/api/2024-01/products/{id}.json" }
 */
import { compileTemplate, TemplateError, type CompiledTemplate, type TemplateScope, type TemplateValues } from '../template/template.js';
import { checkKeys, HttpOpsError } from './errors.js';
import type { PathRewriteInput } from './schema.js';

/** Takes the raw path (no query) and returns the path to send. */
export type PathTransform = (path: string, values: TemplateValues) => string;

export interface PathRewriteOptions {
  readonly scope: TemplateScope;
  /** Config path of the rewrite, prefixed to error paths. */
  readonly at?: string;
}

// Dot segments, literal or percent-encoded (RFC 3986 §2.3: %2E is equivalent to ".").
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;
// Bytes an origin-form path never carries as they are (RFC 3986 §3.3 pchar).
const NOT_PATH = /[?#\s\x00-\x1f\x7f\\]/;

export function compilePathRewrite(config: PathRewriteInput, options: PathRewriteOptions): PathTransform {
  const at = options.at ?? '';
  checkKeys(config, 'template' in config ? ['template'] : ['regex', 'replacement'], at);
  if ('template' in config) {
    const template = compilePathTemplate(config.template, options.scope, `${at}.template`);
    return function rewritePath(_path, values) {
      return render(template, values);
    };
  }

  let regex: RegExp;
  try {
    regex = new RegExp(config.regex);
  } catch (err) {
    throw new HttpOpsError('invalid_config', `invalid regular expression: ${(err as Error).message}`, 'compile', { path: `${at}.regex` }, { cause: err });
  }
  // An alternation with the empty string always matches, which reveals every group.
  const probe = new RegExp(`(?:${config.regex})|`).exec('')!;
  const groupCount = probe.length - 1;
  const groupNames = Object.keys(probe.groups ?? {});
  const captureScope: Record<string, { verbatim: true }> = {};
  for (let g = 1; g <= groupCount; g++) captureScope[String(g)] = { verbatim: true };
  for (const name of groupNames) captureScope[name] = { verbatim: true };
  const template = compilePathTemplate(config.replacement, { ...options.scope, ...captureScope }, `${at}.replacement`);

  return function rewritePath(path, values) {
    const match = regex.exec(path);
    if (match === null) return path;
    const scoped: Record<string, TemplateValues[string]> = { ...values };
    for (let g = 1; g <= groupCount; g++) scoped[String(g)] = match[g] ?? '';
    if (match.groups !== undefined) for (const name of groupNames) scoped[name] = match.groups[name] ?? '';
    return render(template, scoped);
  };
}

function compilePathTemplate(source: string, scope: TemplateScope, path: string): CompiledTemplate {
  if (!source.startsWith('/')) throw new HttpOpsError('invalid_config', 'a path template must start with "/"', 'compile', { path });
  let template: CompiledTemplate;
  try {
    template = compileTemplate(source, { scope, encoding: 'path' });
  } catch (err) {
    if (err instanceof TemplateError) throw new HttpOpsError('invalid_config', err.message, 'compile', { path }, { cause: err });
    throw err;
  }
  if (template.constant !== undefined) checkPath(template.constant, 'compile', path);
  return template;
}

function render(template: CompiledTemplate, values: TemplateValues): string {
  let text: string | undefined;
  try {
    text = template.render(values);
  } catch (err) {
    if (err instanceof TemplateError) throw new HttpOpsError('unsafe_path', err.message, 'run', {}, { cause: err });
    throw err;
  }
  if (text === undefined) {
    throw new HttpOpsError('missing_value', `the path template ${template.source} uses a variable with no value for this request`, 'run');
  }
  if (template.constant === undefined) checkPath(text, 'run');
  return text;
}

function checkPath(path: string, phase: 'compile' | 'run', configPath?: string): void {
  if (!path.startsWith('/') || path.startsWith('//') || NOT_PATH.test(path) || DOT_SEGMENT.test(path)) {
    throw new HttpOpsError('unsafe_path', `the rewritten path ${JSON.stringify(path.slice(0, 200))} is not a safe path`, phase, configPath === undefined ? {} : { path: configPath });
  }
}
