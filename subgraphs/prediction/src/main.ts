/** Entry point of the prediction subgraph: `npm run start:prediction`. */
import { runService } from '../../../lib/service-process';
import { loadPredictionConfig } from './config';
import { startPredictionSubgraph } from './server';

runService('prediction-subgraph', () => loadPredictionConfig(), startPredictionSubgraph);
