/**
 * A lifecycle as data: each state lists the states it may move to. Defining one checks it (every
 * target is a known state, no self-moves, every state reachable from the initial one), so a typo
 * in a table fails at start-up instead of silently stranding records. Shared by every subgraph's
 * lifecycles (vendors, accounts, products, and later orders and payments).
 */
export interface ProcessTable<TState extends string> {
  readonly name: string;
  readonly initial: TState;
  readonly transitions: Readonly<Record<TState, readonly TState[]>>;
  canMove(from: TState, to: TState): boolean;
  /** States with no way out. */
  terminalStates(): TState[];
}

export function defineProcess<TState extends string>(
  name: string,
  initial: TState,
  transitions: Record<TState, readonly TState[]>,
): ProcessTable<TState> {
  const states = Object.keys(transitions) as TState[];
  if (!states.includes(initial)) throw new Error(`${name}: initial state ${initial} is not in the table`);
  for (const from of states) {
    for (const to of transitions[from]) {
      if (!states.includes(to)) throw new Error(`${name}: ${from} → ${to} targets an unknown state`);
      if (to === from) throw new Error(`${name}: ${from} → ${from} is not a transition`);
    }
  }
  const reached = new Set<TState>([initial]);
  const queue: TState[] = [initial];
  for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
    for (const next of transitions[state]) {
      if (!reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  const unreachable = states.filter((state) => !reached.has(state));
  if (unreachable.length > 0) throw new Error(`${name}: unreachable state(s) ${unreachable.join(', ')}`);
  return {
    name,
    initial,
    transitions,
    canMove: (from, to) => transitions[from].includes(to),
    terminalStates: () => states.filter((state) => transitions[state].length === 0),
  };
}
