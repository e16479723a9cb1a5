/**
 * Customers for the neutral dataset: names, E.164 phones, one or two addresses, marketing
 * consent and account state. Order counts and totals are filled in from the orders.
 */
import type { StoreAddress, StoreCustomer } from './dataset-types.js';
import { derivePrng, slotTime } from './prng.js';
import { COMPANIES, FIRST_NAMES, LAST_NAMES, PLACES, STREETS } from './words.js';

export function generateCustomer(
  seed: number,
  i: number,
  count: number,
  start: number,
  span: number,
  addressCounter: { next: number },
): StoreCustomer {
  const rng = derivePrng(seed, 'customer', i);
  const id = i + 1;
  const firstName = rng.pick(FIRST_NAMES);
  const lastName = rng.pick(LAST_NAMES);
  const createdAt = slotTime(rng, i, count, start, span);
  const phone = rng.chance(0.7) ? `+1${rng.pick(['303', '512', '503', '718'])}555${String(rng.int(1000, 9999))}` : null;
  const company = rng.pick(COMPANIES);
  const addresses: StoreAddress[] = Array.from({ length: rng.int(1, 2) }, (_, k) => {
    const place = rng.pick(PLACES);
    addressCounter.next++;
    return {
      id: addressCounter.next,
      firstName,
      lastName,
      company,
      address1: `${rng.int(1, 999)} ${rng.pick(STREETS)}`,
      address2: rng.chance(0.2) ? `Apt ${rng.int(1, 40)}` : '',
      phone: phone ?? '',
      isDefault: k === 0,
      city: place.city,
      province: place.province,
      provinceCode: place.provinceCode,
      country: place.country,
      countryCode: place.countryCode,
      zip: place.zip,
      latitude: place.latitude,
      longitude: place.longitude,
    };
  });
  const stateRoll = rng.next();
  return {
    id,
    email: `${firstName}.${lastName}.${id}@example.org`.toLowerCase(),
    firstName,
    lastName,
    phone,
    company,
    createdAt,
    updatedAt: createdAt,
    addresses,
    acceptsMarketing: rng.chance(0.4),
    state: stateRoll < 0.85 ? 'enabled' : stateRoll < 0.93 ? 'disabled' : stateRoll < 0.98 ? 'invited' : 'declined',
    verifiedEmail: rng.chance(0.9),
    taxExempt: rng.chance(0.03),
    tags: rng.chance(0.15) ? ['vip'] : [],
    note: rng.chance(0.1) ? 'Prefers email contact.' : null,
    groupId: rng.chance(0.2) ? rng.int(1, 3) : 0,
    ordersCount: 0,
    totalSpentCents: 0,
    lastOrderId: null,
  };
}
