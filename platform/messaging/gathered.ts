import type { SqlClient } from './sql.ts';

/**
 * Calls made on one transaction within one turn of the event loop, run as one. The handlers of an
 * inbox batch share its transaction and each ask for their part at once, so what each would send
 * as a statement of its own becomes one statement for all. `run` gets the inputs in call order and
 * answers with one output per input; if it fails, every call of the round fails with it.
 */
export function gatheredPerTransaction<I, O>(run: (tx: SqlClient, inputs: readonly I[]) => Promise<readonly O[]>): (tx: SqlClient, input: I) => Promise<O> {
  const rounds = new WeakMap<SqlClient, { inputs: I[]; outputs: Promise<readonly O[]> }>();
  return (tx, input) => {
    let round = rounds.get(tx);
    if (!round) {
      const inputs: I[] = [];
      const outputs = new Promise<void>((resolve) => process.nextTick(resolve)).then(() => {
        rounds.delete(tx);
        return run(tx, inputs);
      });
      round = { inputs, outputs };
      rounds.set(tx, round);
    }
    const index = round.inputs.push(input) - 1;
    return round.outputs.then((outputs) => {
      if (index >= outputs.length) throw new Error(`a gathered call got no answer: ${outputs.length} answers for call ${index + 1}`);
      return outputs[index] as O;
    });
  };
}
