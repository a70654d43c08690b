/** Where services read the time, so specs can move it (reservation expiry). */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
