/** Where services read the time, so specs can move it (guest cart expiry). */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
