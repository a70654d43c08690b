import type { DemoVariant } from '../../../platform/lifecycle/subgraph-definition.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import type { CatalogConfig } from '../config.ts';
import { slugify } from '../domain/slug.ts';
import type { Category } from '../domain/category.ts';
import type { ProductStatus } from '../domain/product.ts';
import { createCatalogPrisma, type Prisma } from './prisma.ts';

/**
 * Demo data for a fresh catalog: a category tree and 1,000 products spread over the given
 * vendors. Deterministic (one seeded PRNG, fixed dates, ids drawn from it), so every developer
 * sees the same shop; idempotent (nothing happens once any product exists).
 */
export const DEMO_PRODUCT_COUNT = 1_000;
const SEED = 20_250_101;
const EPOCH = Date.UTC(2025, 0, 1);
const DAY_MS = 86_400_000;

/** mulberry32: a tiny, good-enough PRNG with a 32-bit state. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const between = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

/** A version-4-shaped UUID from the PRNG, so ids are stable across seeds. */
function uuidFrom(random: Random): string {
  const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

type OptionKind = 'apparel' | 'shoes' | 'colour' | 'capacity' | 'single';

interface Leaf {
  name: string;
  slug?: string;
  nouns: string[];
  features: string[];
  options: OptionKind;
  /** Price band in EUR cents. */
  price: [number, number];
}

interface Branch {
  name: string;
  slug?: string;
  children: (Branch | Leaf)[];
}

const TREE: Branch[] = [
  {
    name: 'Electronics',
    children: [
      {
        name: 'Audio',
        children: [
          { name: 'Headphones', nouns: ['Headphones', 'Earbuds', 'Headset'], features: ['Wireless', 'Noise-Cancelling', 'Studio', 'Bluetooth', 'Over-Ear'], options: 'colour', price: [2_900, 34_900] },
          { name: 'Speakers', nouns: ['Speaker', 'Soundbar', 'Boombox'], features: ['Portable', 'Waterproof', 'Smart', 'Bluetooth'], options: 'colour', price: [3_900, 49_900] },
        ],
      },
      {
        name: 'Computers',
        children: [
          { name: 'Laptops', nouns: ['Laptop', 'Notebook', 'Ultrabook'], features: ['Slim', 'Gaming', '14-inch', '16-inch', 'Pro'], options: 'capacity', price: [49_900, 249_900] },
          { name: 'Keyboards', nouns: ['Keyboard', 'Keypad'], features: ['Mechanical', 'Wireless', 'Compact', 'Backlit'], options: 'colour', price: [2_900, 19_900] },
        ],
      },
      {
        name: 'Phones',
        children: [
          { name: 'Smartphones', nouns: ['Smartphone', 'Phone'], features: ['5G', 'Compact', 'Camera', 'Pro'], options: 'capacity', price: [19_900, 129_900] },
          { name: 'Phone Cases', nouns: ['Phone Case', 'Folio Case', 'Bumper'], features: ['Leather', 'Silicone', 'Rugged', 'Clear'], options: 'colour', price: [900, 4_900] },
        ],
      },
      { name: 'Cameras', nouns: ['Camera', 'Action Cam', 'Lens'], features: ['Mirrorless', 'Compact', '4K', 'Instant'], options: 'single', price: [9_900, 199_900] },
    ],
  },
  {
    name: 'Fashion',
    children: [
      {
        name: 'Men',
        slug: 'mens-fashion',
        children: [
          { name: 'Shirts', slug: 'mens-shirts', nouns: ['Shirt', 'Oxford Shirt', 'Polo'], features: ['Linen', 'Cotton', 'Summer', 'Slim-Fit', 'Flannel'], options: 'apparel', price: [1_900, 8_900] },
          { name: 'Jackets', slug: 'mens-jackets', nouns: ['Jacket', 'Parka', 'Bomber'], features: ['Waterproof', 'Quilted', 'Denim', 'Wool'], options: 'apparel', price: [4_900, 29_900] },
          { name: 'Shoes', slug: 'mens-shoes', nouns: ['Sneakers', 'Boots', 'Loafers'], features: ['Leather', 'Canvas', 'Running', 'Suede'], options: 'shoes', price: [3_900, 19_900] },
        ],
      },
      {
        name: 'Women',
        slug: 'womens-fashion',
        children: [
          { name: 'Dresses', nouns: ['Dress', 'Maxi Dress', 'Wrap Dress'], features: ['Linen', 'Floral', 'Summer', 'Evening'], options: 'apparel', price: [2_900, 14_900] },
          { name: 'Tops', nouns: ['Top', 'Blouse', 'T-Shirt'], features: ['Cotton', 'Silk', 'Striped', 'Relaxed'], options: 'apparel', price: [1_500, 6_900] },
          { name: 'Shoes', slug: 'womens-shoes', nouns: ['Sandals', 'Ankle Boots', 'Sneakers'], features: ['Leather', 'Suede', 'Platform', 'Running'], options: 'shoes', price: [3_900, 17_900] },
        ],
      },
      {
        name: 'Accessories',
        children: [
          { name: 'Bags', nouns: ['Backpack', 'Tote Bag', 'Messenger Bag'], features: ['Leather', 'Canvas', 'Travel', 'Everyday'], options: 'colour', price: [2_900, 24_900] },
          { name: 'Watches', nouns: ['Watch', 'Chronograph', 'Smartwatch'], features: ['Automatic', 'Minimalist', 'Sport', 'Classic'], options: 'colour', price: [4_900, 59_900] },
        ],
      },
    ],
  },
  {
    name: 'Home',
    children: [
      {
        name: 'Kitchen',
        children: [
          { name: 'Cookware', nouns: ['Frying Pan', 'Saucepan', 'Dutch Oven', 'Wok'], features: ['Cast Iron', 'Non-Stick', 'Stainless', 'Copper'], options: 'capacity', price: [1_900, 24_900] },
          { name: 'Coffee & Tea', slug: 'coffee-and-tea', nouns: ['Coffee Grinder', 'French Press', 'Teapot', 'Kettle'], features: ['Ceramic', 'Electric', 'Glass', 'Manual'], options: 'colour', price: [1_500, 19_900] },
        ],
      },
      {
        name: 'Furniture',
        children: [
          { name: 'Chairs', nouns: ['Chair', 'Armchair', 'Stool'], features: ['Oak', 'Ergonomic', 'Velvet', 'Folding'], options: 'colour', price: [4_900, 69_900] },
          { name: 'Tables', nouns: ['Table', 'Desk', 'Side Table'], features: ['Oak', 'Walnut', 'Marble', 'Standing'], options: 'single', price: [7_900, 119_900] },
        ],
      },
      {
        name: 'Decor',
        children: [
          { name: 'Lamps', nouns: ['Lamp', 'Floor Lamp', 'Pendant Light'], features: ['Brass', 'Paper', 'Dimmable', 'Ceramic'], options: 'colour', price: [2_900, 29_900] },
          { name: 'Rugs', nouns: ['Rug', 'Runner', 'Mat'], features: ['Wool', 'Jute', 'Hand-Woven', 'Berber'], options: 'capacity', price: [3_900, 49_900] },
        ],
      },
    ],
  },
  {
    name: 'Sports & Outdoors',
    slug: 'sports-and-outdoors',
    children: [
      {
        name: 'Fitness',
        children: [
          { name: 'Yoga', nouns: ['Yoga Mat', 'Yoga Block', 'Yoga Strap'], features: ['Cork', 'Non-Slip', 'Travel', 'Eco'], options: 'colour', price: [900, 8_900] },
          { name: 'Weights', nouns: ['Dumbbell Set', 'Kettlebell', 'Weight Plate'], features: ['Adjustable', 'Cast Iron', 'Rubber', 'Vinyl'], options: 'capacity', price: [1_900, 29_900] },
        ],
      },
      {
        name: 'Camping',
        children: [
          { name: 'Tents', nouns: ['Tent', 'Shelter', 'Tarp'], features: ['2-Person', '4-Person', 'Ultralight', 'Waterproof'], options: 'single', price: [4_900, 59_900] },
          { name: 'Backpacks', slug: 'hiking-backpacks', nouns: ['Hiking Backpack', 'Daypack', 'Trekking Pack'], features: ['30L', '45L', 'Ultralight', 'Waterproof'], options: 'colour', price: [3_900, 24_900] },
        ],
      },
      { name: 'Cycling', nouns: ['Bike Helmet', 'Bike Light', 'Cycling Jersey'], features: ['Aero', 'Rechargeable', 'Breathable', 'Reflective'], options: 'apparel', price: [1_900, 19_900] },
    ],
  },
  {
    name: 'Beauty',
    children: [
      { name: 'Skincare', nouns: ['Face Cream', 'Serum', 'Cleanser'], features: ['Hydrating', 'Vitamin C', 'Gentle', 'Night'], options: 'capacity', price: [900, 7_900] },
      { name: 'Fragrance', nouns: ['Eau de Parfum', 'Cologne', 'Body Mist'], features: ['Citrus', 'Woody', 'Floral', 'Amber'], options: 'capacity', price: [1_900, 14_900] },
      { name: 'Haircare', nouns: ['Shampoo', 'Conditioner', 'Hair Oil'], features: ['Argan', 'Repairing', 'Volumising', 'Sulfate-Free'], options: 'capacity', price: [700, 4_900] },
    ],
  },
  {
    name: 'Toys & Games',
    slug: 'toys-and-games',
    children: [
      { name: 'Board Games', nouns: ['Board Game', 'Strategy Game', 'Party Game'], features: ['Family', 'Cooperative', 'Classic', 'Travel'], options: 'single', price: [1_500, 7_900] },
      { name: 'Puzzles', nouns: ['Jigsaw Puzzle', 'Puzzle Box', 'Brain Teaser'], features: ['1000-Piece', 'Wooden', '3D', 'Panorama'], options: 'single', price: [900, 4_900] },
      { name: 'Building Sets', nouns: ['Building Set', 'Construction Kit', 'Robot Kit'], features: ['Creative', 'Space', 'City', 'Engineering'], options: 'single', price: [1_900, 14_900] },
    ],
  },
];

const BRANDS = ['Aurora', 'Nordic', 'Summit', 'Velvet', 'Ember', 'Harbor', 'Atlas', 'Juniper', 'Cobalt', 'Willow', 'Granite', 'Lumen', 'Maple', 'Orbit', 'Sable', 'Tidal'];
const COLOURS = ['Black', 'White', 'Navy', 'Red', 'Forest Green', 'Grey', 'Sand', 'Sky Blue'];
const SIZES = ['XS', 'S', 'M', 'L', 'XL'];
const SHOE_SIZES = ['38', '39', '40', '41', '42', '43', '44', '45'];
const CAPACITIES = ['Small', 'Medium', 'Large', 'Family'];
const QUALITIES = ['Built to last', 'Designed in small batches', 'Made from responsibly sourced materials', 'Loved by our customers', 'A bestseller this season'];
const USES = ['for everyday use', 'for weekends away', 'for the home', 'as a thoughtful gift', 'for work and play'];

const isLeaf = (node: Branch | Leaf): node is Leaf => 'nouns' in node;


function buildCategories(random: Random): { categories: Category[]; leaves: { id: string; leaf: Leaf }[] } {
  const categories: Category[] = [];
  const leaves: { id: string; leaf: Leaf }[] = [];
  const walk = (node: Branch | Leaf, parent: Category | null) => {
    const id = uuidFrom(random);
    const row: Category = {
      id,
      name: node.name,
      slug: node.slug ?? slugify(node.name),
      parentId: parent?.id ?? null,
      pathIds: [...(parent?.pathIds ?? []), id],
      depth: parent ? parent.depth + 1 : 0,
      createdAt: new Date(EPOCH),
    };
    categories.push(row);
    if (isLeaf(node)) leaves.push({ id, leaf: node });
    else for (const child of node.children) walk(child, row);
  };
  for (const root of TREE) walk(root, null);
  return { categories, leaves };
}

function optionSets(kind: OptionKind, random: Random): { title: string | null; options: { name: string; value: string }[] }[] {
  const count = between(random, 1, 4);
  const colours = shuffled(random, COLOURS);
  switch (kind) {
    case 'apparel': {
      const colour = pick(random, COLOURS);
      return SIZES.slice(between(random, 0, 1)).slice(0, count).map((size) => ({
        title: `${colour} / ${size}`,
        options: [
          { name: 'Colour', value: colour },
          { name: 'Size', value: size },
        ],
      }));
    }
    case 'shoes':
      return SHOE_SIZES.slice(between(random, 0, 4)).slice(0, count).map((size) => ({ title: `EU ${size}`, options: [{ name: 'Size', value: size }] }));
    case 'colour':
      return colours.slice(0, count).map((colour) => ({ title: colour, options: [{ name: 'Colour', value: colour }] }));
    case 'capacity':
      return CAPACITIES.slice(0, count).map((size) => ({ title: size, options: [{ name: 'Size', value: size }] }));
    case 'single':
      return [{ title: null, options: [] }];
  }
}

/** Prices end in .99 (or .00 for large ones), like a real shop. */
function priceIn(random: Random, [min, max]: [number, number]): number {
  const raw = between(random, min, max);
  return raw >= 100_000 ? Math.round(raw / 1_000) * 1_000 : Math.max(99, Math.round(raw / 100) * 100 - 1);
}

function statusFor(random: Random): ProductStatus {
  const roll = random();
  return roll < 0.85 ? 'ACTIVE' : roll < 0.95 ? 'DRAFT' : 'ARCHIVED';
}

export interface DemoCatalog {
  categories: Category[];
  products: Prisma.ProductCreateManyInput[];
  variants: Prisma.ProductVariantCreateManyInput[];
}

/** The whole demo catalog as rows, computed without a database: same vendors in, same rows out. */
export function buildDemoCatalog(vendorIds: readonly string[]): DemoCatalog {
  if (vendorIds.length === 0) throw new Error('the demo catalog needs at least one vendor id to own the products');
  const random = mulberry32(SEED);
  const { categories, leaves } = buildCategories(random);
  const usedSlugs = new Set<string>();
  const products: Prisma.ProductCreateManyInput[] = [];
  const variants: Prisma.ProductVariantCreateManyInput[] = [];
  for (let index = 0; index < DEMO_PRODUCT_COUNT; index += 1) {
    const { id: categoryId, leaf } = leaves[index % leaves.length] as { id: string; leaf: Leaf };
    const name = `${pick(random, BRANDS)} ${pick(random, leaf.features)} ${pick(random, leaf.nouns)}`;
    let slug = slugify(name);
    for (let n = 2; usedSlugs.has(slug); n += 1) slug = `${slugify(name)}-${n}`;
    usedSlugs.add(slug);
    const id = uuidFrom(random);
    const basePrice = priceIn(random, leaf.price);
    const sets = optionSets(leaf.options, random);
    const productVariants = sets.map((set, position) => {
      // Larger sizes cost a little more; some variants are on sale ("was" price above).
      const amount = basePrice + position * (leaf.options === 'capacity' ? Math.round(basePrice * 0.25) : 0);
      const onSale = random() < 0.2;
      return {
        id: uuidFrom(random),
        productId: id,
        sku: `${slug.slice(0, 24).toUpperCase()}-${index.toString(36).toUpperCase()}-${position + 1}`,
        title: set.title,
        options: set.options,
        priceAmount: amount,
        compareAtAmount: onSale ? amount + Math.max(100, Math.round(amount * 0.2 / 100) * 100) : null,
        currency: 'EUR',
        position,
      };
    });
    const amounts = productVariants.map((variant) => variant.priceAmount);
    const createdAt = new Date(EPOCH + Math.floor(random() * 300 * DAY_MS));
    const imageCount = between(random, 1, 3);
    products.push({
      id,
      vendorId: vendorIds[index % vendorIds.length] as string,
      categoryId,
      name,
      slug,
      description: `${name}: ${pick(random, leaf.features).toLowerCase()} ${pick(random, leaf.nouns).toLowerCase()} ${pick(random, USES)}. ${pick(random, QUALITIES)}.`,
      status: statusFor(random),
      imageUrls: Array.from({ length: imageCount }, (_, n) => `https://images.example.com/products/${slug}-${n + 1}.jpg`),
      currency: 'EUR',
      minPrice: Math.min(...amounts),
      maxPrice: Math.max(...amounts),
      createdAt,
      updatedAt: createdAt,
    });
    variants.push(...productVariants);
  }
  return { categories, products, variants };
}

/** The variants of the demo catalog's ACTIVE products, with their vendor: what other seeds stock or sell. */
export function demoVariantsOnSale(catalog: DemoCatalog): DemoVariant[] {
  const onSale = new Map(catalog.products.filter((product) => product.status === 'ACTIVE').map((product) => [product.id, product.vendorId]));
  return catalog.variants.flatMap((variant) => {
    const vendorId = onSale.get(variant.productId);
    return vendorId && variant.id ? [{ id: variant.id, sku: variant.sku, vendorId }] : [];
  });
}

export async function seedCatalogDemo(
  config: CatalogConfig,
  logger: Logger,
  vendorIds: string[],
): Promise<{ created: boolean; products: number; categories: number }> {
  const log = logger.child({ component: 'catalog-demo-seed' });
  const prisma = createCatalogPrisma(config.databaseUrl, 2);
  try {
    const existing = await prisma.product.count();
    if (existing > 0) {
      log.info({ products: existing }, 'catalog already has products; demo seed skipped');
      return { created: false, products: existing, categories: await prisma.category.count() };
    }
    const started = Date.now();
    const { categories, products, variants } = buildDemoCatalog(vendorIds);
    await prisma.$transaction(
      async (tx) => {
        // Parents before children: each level in one statement.
        const maxDepth = Math.max(...categories.map((category) => category.depth));
        for (let depth = 0; depth <= maxDepth; depth += 1) {
          await tx.category.createMany({ data: categories.filter((category) => category.depth === depth) });
        }
        await tx.product.createMany({ data: products });
        await tx.productVariant.createMany({ data: variants });
      },
      { timeout: 60_000 },
    );
    log.info(
      { products: products.length, variants: variants.length, categories: categories.length, ms: Date.now() - started },
      'catalog demo data seeded',
    );
    return { created: true, products: products.length, categories: categories.length };
  } finally {
    await prisma.$disconnect();
  }
}
