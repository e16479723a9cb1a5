/**
 * Response status mapping compiled into a lookup table: exact codes first, then classes.
 *
 *   status: [{ from: 404, to: 200 }, { from: 5xx, to: 502 }]
 */
import { checkKeys, HttpOpsError } from './errors.js';
import type { StatusMappingInput } from './schema.js';

export type StatusTransform = (status: number) => number;

export function compileStatusMap(mappings: readonly StatusMappingInput[], at = ''): StatusTransform {
  if (mappings.length === 0) return (status) => status;
  const table = new Uint16Array(600);
  const exact = new Set<number>();
  const classes = new Set<number>();
  for (const [index, mapping] of mappings.entries()) {
    const path = `${at}[${index}].from`;
    checkKeys(mapping, ['from', 'to'], `${at}[${index}]`);
    if (!Number.isInteger(mapping.to) || mapping.to < 100 || mapping.to > 599) {
      throw new HttpOpsError('invalid_config', `status ${mapping.to} is outside 100-599`, 'compile', { path: `${at}[${index}].to` });
    }
    if (typeof mapping.from === 'number') {
      if (!Number.isInteger(mapping.from) || mapping.from < 100 || mapping.from > 599) {
        throw new HttpOpsError('invalid_config', `status ${mapping.from} is outside 100-599`, 'compile', { path });
      }
      if (exact.has(mapping.from)) throw new HttpOpsError('invalid_config', `status ${mapping.from} is mapped twice`, 'compile', { path });
      exact.add(mapping.from);
      table[mapping.from] = mapping.to;
      continue;
    }
    const match = /^([1-5])xx$/.exec(mapping.from);
    if (match === null) throw new HttpOpsError('invalid_config', `"${mapping.from}" is neither a status code nor a class such as 5xx`, 'compile', { path });
    const hundred = Number(match[1]) * 100;
    if (classes.has(hundred)) throw new HttpOpsError('invalid_config', `status class ${mapping.from} is mapped twice`, 'compile', { path });
    classes.add(hundred);
    for (let code = hundred; code < hundred + 100; code++) if (!exact.has(code)) table[code] = mapping.to;
  }
  return function mapStatus(status) {
    const mapped = status >= 100 && status < 600 ? table[status]! : 0;
    return mapped === 0 ? status : mapped;
  };
}
