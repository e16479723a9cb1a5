/** Word lists the dataset generator draws names, places and catalog text from. */

export const ADJECTIVES = [
  'Trail', 'Harbor', 'Copper', 'Linen', 'Canvas', 'Alpine', 'Meadow', 'Cedar', 'Granite', 'Coastal',
  'Urban', 'Classic', 'Rustic', 'Nordic', 'Velvet', 'Summit', 'Field', 'Ember', 'Willow', 'Slate',
] as const;

export const NOUNS = [
  'Mug', 'Tote', 'Jacket', 'Lamp', 'Kettle', 'Backpack', 'Scarf', 'Notebook', 'Bottle', 'Blanket',
  'Apron', 'Chair', 'Bowl', 'Candle', 'Cap', 'Wallet', 'Planter', 'Towel', 'Sneaker', 'Grinder',
] as const;

export const VENDORS = ['North Kiln', 'Fog Linen', 'Oak & Iron', 'Bright Loom', 'Common Goods', 'Hollow Pine'] as const;

export const PRODUCT_TYPES = ['Kitchen', 'Apparel', 'Home', 'Outdoor', 'Stationery', 'Accessories'] as const;

export const TAGS = ['new', 'bestseller', 'eco', 'gift', 'limited', 'sale', 'handmade', 'vip'] as const;

export const CATEGORY_NAMES = [
  'Kitchen', 'Garden', 'Apparel', 'Outdoor', 'Home Decor', 'Stationery', 'Bags', 'Lighting',
  'Bath', 'Furniture', 'Footwear', 'Gifts', 'Coffee', 'Travel', 'Kids', 'Pets',
] as const;

/** Option names with their possible values; a product uses at most three. */
export const OPTIONS: ReadonlyArray<{ name: string; values: readonly string[] }> = [
  { name: 'Color', values: ['Blue', 'Red', 'Black', 'Sand', 'Olive', 'White'] },
  { name: 'Size', values: ['S', 'M', 'L', 'XL'] },
  { name: 'Material', values: ['Cotton', 'Wool', 'Steel', 'Ceramic'] },
];

export const FIRST_NAMES = [
  'Ana', 'Lee', 'Maya', 'Omar', 'Jonas', 'Priya', 'Sofia', 'Kenji', 'Lena', 'Noah',
  'Amara', 'Diego', 'Elif', 'Marek', 'Nora', 'Ravi', 'Tess', 'Yusuf', 'Ines', 'Carl',
] as const;

export const LAST_NAMES = [
  'Ruiz', 'Park', 'Novak', 'Haddad', 'Berg', 'Shah', 'Rossi', 'Tanaka', 'Klein', 'Okafor',
  'Silva', 'Moreau', 'Kaya', 'Dvorak', 'Lind', 'Iyer', 'Walsh', 'Aziz', 'Costa', 'Meyer',
] as const;

export const COMPANIES = ['', '', '', 'Acme Corp', 'Blue Door Studio', 'Northwind Traders'] as const;

export const STREETS = ['Elm St', 'Oak Ave', 'Maple Rd', 'Harbor Blvd', 'Cedar Ln', 'Main St', 'Pine Ct'] as const;

export interface Place {
  city: string;
  province: string;
  provinceCode: string;
  country: string;
  countryCode: string;
  zip: string;
  latitude: number;
  longitude: number;
  /** Sales tax rate used for orders shipped here. */
  taxRate: number;
}

export const PLACES: readonly Place[] = [
  { city: 'Denver', province: 'Colorado', provinceCode: 'CO', country: 'United States', countryCode: 'US', zip: '80202', latitude: 39.75, longitude: -104.99, taxRate: 0.08 },
  { city: 'Austin', province: 'Texas', provinceCode: 'TX', country: 'United States', countryCode: 'US', zip: '78701', latitude: 30.27, longitude: -97.74, taxRate: 0.0625 },
  { city: 'Portland', province: 'Oregon', provinceCode: 'OR', country: 'United States', countryCode: 'US', zip: '97205', latitude: 45.52, longitude: -122.68, taxRate: 0 },
  { city: 'Brooklyn', province: 'New York', provinceCode: 'NY', country: 'United States', countryCode: 'US', zip: '11201', latitude: 40.69, longitude: -73.99, taxRate: 0.08875 },
  { city: 'Chicago', province: 'Illinois', provinceCode: 'IL', country: 'United States', countryCode: 'US', zip: '60601', latitude: 41.88, longitude: -87.62, taxRate: 0.1025 },
  { city: 'Toronto', province: 'Ontario', provinceCode: 'ON', country: 'Canada', countryCode: 'CA', zip: 'M5V 2T6', latitude: 43.64, longitude: -79.39, taxRate: 0.13 },
  { city: 'Vancouver', province: 'British Columbia', provinceCode: 'BC', country: 'Canada', countryCode: 'CA', zip: 'V6B 1A1', latitude: 49.28, longitude: -123.12, taxRate: 0.12 },
];

export const PAYMENT_METHODS = ['Credit Card', 'PayPal', 'Apple Pay', 'Bank Deposit'] as const;

export const SHIPPING_METHODS: ReadonlyArray<{ title: string; code: string; cents: number }> = [
  { title: 'Free Shipping', code: 'FREE', cents: 0 },
  { title: 'Standard', code: 'STD', cents: 499 },
  { title: 'Express', code: 'EXP', cents: 1499 },
];
