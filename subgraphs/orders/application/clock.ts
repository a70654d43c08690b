/** Where services read the time, so specs can move it (saga deadlines). */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
