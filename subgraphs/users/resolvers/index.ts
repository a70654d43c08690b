import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { updateProfile, reactivateUser, suspendUser } from './account.mutations.ts';
import { addAddress, deleteAddress, updateAddress } from './address.mutations.ts';
import { logIn, logOut, refreshAccessToken, signUp } from './auth.mutations.ts';
import { DateTime } from './date-time.scalar.ts';
import { me, user, users, vendor, vendors } from './query.resolvers.ts';
import { User } from './user.resolvers.ts';
import { applyForVendor, approveVendor, rejectVendor, suspendVendor } from './vendor.mutations.ts';
import { Vendor } from './vendor.resolvers.ts';

export const resolvers: Resolvers = {
  DateTime,
  Query: { me, user, users, vendor, vendors },
  Mutation: {
    signUp,
    logIn,
    refreshAccessToken,
    logOut,
    updateProfile,
    addAddress,
    updateAddress,
    deleteAddress,
    applyForVendor,
    approveVendor,
    rejectVendor,
    suspendVendor,
    suspendUser,
    reactivateUser,
  },
  User,
  Vendor,
};
