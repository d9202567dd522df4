/** Entry point of the models subgraph: `npm run start:models`. */
import { runService } from '../../../lib/service';
import { loadModelsConfig } from './config';
import { startModelsSubgraph } from './server';

runService('models-subgraph', () => loadModelsConfig(), startModelsSubgraph);
