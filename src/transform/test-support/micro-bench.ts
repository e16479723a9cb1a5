/**
 * Micro-benchmark of the transform building blocks on ~64 KiB documents: a 10-operation JSON
 * mapping, field projection, guarded parsing and XML → JSON. Prints operations per second;
 * compare runs on one machine, not numbers across machines.
 *
 *   npx tsx src/transform/test-support/micro-bench.ts
 */
import { readFileSync } from 'node:fs';
import { createXmlToJson } from '../../codecs/xml/index.js';
import { createJsonGuard } from '../json-guard/index.js';
import { compileJsonOps, type JsonOpInput } from '../json-ops/index.js';
import { parseFields, projectAt } from '../projection/index.js';

const base = JSON.parse(readFileSync(new URL('../fixtures/shopify-products.json', import.meta.url), 'utf8')) as { products: unknown[] };
const products: unknown[] = [];
while (JSON.stringify({ products }).length < 64 * 1024) products.push(...base.products.map((p) => structuredClone(p)));
const jsonText = JSON.stringify({ products });

const ops: JsonOpInput[] = [
  { op: 'move', from: '/products', to: '' },
  {
    op: 'map',
    path: '',
    ops: [
      { op: 'remove', path: '/body_html' },
      { op: 'rename', path: '/title', to: 'name' },
      { op: 'coerce', path: '/id', to: 'string' },
      { op: 'coerce', path: '/updated_at', to: 'date' },
      { op: 'set', path: '/currency', value: 'USD' },
      { op: 'map', path: '/variants', ops: [{ op: 'coerce', path: '/price', to: 'decimal' }, { op: 'rename', path: '/inventory_quantity', to: 'stock' }] },
    ],
  },
  { op: 'wrap', key: 'data' },
];
const transform = compileJsonOps(ops);
const selection = parseFields('id,title,variants(id,price)');
const guard = createJsonGuard();

const xmlProduct = readFileSync(new URL('../../codecs/xml/fixtures/prestashop-products.xml', import.meta.url), 'utf8');
const inner = xmlProduct.slice(xmlProduct.indexOf('<product>'), xmlProduct.lastIndexOf('</products>'));
let xmlBody = '';
while (xmlBody.length < 64 * 1024) xmlBody += inner;
const xml = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><prestashop xmlns:xlink="http://www.w3.org/1999/xlink"><products>${xmlBody}</products></prestashop>`);
const xmlToJson = createXmlToJson({ alwaysArray: ['product', 'language'] });

function bench(name: string, fn: () => unknown): void {
  for (let i = 0; i < 200; i++) fn();
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < 1000) {
    fn();
    n++;
  }
  console.log(`${name.padEnd(40)} ${Math.round((n * 1000) / (performance.now() - start))} ops/s`);
}

console.log(`JSON ${jsonText.length} bytes, ${products.length} products; XML ${xml.length} bytes`);
bench('JSON.parse (baseline)', () => JSON.parse(jsonText));
bench('json-guard parse', () => guard.parse(jsonText));
bench('parse + 10-op transform (copy-on-write)', () => transform(JSON.parse(jsonText)));
bench('parse + 10-op transform (in place)', () => transform(JSON.parse(jsonText), { inPlace: true }));
bench('parse + projection', () => projectAt(JSON.parse(jsonText), ['products'], selection));
bench('xml-to-json', () => xmlToJson(xml));
