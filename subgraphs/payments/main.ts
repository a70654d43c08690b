import { subgraph } from './app.ts';

await subgraph.run();
