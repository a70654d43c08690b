import type { PartnerManifestInfoResolvers } from '../../__generated__/resolvers-types.ts';

export const PartnerManifestInfo: PartnerManifestInfoResolvers = {
  operationCount: (manifest) => manifest.operations.length,
  operationNames: (manifest) => manifest.operations.map((operation) => operation.name),
};
