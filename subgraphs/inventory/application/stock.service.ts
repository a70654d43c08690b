import { createHash } from 'node:crypto';
import { valueOrThrow } from '../../../platform/errors/graphql-errors.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { notAllowed } from '../../../platform/auth/access.ts';
import { isUuid } from '../../../platform/ids/uuid.ts';
import { pageRequest, toConnection, type Connection, type ConnectionArgs } from '../../../platform/pagination/connection.ts';
import { z } from 'zod';
import { canManageLocations, canManageStock, canMoveStockOf, canReadMovements, canSetLowStockThreshold, ownerForFirstReceipt } from '../domain/access.ts';
import { validateLowStockThreshold, type LowStockThresholdInput } from '../domain/low-stock.ts';
import { InventoryErrorCodes } from '../domain/error-codes.ts';
import {
  validateAdjustment,
  validateLocation,
  validateReceipt,
  type AdjustStockInput,
  type Availability,
  type Location,
  type ReceiveStockInput,
  type StockLevel,
  type StockMovement,
} from '../domain/stock.ts';
import type { IdempotencyClaim, StockRepository } from '../infra/stock.repository.ts';
import type { InventoryScope } from './scope.ts';

/** A variant's low-stock alert after a change of its threshold. */
export interface LowStockThreshold {
  variantId: string;
  threshold: number;
  available: number;
  low: boolean;
}

/** A page of the audit trail, as `stockMovements` returns it. */
export type StockMovementConnection = Connection<StockMovement>;

const movementCursor = z.object({ at: z.string().datetime(), id: z.string().uuid() });

/** Stock levels, receipts, adjustments and the audit trail. */
export interface StockService {
  /** Admins or the owning vendor (thrown otherwise); input problems come back as userErrors. */
  receive(scope: InventoryScope, input: ReceiveStockInput): Promise<Result<StockLevel>>;
  /** Admins or the owning vendor (thrown otherwise); input problems and going below reserved come back as userErrors. */
  adjust(scope: InventoryScope, input: AdjustStockInput): Promise<Result<StockLevel>>;
  /** Admins only (thrown otherwise). */
  createLocation(scope: InventoryScope, input: { code: string; name: string }): Promise<Result<Location>>;
  /** What shoppers see of a variant: batched per request; a variant never stocked has 0. */
  availability(scope: InventoryScope, variantId: string): Promise<Availability>;
  location(scope: InventoryScope, locationId: string): Promise<Location>;
  /**
   * Admins or the owning vendor (thrown otherwise): sets the variant's threshold and re-evaluates its
   * alert (raising inventory.low_stock when availability is at or below the new threshold and was not yet).
   */
  setLowStockThreshold(scope: InventoryScope, input: LowStockThresholdInput): Promise<Result<LowStockThreshold>>;
  /** Admins or the owning vendor (thrown otherwise). */
  movements(scope: InventoryScope, args: ConnectionArgs & { variantId: string }): Promise<StockMovementConnection>;
}

/**
 * An idempotency key as the repository stores it: per caller (two callers' keys never meet), with a
 * digest of the validated request, so a retry is recognised and another request under the key is not.
 */
function claimOf(actor: string, key: string | null, request: Record<string, unknown>): IdempotencyClaim | null {
  if (key === null) return null;
  const { idempotencyKey: _key, ...rest } = request;
  return { actor, key, requestHash: createHash('sha256').update(JSON.stringify(rest)).digest('hex') };
}

const keyReused = () =>
  fail(userError(InventoryErrorCodes.STOCK_IDEMPOTENCY_KEY_REUSED, 'This idempotency key was already used for a different stock change.', ['input', 'idempotencyKey']));

