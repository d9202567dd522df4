/** Entry point of the models subgraph: `npm run start:models`. */
import { runService } from '../../../lib/service-process';
import { loadModelsConfig } from './config';
import { startModelsSubgraph } from './server';

runService('models-subgraph', () => loadModelsConfig(), startModelsSubgraph);
