/**
 * The response bodies the upstream serves, deterministic and built at run time:
 *   small     a ~200-byte JSON object (a typical small API answer)
 *   64KiB     a 64 KiB JSON list (a page of records)
 *   products  a 64 KiB JSON page of products shaped like a commerce API's (variants, images,
 *             dates with offsets, prices as loose strings): the input of the transform variant
 *   xml       a 64 KiB XML document shaped like a PrestaShop web-service answer (attributes,
 *             CDATA, an xlink namespace): the input of the XML → JSON variant
 * `standard` bodies are run by every candidate; the others only by candidates that list them.
 */

/** A JSON object of exactly `size` bytes: the fields, then a padding string. */
function smallBody(size) {
  const base = { id: 'prod_000123', name: 'Blue cotton t-shirt', price: '19.90', currency: 'EUR', stock: 42, updated_at: '2025-01-01T00:00:00Z', pad: '' };
  const without = Buffer.byteLength(JSON.stringify(base));
  base.pad = 'x'.repeat(Math.max(0, size - without));
  return Buffer.from(JSON.stringify(base));
}

/** A JSON list of records of exactly `size` bytes (the last record's padding absorbs the rest). */
function listBody(size) {
  const items = [];
  const wrap = (list) => JSON.stringify({ data: list, next_cursor: null });
  for (let i = 0; ; i++) {
    const item = { id: `prod_${String(i).padStart(6, '0')}`, title: `Product ${i}`, price: `${(i % 97) + 0.99}`, currency: 'EUR', stock: i % 50, tags: ['bench', 'json'], pad: '' };
    const next = [...items, item];
    if (Buffer.byteLength(wrap(next)) > size) break;
    items.push(item);
  }
  const last = items[items.length - 1];
  last.pad = 'x'.repeat(size - Buffer.byteLength(wrap(items)));
  return Buffer.from(wrap(items));
}

/** A small deterministic generator (LCG), so every run serves the same bytes. */
function prng(seed) {
  let state = seed >>> 0;
  return {
    next() {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    },
    int(min, max) {
      return min + Math.floor(this.next() * (max - min + 1));
    },
    pick(list) {
      return list[Math.floor(this.next() * list.length)];
    },
  };
}

const ADJECTIVES = ['Blue', 'Organic', 'Classic', 'Rugged', 'Slim', 'Vintage', 'Everyday', 'Premium', 'Light', 'Waxed'];
const NOUNS = ['T-shirt', 'Hoodie', 'Backpack', 'Water bottle', 'Sneaker', 'Rain jacket', 'Beanie', 'Tote bag', 'Mug', 'Notebook'];
const VENDORS = ['Trail Supply', 'Northwind', 'Acme Goods', 'Fjord & Co'];
const TYPES = ['Apparel', 'Bags', 'Drinkware', 'Footwear', 'Stationery'];
const TAGS = ['cotton', 'summer', 'sale', 'new', 'eco', 'gift', 'outdoor', 'limited'];
const SIZES = ['XS', 'S', 'M', 'L', 'XL'];
const PRICES = ['9.9', '12', '19.9', '24.5', '39', '49.99', '64.9', '129.99', '7.5', '18'];

function localTime(rng, offset) {
  const day = rng.int(1, 28);
  const month = rng.int(1, 12);
  const pad = (n) => String(n).padStart(2, '0');
  return `2025-${pad(month)}-${pad(day)}T${pad(rng.int(0, 23))}:${pad(rng.int(0, 59))}:${pad(rng.int(0, 59))}${offset}`;
}

/** One product as a commerce REST API returns it (Shopify-like field names). */
function product(rng, i) {
  const id = 8_100_000_000 + i;
  const title = `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)} ${i}`;
  const handle = title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const price = rng.pick(PRICES);
  const sizes = SIZES.slice(0, rng.int(1, 3));
  return {
    id,
    title,
    handle,
    body_html: `<p>${title} by ${rng.pick(VENDORS)}: made to last.</p>`,
    vendor: rng.pick(VENDORS),
    product_type: rng.pick(TYPES),
    status: rng.next() < 0.85 ? 'active' : 'draft',
    tags: [rng.pick(TAGS), rng.pick(TAGS)].join(', '),
    created_at: localTime(rng, '-05:00'),
    updated_at: localTime(rng, '-04:00'),
    variants: sizes.map((size, k) => ({
      id: 4_400_000_000 + i * 10 + k,
      product_id: id,
      title: size,
      sku: `${handle.slice(0, 10).toUpperCase()}-${i}-${size}`,
      price,
      compare_at_price: rng.next() < 0.3 ? '99.9' : null,
      inventory_quantity: rng.int(0, 120),
      weight: rng.int(50, 900) / 1000,
      weight_unit: 'kg',
      requires_shipping: true,
      taxable: true,
      barcode: String(rng.int(100_000_000, 999_999_999)),
    })),
    images: [{ id: 3_300_000_000 + i, position: 1, src: `https://cdn.example.com/files/${handle}.jpg`, width: 800, height: 800 }],
  };
}

