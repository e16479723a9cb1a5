/** Test helpers: validate policies from YAML with a captured log, and the error a request gets. */
import type { UnigateError } from '../../errors/unigate-error.js';
import { createLogger } from '../../observability/logger.js';
import { Metrics } from '../../observability/metrics.js';
import { readConfig } from '../../transform/test-support/config.js';
import type { Policy } from '../policy.js';
import { testContext, type TestRequest } from '../test-support/context.js';
import { createValidate } from './index.js';
import { ValidateSchema } from './schema.js';

export function validatePolicies(yaml: string, lines: string[] = [], metrics = new Metrics()): Policy[] {
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
  return createValidate(readConfig(ValidateSchema, yaml), { routeName: 'orders', logger, metrics, maxResponseBytes: 1024 * 1024 });
}

/** The error onRequest throws, or undefined when the request passes. */
export async function refusal(p: Policy, request: TestRequest): Promise<UnigateError | undefined> {
  try {
    await p.onRequest!(testContext(request));
    return undefined;
  } catch (err) {
    return err as UnigateError;
  }
}
