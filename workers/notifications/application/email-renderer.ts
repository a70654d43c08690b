import { orderCancelledV1, orderConfirmedV1, vendorOrderShippedV1 } from '../../../contracts/index.ts';
import type { EmailContent } from '../domain/email.ts';
import { renderNewVendorOrder, renderOrderCancelled, renderOrderConfirmed, renderVendorOrderShipped, type RenderedEmail } from '../domain/templates.ts';
import type { DueEmail } from '../infra/email.repository.ts';
import type { UserContact, VendorContact } from '../infra/contacts.client.ts';

export type RenderOutcome = { ok: true; to: string; email: RenderedEmail } | { ok: false; reason: string };

/**
 * The stored template input, checked against the contract it came from: a row is written by this
 * worker from a validated message, but it is read back from a database, and a template must
 * never render half a shape.
 */
function content(email: DueEmail): EmailContent | null {
  switch (email.template) {
    case 'ORDER_CONFIRMED':
    case 'NEW_VENDOR_ORDER': {
      const data = orderConfirmedV1.payload.safeParse(email.data);
      return data.success ? { template: email.template, data: data.data } : null;
    }
    case 'ORDER_CANCELLED': {
      const data = orderCancelledV1.payload.safeParse(email.data);
      return data.success ? { template: email.template, data: data.data } : null;
    }
    case 'VENDOR_ORDER_SHIPPED': {
      const data = vendorOrderShippedV1.payload.safeParse(email.data);
      return data.success ? { template: email.template, data: data.data } : null;
    }
    default:
      return null;
  }
}

/** One due email with its recipient's contact: the address and the rendered message, or why it cannot be sent. */
export function renderDueEmail(email: DueEmail, contacts: { users: ReadonlyMap<string, UserContact>; vendors: ReadonlyMap<string, VendorContact> }): RenderOutcome {
  const input = content(email);
  if (!input) return { ok: false, reason: `stored data does not match template ${email.template}` };
  if (input.template === 'NEW_VENDOR_ORDER') {
    const vendor = contacts.vendors.get(email.recipientId);
    if (!vendor) return { ok: false, reason: 'vendor unknown to users' };
    const rendered = renderNewVendorOrder(input.data, vendor);
    return rendered ? { ok: true, to: vendor.ownerEmail, email: rendered } : { ok: false, reason: 'the order holds no vendor order of this store' };
  }
  const customer = contacts.users.get(email.recipientId);
  if (!customer) return { ok: false, reason: 'customer unknown to users' };
  const rendered =
    input.template === 'ORDER_CONFIRMED'
      ? renderOrderConfirmed(input.data, customer)
      : input.template === 'ORDER_CANCELLED'
        ? renderOrderCancelled(input.data, customer)
        : renderVendorOrderShipped(input.data, customer);
  return { ok: true, to: customer.email, email: rendered };
}
