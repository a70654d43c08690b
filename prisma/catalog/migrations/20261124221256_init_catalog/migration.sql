-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ProductStatus" AS ENUM ('DRAFT', 'ACTIVE', 'ARCHIVED');

-- CreateTable
CREATE TABLE "categories" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "parent_id" UUID,
    "path_ids" UUID[],
    "depth" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "categories_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "products" (
    "id" UUID NOT NULL,
    "vendor_id" UUID NOT NULL,
    "category_id" UUID,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "status" "ProductStatus" NOT NULL DEFAULT 'DRAFT',
    "image_urls" TEXT[],
    "currency" CHAR(3) NOT NULL,
    "min_price" INTEGER NOT NULL,
    "max_price" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "products_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "product_variants" (
    "id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "title" TEXT,
    "options" JSONB NOT NULL DEFAULT '[]',
    "price_amount" INTEGER NOT NULL,
    "compare_at_amount" INTEGER,
    "currency" CHAR(3) NOT NULL,
    "position" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "product_variants_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "categories_slug_key" ON "categories"("slug");

-- CreateIndex
CREATE INDEX "categories_parent_id_idx" ON "categories"("parent_id");

-- CreateIndex
CREATE INDEX "categories_path_ids_idx" ON "categories" USING GIN ("path_ids");

-- CreateIndex
CREATE UNIQUE INDEX "products_slug_key" ON "products"("slug");

-- CreateIndex
CREATE INDEX "products_status_created_at_id_idx" ON "products"("status", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "products_status_min_price_id_idx" ON "products"("status", "min_price", "id");

-- CreateIndex
CREATE INDEX "products_vendor_id_status_created_at_idx" ON "products"("vendor_id", "status", "created_at" DESC);

-- CreateIndex
CREATE INDEX "products_category_id_status_idx" ON "products"("category_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "product_variants_sku_key" ON "product_variants"("sku");

-- CreateIndex
CREATE INDEX "product_variants_product_id_position_idx" ON "product_variants"("product_id", "position");

-- CreateIndex
CREATE INDEX "product_variants_product_id_price_amount_idx" ON "product_variants"("product_id", "price_amount");

-- AddForeignKey
ALTER TABLE "categories" ADD CONSTRAINT "categories_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "categories"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "products" ADD CONSTRAINT "products_category_id_fkey" FOREIGN KEY ("category_id") REFERENCES "categories"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "product_variants" ADD CONSTRAINT "product_variants_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Hand-written below: what Prisma's schema language cannot express. Not in schema.prisma on
-- purpose (a generated column is not a DEFAULT, see subgraphs/catalog/README.md, gotchas).
-- No semicolons in comments here: the migration runner splits the script on them.
-- ---------------------------------------------------------------------------------------------

-- Money never goes negative and a "was" price must be above the price it is shown beside.
ALTER TABLE "product_variants" ADD CONSTRAINT "product_variants_price_non_negative" CHECK ("price_amount" >= 0);
ALTER TABLE "product_variants" ADD CONSTRAINT "product_variants_compare_at_above_price"
  CHECK ("compare_at_amount" IS NULL OR "compare_at_amount" > "price_amount");
ALTER TABLE "products" ADD CONSTRAINT "products_price_range_valid" CHECK ("min_price" >= 0 AND "max_price" >= "min_price");

-- Full-text search. Two configurations in one vector: 'english' stems whole words (so
-- "headphone" finds "Headphones", "shirts" finds "Shirt"), while 'simple' keeps words unstemmed so a
-- prefix query ("runnin:*") still matches "running", which stemming would have cut to "run".
-- Name weighs A, description B.
ALTER TABLE "products" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english'::regconfig, coalesce("name", '')), 'A') ||
  setweight(to_tsvector('simple'::regconfig, coalesce("name", '')), 'A') ||
  setweight(to_tsvector('english'::regconfig, coalesce("description", '')), 'B') ||
  setweight(to_tsvector('simple'::regconfig, coalesce("description", '')), 'B')
) STORED;
CREATE INDEX "products_search_vector_idx" ON "products" USING GIN ("search_vector");

-- Typos and fragments ("hedphones", "headph"): trigram similarity on the name.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "products_name_trgm_idx" ON "products" USING GIN ("name" gin_trgm_ops);

-- NAME_ASC sorts case-insensitively and pages by (lower(name), id).
CREATE INDEX "products_status_lower_name_id_idx" ON "products" ("status", lower("name"), "id");