/** `{ "products": [...] }` of exactly `size` bytes (the last product's body_html absorbs the rest). */
function productsBody(size) {
  const rng = prng(7);
  const products = [];
  const wrap = (list) => JSON.stringify({ products: list });
  for (let i = 1; ; i++) {
    const next = product(rng, i);
    if (Buffer.byteLength(wrap([...products, next])) > size - 64) break;
    products.push(next);
  }
  const last = products[products.length - 1];
  last.body_html += ' '.repeat(size - Buffer.byteLength(wrap(products)));
  return Buffer.from(wrap(products));
}

/** A PrestaShop-style `<prestashop><products><product>…` document of exactly `size` bytes. */
function xmlBody(size) {
  const rng = prng(11);
  const head = '<?xml version="1.0" encoding="UTF-8"?>\n<prestashop xmlns:xlink="http://www.w3.org/1999/xlink">\n<products>\n';
  const tail = '</products>\n</prestashop>\n';
  const item = (i, pad = '') => {
    const name = `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)} ${i}`;
    return `<product id="${i}" xlink:href="https://shop.example.com/api/products/${i}">
  <id><![CDATA[${i}]]></id>
  <reference><![CDATA[REF-${String(i).padStart(5, '0')}]]></reference>
  <price><![CDATA[${rng.pick(PRICES)}0000]]></price>
  <active><![CDATA[${rng.next() < 0.9 ? 1 : 0}]]></active>
  <date_upd><![CDATA[2025-0${rng.int(1, 9)}-1${rng.int(0, 9)} 1${rng.int(0, 9)}:3${rng.int(0, 9)}:0${rng.int(0, 9)}]]></date_upd>
  <name><language id="1" xlink:href="https://shop.example.com/api/languages/1"><![CDATA[${name}]]></language><language id="2" xlink:href="https://shop.example.com/api/languages/2"><![CDATA[${name} (fr)]]></language></name>
  <description_short><language id="1"><![CDATA[<p>${name}: made to last.${pad}</p>]]></language></description_short>
  <associations><categories nodeType="category" api="categories"><category xlink:href="https://shop.example.com/api/categories/${rng.int(2, 40)}"><id><![CDATA[${rng.int(2, 40)}]]></id></category></categories></associations>
</product>
`;
  };
  const items = [];
  let used = Buffer.byteLength(head) + Buffer.byteLength(tail);
  for (let i = 1; ; i++) {
    const next = item(i);
    if (used + Buffer.byteLength(next) > size - 200) break;
    items.push(next);
    used += Buffer.byteLength(next);
  }
  // The last product's short description absorbs the remaining bytes.
  items[items.length - 1] = items[items.length - 1].replace('made to last.</p>', `made to last.${' '.repeat(size - used)}</p>`);
  const out = Buffer.from(head + items.join('') + tail);
  if (out.length !== size) throw new Error(`xml body is ${out.length} bytes, not ${size}`);
  return out;
}

/**
 * The bodies measured, in report order. `path` is the same on the upstream and every proxy;
 * `file` is what the upstream serves it from (extension → content type).
 */
export const BODIES = [
  { name: 'small', label: '~200 B', path: '/small', file: 'small.json', content: smallBody(200), standard: true },
  { name: '64KiB', label: '64 KiB', path: '/big', file: 'big.json', content: listBody(64 * 1024), standard: true },
  { name: 'products', label: '64 KiB JSON products', path: '/products', file: 'products.json', content: productsBody(64 * 1024), standard: false },
  { name: 'xml', label: '64 KiB XML', path: '/catalog', file: 'catalog.xml', content: xmlBody(64 * 1024), standard: false },
];
