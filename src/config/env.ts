/**
 * `${VAR}` and `${VAR:-default}` substitution in config string values; `$${…}` is a literal.
 * Substitution happens per scalar after YAML parsing, so a variable's value can never
 * change the document's structure.
 */
const REFERENCE = /\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export class MissingVariableError extends Error {
  constructor(readonly variable: string) {
    super(`environment variable ${variable} is not set and has no default (write \${${variable}:-default})`);
  }
}

export function hasReference(text: string): boolean {
  REFERENCE.lastIndex = 0;
  return REFERENCE.test(text);
}

export function substituteVariables(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(REFERENCE, (whole, escaped: string | undefined, name: string, fallback: string | undefined) => {
    if (escaped !== undefined) return whole.slice(1);
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    throw new MissingVariableError(name);
  });
}

/** True when the whole scalar is one reference, so its value may become a number or boolean. */
export function isWholeReference(text: string): boolean {
  return /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/.test(text);
}
