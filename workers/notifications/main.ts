import { worker } from './app.ts';

await worker.run();
