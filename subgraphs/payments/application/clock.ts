/** Where services read the time, so specs can move it (card expiry, webhook tolerance). */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