export function createStockService(deps: { stock: StockRepository }): StockService {
  return {
    async receive(scope, input) {
      valueOrThrow(canManageStock(scope.viewer));
      const valid = validateReceipt(input);
      if (!valid.ok) return valid;
      const receipt = valid.value;
      const owner = await deps.stock.ownerOf(receipt.variantId);
      const caller = valueOrThrow(canMoveStockOf(scope.viewer, owner));
      let ownerIfNew = owner;
      if (owner === null) {
        ownerIfNew = valueOrThrow(ownerForFirstReceipt(scope.viewer, input.vendorId));
        if (ownerIfNew === null) {
          return fail(userError(InventoryErrorCodes.STOCK_VENDOR_REQUIRED, 'Name the vendor that owns this variant: inventory has not stocked it before.', ['input', 'vendorId']));
        }
      }
      const location = await deps.stock.locationByCode(receipt.locationCode);
      if (!location) return fail(userError(InventoryErrorCodes.LOCATION_NOT_FOUND, 'No warehouse has this code.', ['input', 'locationCode']));
      const expectedOwner = caller.role === 'ADMIN' ? null : caller.vendorId;
      const received = await deps.stock.receive(
        { ...receipt, location, actor: caller.userId, ownerIfNew: ownerIfNew ?? '', correlationId: scope.requestId },
        expectedOwner,
        claimOf(caller.userId, receipt.idempotencyKey, { op: 'receiveStock', ...receipt, vendorId: input.vendorId ?? null }),
      );
      if (!received.ok && received.errors[0] === 'KEY_REUSED') return keyReused();
      // Another vendor's first receipt of this variant won the race since we looked.
      if (!received.ok) return valueOrThrow(notAllowed('This variant belongs to another vendor.'));
      scope.logger.child({ component: 'StockService' }).info({ variantId: receipt.variantId, locationId: location.id, quantity: receipt.quantity }, 'stock received');
      return ok(received.value);
    },

    async adjust(scope, input) {
      valueOrThrow(canManageStock(scope.viewer));
      const valid = validateAdjustment(input);
      if (!valid.ok) return valid;
      const adjustment = valid.value;
      const caller = valueOrThrow(canMoveStockOf(scope.viewer, await deps.stock.ownerOf(adjustment.variantId)));
      const location = await deps.stock.locationByCode(adjustment.locationCode);
      if (!location) return fail(userError(InventoryErrorCodes.LOCATION_NOT_FOUND, 'No warehouse has this code.', ['input', 'locationCode']));
      const adjusted = await deps.stock.adjust(
        { ...adjustment, location, actor: caller.userId, correlationId: scope.requestId },
        claimOf(caller.userId, adjustment.idempotencyKey, { op: 'adjustStock', ...adjustment }),
      );
      if (!adjusted.ok) {
        if (adjusted.errors[0] === 'KEY_REUSED') return keyReused();
        return adjusted.errors[0] === 'NOT_FOUND'
          ? fail(userError(InventoryErrorCodes.STOCK_ITEM_NOT_FOUND, 'This variant has no stock in this warehouse; receive some first.', ['input', 'locationCode']))
          : fail(userError(InventoryErrorCodes.STOCK_BELOW_RESERVED, 'On hand cannot drop below the units reserved for checkouts (or below zero).', ['input', 'delta']));
      }
      scope.logger.child({ component: 'StockService' }).info({ variantId: adjustment.variantId, locationId: location.id, delta: adjustment.delta }, 'stock adjusted');
      return adjusted;
    },

    async createLocation(scope, input) {
      const caller = valueOrThrow(canManageLocations(scope.viewer));
      const valid = validateLocation(input);
      if (!valid.ok) return valid;
      const inserted = await deps.stock.insertLocation(valid.value);
      if (!inserted.ok) return fail(userError(InventoryErrorCodes.LOCATION_CODE_TAKEN, 'Another warehouse already uses this code.', ['input', 'code']));
      scope.logger.child({ component: 'StockService' }).info({ locationId: inserted.value.id, userId: caller.userId }, 'location created');
      return inserted;
    },

    async availability(scope, variantId) {
      const row = await scope.loaders.availableByVariant.load(variantId.toLowerCase());
      const available = row?.available ?? 0;
      return { available, inStock: available > 0 };
    },

    async setLowStockThreshold(scope, input) {
      valueOrThrow(canManageStock(scope.viewer));
      const valid = validateLowStockThreshold(input);
      if (!valid.ok) return valid;
      const { variantId, threshold } = valid.value;
      const caller = valueOrThrow(canSetLowStockThreshold(scope.viewer, await deps.stock.ownerOf(variantId)));
      const state = await deps.stock.setLowStockThreshold(variantId, threshold, scope.requestId);
      scope.logger.child({ component: 'StockService' }).info({ variantId, threshold, low: state.low, userId: caller.userId }, 'low-stock threshold set');
      return ok({ variantId, ...state });
    },

    async location(scope, locationId) {
      const location = await scope.loaders.locationById.load(locationId);
      // Locations are never deleted, so a movement or level pointing nowhere is an outage.
      if (!location) throw new Error(`missing location ${locationId}`);
      return location;
    },

    async movements(scope, args) {
      valueOrThrow(canManageStock(scope.viewer));
      const page = valueOrThrow(pageRequest(args, movementCursor));
      const variantId = args.variantId.toLowerCase();
      const owner = isUuid(variantId) ? await deps.stock.ownerOf(variantId) : null;
      valueOrThrow(canReadMovements(scope.viewer, owner));
      scope.signal.throwIfAborted();
      if (!isUuid(variantId)) return toConnection([], page, 0, () => null);
      const [rows, total] = await Promise.all([deps.stock.movements(variantId, page.limit, page.after), deps.stock.countMovements(variantId)]);
      return toConnection(rows, page, total, (movement) => ({ at: movement.at.toISOString(), id: movement.id }));
    },
  };
}
