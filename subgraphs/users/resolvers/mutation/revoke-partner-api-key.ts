import { spreadPayload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const revokePartnerApiKey: NonNullable<MutationResolvers['revokePartnerApiKey']> = async (_parent, { input }, context) =>
  spreadPayload(await context.services.partnerApps.revokeKey(context, input), ['key']);
